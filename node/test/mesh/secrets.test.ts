/**
 * Secrets end to end through running nodes (issue 12 wired into the node): 3 nodes, each a worker and a keystore
 * node; their DKG (2-of-3) and the published group; an owner's profile encrypted to it; a request whose
 * secrets_ref names the profile, run by the env-keys guest, which prints the names of the env vars it got (never
 * their values). The callback's output names the profile's keys, and the secret value is in no data dir and in
 * no log line of any node (debug level, captured).
 */
import { strict as assert } from 'node:assert'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { bytesToHex } from '@noble/hashes/utils.js'
import { Account, KeyPairSigner, type KeyPairString } from 'near-api-js'
import { parseSecretKey, publicKeyToString } from '../../../protocol/index.js'
import { encryptSecrets } from '../../../protocol/secrets/index.js'
import { createLogger } from '../../log.js'
import { groupArgs } from '../../roles/keystore/index.js'
import { startLocalMesh, type LocalMesh } from '../../testing/local-mesh.js'

const SECRET = 'sk-mesh-3f9a1c77-never-in-logs'
const OTHER = 'token-e2e-5d20-never-in-logs'
const NEAR = 10n ** 24n
const GAS = 300n * 10n ** 12n

async function filesUnder (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) out.push(join(e.parentPath, e.name))
  return out
}

describe('mesh: a request with secrets_ref gets the profile as env vars, from 2-of-3 keystore nodes', function () {
  this.timeout(300_000)
  let mesh: LocalMesh
  const logs: string[] = []

  before(async () => {
    mesh = await startLocalMesh({
      nodes: 3,
      blockTimeMs: 300,
      roles: i => i === 0 ? ['worker', 'resolver', 'keystore'] : ['worker', 'keystore'],
      overrides: i => ({ logger: createLogger(`node${i}`, { level: 'debug', base: { node: `n${i}` }, destination: { write: (line: string) => { logs.push(line) } } }) })
    })
  })
  after(async () => { await mesh?.stop() })

  it('runs with the profile\'s keys in its env, and no secret reaches a log or a data dir', async () => {
    const nodes = mesh.nodes.map(n => n!)
    const members = nodes.map(n => ({ peer_id: n.mesh.peerId }))
    const runs = await Promise.all(nodes.map(async (n, index) => await n.keystore!.runDkg({ session: 'genesis', members, index, threshold: 2, timeoutMs: 30_000 })))
    const { groupKey, verifyingShares } = runs[0]!
    const group = groupArgs(groupKey, 2, nodes.map((n, i) => ({
      account_id: n.config.near.accountId,
      peer_id: n.mesh.peerId,
      public_key: publicKeyToString(parseSecretKey(n.config.signingKey).publicKey),
      verifying_share: bytesToHex(verifyingShares[runs[i]!.identifier]!)
    })))
    const provider = mesh.user.client.provider
    const as = (accountId: string, secretKey: string): Account => new Account(accountId, provider, KeyPairSigner.fromSecretKey(secretKey as KeyPairString))
    const send = async (from: Account, methodName: string, args: Record<string, unknown>, deposit = 0n): Promise<void> => {
      await from.callFunction({ contractId: mesh.contractId, methodName, args, deposit, gas: GAS, waitUntil: 'FINAL' })
    }
    await send(as(mesh.net.root.accountId, mesh.net.root.secretKey), 'set_keystore_group', { group })

    const owner = mesh.user.accountId
    const echo = await mesh.example('env-keys')
    const blob = encryptSecrets(groupKey, { owner, accessor: `wasm:${echo.hash}`, profile: 'default' }, { API_KEY: SECRET, OTHER_TOKEN: OTHER })
    await send(as(owner, mesh.user.secretKey), 'store_secrets', {
      accessor: { WasmHash: { hash: echo.hash } }, profile: 'default', encrypted_secrets_base64: Buffer.from(blob).toString('base64'), access: 'AllowAll'
    }, NEAR / 10n)

    const { requestId, txHash } = await mesh.request({
      source: { WasmUrl: echo }, replicas: 3, quorum: 2, response_format: 'Json', secrets_ref: { profile: 'default', account_id: owner }
    })
    const view = await mesh.waitClosed(requestId, 180_000)
    assert.equal(view.resolution?.success, true, JSON.stringify({ status: view.status, resolution: view.resolution }))
    assert.deepEqual(await mesh.result(txHash), { env_keys: ['API_KEY', 'OTHER_TOKEN'] })

    // the secret values: in no log line (debug) and in no file of any node's data dir (store, keystore share, wasm)
    assert.ok(logs.some(l => l.includes('partial released')), `the keystore nodes logged their releases (${logs.length} lines)`)
    const needles = [SECRET, OTHER, Buffer.from(SECRET).toString('base64'), Buffer.from(SECRET).toString('hex')]
    for (const line of logs) for (const needle of needles) assert.ok(!line.includes(needle), `a secret leaked into a log line: ${line.slice(0, 160)}`)
    let files = 0
    for (const config of mesh.configs) {
      for (const file of await filesUnder(config.dataDir)) {
        files++
        const bytes = (await readFile(file)).toString('latin1')
        for (const needle of needles) assert.ok(!bytes.includes(needle), `a secret leaked into ${file}`)
      }
    }
    assert.ok(files > 3, `the data dirs hold files (${files})`)
  })
})
