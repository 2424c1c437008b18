/**
 * A node runner's whole journey with the real CLI, one process per command as a user would type them:
 * `outlayer init` → register_worker → `outlayer start --config` → `outlayer status --config` →
 * `outlayer request` answered by that node (worker and aggregator) on localnet with the real contract.
 */
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { readFile, mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startLocalnet, type Localnet } from '../../../localnet/index.js'
import { deployOutlayer } from '../../../scripts/deploy.js'
import { ensureExamples } from '../../../scripts/build-examples.js'
import { sha256Hex } from '../../../protocol/index.js'
import { defaultCacheDir } from '../../../sandbox/exec/index.js'
import { createOutlayerClient } from '../../chain/index.js'
import { ROOT, runCli } from './run-cli.js'

const BOND = 10n ** 24n

describe('outlayer init → start → status → request (one node, real CLI processes)', function () {
  this.timeout(240_000)
  let net: Localnet
  let dir: string
  let node: ChildProcess | undefined
  let contractId: string
  let configPath: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outlayer-journey-'))
    net = await startLocalnet({ port: 0, blockTimeMs: 100, accounts: 2 })
    // the root account owns the contract and is its operator (the contract account has no key)
    ;({ contractId } = await deployOutlayer({
      rpcUrl: net.rpcUrl, networkId: net.networkId, masterAccountId: net.root.accountId, masterSecretKey: net.root.secretKey,
      config: { min_bond: BOND.toString() }
    }))
    const worker = net.accounts[1]!
    const init = await runCli(['init', '--dir', join(dir, 'node'), '--contract-id', contractId, '--rpc-url', net.rpcUrl, '--feed-url', net.feedUrl,
      // the deprecated role name still works (saved as resolver); no operator key is needed to resolve
      '--account-id', worker.accountId, '--secret-key', worker.secretKey, '--roles', 'worker,aggregator',
      '--listen', '/ip4/127.0.0.1/tcp/0', '--http-port', String(await freePort()), '--exec-cache-dir', defaultCacheDir(), '--json'])
    assert.equal(init.code, 0, init.stderr)
    const summary = JSON.parse(init.stdout) as { configPath: string, signingPublicKey: string }
    configPath = summary.configPath
    // What init told the runner to do next: register the signing key with a bond.
    const client = createOutlayerClient({ rpcUrl: net.rpcUrl, contractId, accountId: worker.accountId, secretKey: worker.secretKey })
    await client.registerWorker(summary.signingPublicKey, BOND)
  })

  after(async () => {
    if (node != null && node.exitCode == null) {
      const exited = new Promise(resolve => node!.once('exit', resolve))
      node.kill('SIGTERM')
      await exited
    }
    await net?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('outlayer start runs the node from the config init wrote', async () => {
    node = spawn(process.execPath, [join(ROOT, 'bin', 'outlayer.mjs'), 'start', '--config', configPath],
      { cwd: ROOT, env: { ...process.env, OUTLAYER_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    node.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    const started = await new Promise<{ peerId: string, api: string | null }>((resolve, reject) => {
      let stdout = ''
      node!.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        const line = stdout.split('\n').find(l => l.startsWith('{'))
        if (line != null) resolve(JSON.parse(line) as { peerId: string, api: string | null })
      })
      node!.once('exit', code => reject(new Error(`outlayer start exited ${code}: ${stderr}`)))
    })
    assert.match(started.peerId, /^12D3KooW/)
    assert.ok(started.api != null, 'the API is on')
  })

  it('outlayer status --config reads the running node', async () => {
    const r = await runCli(['status', '--config', configPath])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /\(localnet; roles worker, resolver\)/)
    assert.ok(r.stdout.includes(`account  ${net.accounts[1]!.accountId} → ${contractId}`), r.stdout)
  })

  it('outlayer request is answered by the node and prints the echo', async () => {
    const echo = (await ensureExamples()).echo!
    const hash = sha256Hex(await readFile(echo))
    const r = await runCli(['request', '--source', `${pathToFileURL(echo).href}#${hash}`, '--input', '{"message":"hi from the journey"}',
      '--response-format', 'Json', '--keys-file', net.keysFile, '--account-id', net.accounts[0]!.accountId, '--contract-id', contractId])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /"echo": "hi from the journey"/)
    assert.ok(r.stdout.includes(`workers ${net.accounts[1]!.accountId}`), r.stdout)
  })
})

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}
