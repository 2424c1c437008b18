/** `outlayer secrets put|list|delete` against a localnet contract, with a group from an in-process DKG. */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bytesToHex } from '@noble/hashes/utils.js'
import { DkgSession, combinePartials, decodeScalar, decryptSecrets, ephemeralOf, memberIdentifier } from '../../../protocol/secrets/index.js'
import { keyPairFromSeed, publicKeyToString, sha256 } from '../../../protocol/index.js'
import { call, startWorld, type World } from '../../../contract/test/world.js'
import { UsageError } from '../../cli/exit-codes.js'
import { register } from '../../cli/commands/secrets.js'
import { groupArgs } from '../../roles/keystore/index.js'
import { runInProcess } from './run-in-process.js'

describe('outlayer secrets', function () {
  this.timeout(120_000)
  let w: World
  let dir: string
  let base: string[]
  const hash = 'ab'.repeat(32)

  before(async () => {
    w = await startWorld({ workers: 0, accounts: 3 })
    dir = await mkdtemp(join(tmpdir(), 'outlayer-secrets-'))
    const user = w.net.accounts[0]!
    base = ['secrets', 'put', '--contract-id', w.contractId, '--rpc-url', w.net.rpcUrl, '--account-id', user.accountId, '--secret-key', user.secretKey, '--accessor', `wasm:${hash}`]
  })
  after(async () => { await w?.stop(); await rm(dir, { recursive: true, force: true }) })

  const env = async (name: string, text: string): Promise<string> => { const p = join(dir, name); await writeFile(p, text); return p }
  const usage = (r: { error?: Error }, text: string): void => {
    assert.ok(r.error instanceof UsageError, String(r.error))
    assert.match(r.error.message, new RegExp(text))
  }

  it('says so when no group key is published', async () => {
    usage(await runInProcess(register, [...base, '--access', '"AllowAll"', '--env-file', await env('a.env', 'API_KEY=x\n')]), 'no keystore group key is published')
  })

  it('encrypts to the published group key; t shares open what it stored; list and delete', async () => {
    const sessions = [0, 1, 2].map(i => new DkgSession(memberIdentifier(i), 2, 3))
    const r1 = sessions.map(s => s.round1())
    const r2 = sessions.map((s, i) => s.round2(r1.filter((_, j) => j !== i)))
    const shares = sessions.map((s, i) => s.round3(r2.filter((_, j) => j !== i).map(m => m[s.identifier]!)))
    const group = groupArgs(shares[0]!.groupKey, 2, shares.map((s, i) => ({
      account_id: `ks${i}.test.near`, peer_id: `12D3KooPeer${i}`, public_key: publicKeyToString(keyPairFromSeed(sha256(`k${i}`)).publicKey), verifying_share: bytesToHex(shares[0]!.verifyingShares[s.identifier]!)
    })))
    await call(w, w.root, 'set_keystore_group', { group })

    const r = await runInProcess(register, [...base, '--profile', 'prod', '--access', '{"Whitelist":{"accounts":["alice.test.near"]}}', '--env-file', await env('b.env', '# comment\nAPI_KEY=sk-123\nSALT=pepper=with=equals\n')])
    assert.equal(r.error, undefined, String(r.error))
    assert.match(r.stdout, /stored 2 secrets/)
    const owner = w.net.accounts[0]!.accountId
    const record = await w.view<{ encrypted_secrets_base64: string, access: unknown }>('get_secrets', { owner, accessor: { WasmHash: { hash } }, profile: 'prod' })
    assert.deepEqual(record.access, { Whitelist: { accounts: ['alice.test.near'] } })
    const blob = Buffer.from(record.encrypted_secrets_base64, 'base64')
    const E = ephemeralOf(blob)
    const partials = [shares[0]!, shares[2]!].map(s => ({ identifier: s.identifier, point: E.multiply(decodeScalar(s.share)).toBytes() }))
    assert.deepEqual(decryptSecrets(combinePartials(partials, 2), shares[0]!.groupKey, { owner, accessor: `wasm:${hash}`, profile: 'prod' }, blob), { API_KEY: 'sk-123', SALT: 'pepper=with=equals' })

    const listed = await runInProcess(register, ['secrets', 'list', ...base.slice(2), '--profile', 'prod'])
    assert.match(listed.stdout, /profile prod/)
    assert.ok(!listed.stdout.includes('sk-123'))
    const deleted = await runInProcess(register, ['secrets', 'delete', ...base.slice(2), '--profile', 'prod'])
    assert.match(deleted.stdout, /deleted/)
    assert.equal(await w.view('get_secrets', { owner, accessor: { WasmHash: { hash } }, profile: 'prod' }), null)
  })

  it('refuses a bad condition, a bad accessor, bad env names and a secret too large for the contract', async () => {
    const file = await env('c.env', 'API_KEY=x\n')
    usage(await runInProcess(register, [...base, '--access', '{"Teleport":{}}', '--env-file', file]), 'unknown condition Teleport')
    usage(await runInProcess(register, [...base, '--access', '{"AccountPattern":{"pattern":"(a+"}}', '--env-file', file]), 'AccountPattern')
    usage(await runInProcess(register, [...base, '--access', 'AllowAll', '--env-file', file]), '--access is not JSON')
    usage(await runInProcess(register, ['secrets', 'put', ...base.slice(2, -2), '--accessor', 'git:x', '--access', '"AllowAll"', '--env-file', file]), '--accessor')
    usage(await runInProcess(register, [...base, '--access', '"AllowAll"', '--env-file', await env('d.env', '1BAD=x\n')]), 'env-var name')
    usage(await runInProcess(register, [...base, '--access', '"AllowAll"', '--env-file', await env('e.env', `BIG=${'x'.repeat(70_000)}\n`)]), 'at most 65475')
  })
})
