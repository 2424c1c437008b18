/**
 * Secrets end to end through running nodes (issue 12 wired into the node): 3 nodes, each a worker and a keystore
 * node; their DKG (2-of-3) and the published group; an owner's profile encrypted to it; a request whose
 * secrets_ref names the profile, run by the env-keys guest, which prints the names of the env vars it got (never
 * their values). The callback's output names the profile's keys, and the secret value is in no data dir and in
 * no log line of any node (debug level, captured).
 */
import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { createLogger } from '../../log.js'
import { setUpKeystore, storeProfile } from '../../testing/keystore.js'
import { startLocalMesh, type LocalMesh } from '../../testing/local-mesh.js'
import { filesUnder } from '../files.js'

const SECRET = 'sk-mesh-3f9a1c77-never-in-logs'
const OTHER = 'token-e2e-5d20-never-in-logs'

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
    const groupKey = await setUpKeystore(mesh, 2)
    const owner = mesh.user.accountId
    const echo = await mesh.example('env-keys')
    await storeProfile(mesh, groupKey, { hash: echo.hash, profile: 'default', env: { API_KEY: SECRET, OTHER_TOKEN: OTHER } })

    const { requestId, txHash } = await mesh.request({
      source: { WasmUrl: echo }, replicas: 3, quorum: 2, response_format: 'Json', secrets_ref: { profile: 'default', account_id: owner }
    })
    const view = await mesh.waitClosed(requestId, 180_000)
    // on failure, the nodes' own warnings say which step gave up (release, fetch, commit)
    const warnings = (): string => logs.filter(l => /"level":(40|50)/.test(l)).slice(-12).map(l => l.slice(0, 300)).join('\n')
    assert.equal(view.resolution?.success, true, `${JSON.stringify({ status: view.status, resolution: view.resolution })}\n${warnings()}`)
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
