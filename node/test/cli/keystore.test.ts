/**
 * `outlayer keystore dkg|set-group` against a localnet contract: keystore nodes made with `outlayer init` run
 * the DKG (all on one machine, then a group split over two processes with a member list), each share sealed
 * in its data dir, the group published with the owner's key; t of the sealed shares open what is encrypted to
 * the group key. Refusals: an existing share, a bad threshold, a node not in the member list, a second group.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hexToBytes } from '@noble/hashes/utils.js'
import { parseSecretKey, publicKeyToString } from '../../../protocol/index.js'
import { combinePartials, decodeScalar, decryptSecrets, encryptSecrets, ephemeralOf } from '../../../protocol/secrets/index.js'
import { startWorld, type World } from '../../../contract/test/world.js'
import { register as registerInit } from '../../cli/commands/init.js'
import { register } from '../../cli/commands/keystore.js'
import { UsageError } from '../../cli/exit-codes.js'
import { loadConfig } from '../../config.js'
import { peerIdOfP2pKey } from '../../keys.js'
import type { GroupArgs } from '../../roles/keystore/index.js'
import { loadShare } from '../../roles/keystore/share-store.js'
import { runCli } from './run-cli.js'
import { runInProcess } from './run-in-process.js'

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>(resolve => server.close(() => { resolve() }))
  return port
}

describe('outlayer keystore', function () {
  this.timeout(180_000)
  let w: World
  let dir: string

  before(async () => {
    w = await startWorld({ workers: 0, accounts: 1 })
    dir = await mkdtemp(join(tmpdir(), 'outlayer-keystore-'))
  })
  after(async () => { await w?.stop(); await rm(dir, { recursive: true, force: true }) })

  const owner = (): string[] => ['--account-id', w.net.root.accountId, '--secret-key', w.net.root.secretKey]

  /** `outlayer init --roles keystore` for node `name`, listening on `listen`; returns its config path */
  async function node (name: string, listen = '/ip4/127.0.0.1/tcp/0'): Promise<string> {
    const r = await runInProcess(registerInit, ['init', '--dir', join(dir, name), '--contract-id', w.contractId, '--rpc-url', w.net.rpcUrl,
      '--account-id', `${name}.test.near`, '--roles', 'keystore', '--listen', listen, '--http-port', '0', '--json'])
    assert.equal(r.error, undefined, String(r.error))
    return join(dir, name, 'config.json')
  }

  /** t sealed shares, opened with their nodes' signing keys, decrypt what is encrypted to the group key */
  async function sharesOpen (configs: string[], group: GroupArgs): Promise<void> {
    const binding = { owner: 'alice.test.near', accessor: `wasm:${'ab'.repeat(32)}`, profile: 'default' }
    const blob = encryptSecrets(hexToBytes(group.group_key), binding, { API_KEY: 'k' })
    const E = ephemeralOf(blob)
    const partials = []
    for (const path of configs.slice(0, group.threshold)) {
      const cfg = await loadConfig(path)
      const share = await loadShare(cfg.dataDir, parseSecretKey(cfg.signingKey).secretKey)
      assert.ok(share != null, `${path}: a sealed share`)
      assert.equal(Buffer.from(share.groupKey).toString('hex'), group.group_key)
      const k = group.members.findIndex(m => m.peer_id === peerIdOfP2pKey(cfg.p2p.privateKey))
      assert.equal(Buffer.from(share.verifyingShares[share.identifier]!).toString('hex'), group.members[k]!.verifying_share, `${path}: its published verifying share`)
      partials.push({ identifier: share.identifier, point: E.multiply(decodeScalar(share.share)).toBytes() })
    }
    assert.deepEqual(decryptSecrets(combinePartials(partials, group.threshold), hexToBytes(group.group_key), binding, blob), { API_KEY: 'k' })
  }

  /** the first group's nodes (ks0..ks2), published by the first test and reshared by the last */
  let genesis: string[] = []

  it('runs the DKG for this machine\'s nodes, seals each share, prints and publishes the group with the owner key', async () => {
    const configs = [await node('ks0'), await node('ks1'), await node('ks2')]
    genesis = configs
    const out = join(dir, 'group.json')
    const r = await runInProcess(register, ['keystore', 'dkg', ...configs.flatMap(c => ['--config', c]), '--threshold', '2', '--out', out, '--publish', ...owner()])
    assert.equal(r.error, undefined, String(r.error))
    const group = JSON.parse(r.stdout) as GroupArgs
    assert.deepEqual(JSON.parse(await readFile(out, 'utf8')), group)
    assert.equal(group.threshold, 2)
    assert.deepEqual(group.members.map(m => m.account_id), ['ks0.test.near', 'ks1.test.near', 'ks2.test.near'])
    assert.deepEqual((await w.view<{ group: GroupArgs }>('get_keystore_group')).group, group)
    await sharesOpen(configs, group)

    // a share in place is not replaced by accident; the owner cannot set a second group
    const again = await runInProcess(register, ['keystore', 'dkg', ...configs.flatMap(c => ['--config', c]), '--threshold', '2'])
    assert.ok(again.error instanceof UsageError, String(again.error))
    assert.match(again.error.message, /holds a share already/)
    const second = await runInProcess(register, ['keystore', 'set-group', '--group', out, '--contract-id', w.contractId, '--rpc-url', w.net.rpcUrl, ...owner()])
    assert.match(String(second.error), /rotate_keystore_group/)
  })

  it('runs one session across two processes from a member list (each member only seals its own share)', async () => {
    const ports = [await freePort(), await freePort(), await freePort()]
    const configs: string[] = []
    for (const [i, p] of ports.entries()) configs.push(await node(`split${i}`, `/ip4/127.0.0.1/tcp/${p}`))
    const members = await Promise.all(configs.map(async (path, i) => {
      const cfg = await loadConfig(path)
      return { account_id: cfg.near.accountId, peer_id: peerIdOfP2pKey(cfg.p2p.privateKey), public_key: publicKeyToString(parseSecretKey(cfg.signingKey).publicKey), addrs: [`/ip4/127.0.0.1/tcp/${ports[i]!}`] }
    }))
    const list = join(dir, 'members.json')
    await writeFile(list, JSON.stringify(members))
    const common = ['--members', list, '--threshold', '3', '--session', 'split', '--timeout-ms', '60000']
    // "the other machine": a spawned outlayer for member 2, at the same time as members 0 and 1 here
    const [remote, local] = await Promise.all([
      runCli(['keystore', 'dkg', '--config', configs[2]!, ...common]),
      runInProcess(register, ['keystore', 'dkg', '--config', configs[0]!, '--config', configs[1]!, ...common])
    ])
    assert.equal(local.error, undefined, String(local.error))
    assert.equal(remote.code, 0, remote.stderr)
    const group = JSON.parse(local.stdout) as GroupArgs
    assert.deepEqual(JSON.parse(remote.stdout), group, 'every member computed the same group')
    assert.equal(group.threshold, 3)
    await sharesOpen(configs, group)
  })

  it('refuses a threshold out of range and a node that is not in the member list, keeping nothing', async () => {
    const configs = [await node('bad0'), await node('bad1')]
    const bad = await runInProcess(register, ['keystore', 'dkg', ...configs.flatMap(c => ['--config', c]), '--threshold', '3'])
    assert.ok(bad.error instanceof UsageError, String(bad.error))
    assert.match(bad.error.message, /--threshold/)
    const list = join(dir, 'others.json')
    await writeFile(list, JSON.stringify([0, 1].map(i => ({ account_id: `o${i}.test.near`, peer_id: `12D3KooWOther${i}`, public_key: `ed25519:other${i}`, addrs: [] }))))
    const stranger = await runInProcess(register, ['keystore', 'dkg', '--config', configs[0]!, '--members', list, '--threshold', '2'])
    assert.equal((stranger.error as { code?: string }).code, 'DKG_FAILED', String(stranger.error))
    assert.match(String(stranger.error), /not in the member list/)
    for (const path of configs) {
      const cfg = await loadConfig(path)
      assert.equal(await loadShare(cfg.dataDir, parseSecretKey(cfg.signingKey).secretKey), null, `${path}: no share kept`)
    }
  })

  it('reshares the published group to one more member at 3-of-4 with --publish: same group key, t new shares open it, the old shares are gone', async () => {
    assert.equal(genesis.length, 3, 'the first test published a group')
    const configs = [...genesis, await node('ks3')]
    const before = (await w.view<{ version: number, group: GroupArgs }>('get_keystore_group'))
    const members = await Promise.all(configs.map(async path => {
      const cfg = await loadConfig(path)
      return { account_id: cfg.near.accountId, peer_id: peerIdOfP2pKey(cfg.p2p.privateKey), public_key: publicKeyToString(parseSecretKey(cfg.signingKey).publicKey), addrs: [] }
    }))
    const list = join(dir, 'reshare-members.json')
    await writeFile(list, JSON.stringify(members))
    const r = await runInProcess(register, ['keystore', 'reshare', ...configs.flatMap(c => ['--config', c]), '--members', list, '--threshold', '3', '--publish', ...owner()])
    assert.equal(r.error, undefined, String(r.error))
    const group = JSON.parse(r.stdout) as GroupArgs
    assert.equal(group.group_key, before.group.group_key, 'the group key is unchanged')
    assert.equal(group.threshold, 3)
    const after = await w.view<{ version: number, group: GroupArgs }>('get_keystore_group')
    assert.equal(after.version, before.version + 1)
    assert.deepEqual(after.group, group)
    await sharesOpen(configs, group)
    for (const path of configs) {
      const cfg = await loadConfig(path)
      assert.equal((await loadShare(cfg.dataDir, parseSecretKey(cfg.signingKey).secretKey))?.threshold, 3, `${path}: the new share replaced the old`)
      assert.equal(await loadShare(cfg.dataDir, parseSecretKey(cfg.signingKey).secretKey, 'next'), null, `${path}: nothing pending`)
    }
  })
})
