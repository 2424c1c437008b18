import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApiServer, type ApiServer } from '../../api/index.js'
import type { NodeStatus } from '../../api/types.js'
import { defaultConfig, saveConfig } from '../../config.js'
import { generateNearKey, generateP2pKey } from '../../keys.js'
import { sampleStatus } from '../api/fixtures.js'
import { runCli } from './run-cli.js'
import { runInProcess } from './run-in-process.js'
import { register } from '../../cli/commands/status.js'
import { UsageError } from '../../cli/exit-codes.js'
import { StatusClientError } from '../../api/client.js'

describe('outlayer status', () => {
  let server: ApiServer
  let dir: string
  let current: NodeStatus | Error = sampleStatus()

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outlayer-status-'))
    server = await createApiServer({
      port: 0,
      status: () => {
        if (current instanceof Error) throw current
        return current
      }
    })
  })
  after(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('prints peers, chain height, leases and jobs of the node at --url (spawned CLI)', async () => {
    current = sampleStatus()
    const r = await runCli(['status', '--url', server.url])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /node\s+12D3KooWSamplePeer\s+\(localnet; roles worker, resolver\)/)
    assert.match(r.stdout, /chain\s+height #1234/)
    assert.match(r.stdout, /peers\s+2\n\s+12D3KooWOtherPeerA\s+\/ip4\/127\.0\.0\.1\/tcp\/40002/)
    assert.match(r.stdout, /leases\s+1\n\s+request 7\s+expires at #1250 \(in 16 blocks\)/)
    assert.match(r.stdout, /jobs\s+2 \(1 active\)/)
    assert.match(r.stdout, /request 7\s+claimed\s+github\.com\/o\/r@abc123/)
  })

  it('--json prints the status as the node reported it', async () => {
    const r = await runInProcess(register, ['status', '--url', server.url, '--json'])
    assert.equal(r.error, undefined)
    assert.deepEqual(JSON.parse(r.stdout), JSON.parse(JSON.stringify(current)))
  })

  it('--config finds the API from config.json (a node bound to 0.0.0.0 is reached on loopback)', async () => {
    const path = join(dir, 'config.json')
    await saveConfig(path, defaultConfig({
      near: { contractId: 'outlayer.test.near', accountId: 'worker0.test.near', secretKey: generateNearKey().secretKey },
      p2p: { privateKey: await generateP2pKey() },
      signingKey: generateNearKey().secretKey,
      http: { host: '0.0.0.0', port: Number(new URL(server.url).port) }
    }))
    const r = await runInProcess(register, ['status', '--config', path, '--json'])
    assert.equal(r.error, undefined)
    assert.equal((JSON.parse(r.stdout) as NodeStatus).peerId, '12D3KooWSamplePeer')
  })

  it('a node that is not running is a clear local failure (spawned CLI: exit 1)', async () => {
    const closed = await createApiServer({ port: 0, status: () => sampleStatus() })
    await closed.close()
    const r = await runCli(['status', '--url', closed.url])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /cannot reach a node at .*outlayer start/)
  })

  it('a node that cannot report yet, and something that is not a node, are said so', async () => {
    current = new Error('starting')
    const starting = await runInProcess(register, ['status', '--url', server.url])
    current = sampleStatus()
    assert.ok(starting.error instanceof StatusClientError && starting.error.code === 'HTTP_ERROR', String(starting.error))
    assert.match(starting.error.message, /503: node status is unavailable/)

    const other = createServer((_req, res) => res.end('{"hello":"world"}'))
    await new Promise<void>(resolve => other.listen(0, '127.0.0.1', resolve))
    const { port } = other.address() as { port: number }
    const notANode = await runInProcess(register, ['status', '--url', `http://127.0.0.1:${port}`])
    other.close()
    assert.ok(notANode.error instanceof StatusClientError && notANode.error.code === 'BAD_RESPONSE', String(notANode.error))
    assert.match(notANode.error.message, /did not return a node status/)
  })

  it('refuses bad usage with a UsageError', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--url', server.url, '--config', join(dir, 'config.json')], /either --url or --config/],
      [['--url', 'localhost:7700'], /--url/],
      [['--config', join(dir, 'missing.json')], /no config file.*outlayer init/],
      [['--url', server.url, '--timeout-ms', 'soon'], /--timeout-ms/]
    ]
    for (const [args, message] of cases) {
      const { error } = await runInProcess(register, ['status', ...args])
      assert.ok(error instanceof UsageError, `${args.join(' ')}: ${String(error)}`)
      assert.match(error.message, message)
    }
  })
})
