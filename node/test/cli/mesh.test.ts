/**
 * The CLI against a real mesh: localnet, the contract and three in-process nodes over TCP (scripts/start.ts
 * startLocalMesh). `outlayer status` reads a node's API, `outlayer request` is answered by the workers and the
 * aggregator, and the dashboard and /metrics show the node's real state.
 */
import assert from 'node:assert/strict'
import { chromium } from 'playwright-core'
import { startLocalMesh, type LocalMesh } from '../../testing/local-mesh.js'
import { fetchStatus } from '../../api/client.js'
import type { NodeStatus } from '../../api/types.js'
import { runCli } from './run-cli.js'

describe('outlayer status and request against a running mesh', function () {
  this.timeout(240_000)
  let mesh: LocalMesh
  let apiUrl: string

  before(async () => {
    mesh = await startLocalMesh({ nodes: 3, blockTimeMs: 100, logLevel: 'silent', progress: () => {}, overrides: () => ({ http: true }) })
    apiUrl = mesh.nodes[0]!.apiUrl!
    // The nodes dial each other in the background: wait until node 0 sees both others (no timing asserted).
    for (let status = await fetchStatus(apiUrl); status.peers.length < 2 || status.chain.height == null; status = await fetchStatus(apiUrl)) {
      await new Promise(resolve => setTimeout(resolve, 200))
    }
  })
  after(async () => { await mesh?.stop() })

  it('outlayer status shows the aggregator node, its peers and the chain height', async () => {
    const r = await runCli(['status', '--url', apiUrl])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^node\s+12D3KooW\w+\s+\(localnet; roles worker, resolver\)/)
    assert.match(r.stdout, /chain\s+height #\d+/)
    assert.match(r.stdout, /peers\s+2\n/)
    for (const other of mesh.nodes.slice(1)) assert.ok(r.stdout.includes(other!.mesh.peerId), `lists peer ${other!.mesh.peerId}`)
  })

  it('outlayer request R=3 Q=2 is answered by the mesh and prints the random example\'s output', async () => {
    const random = await mesh.example('random')
    const r = await runCli(['request', '--source', `${random.url}#${random.hash}`, '--input', '{"count":3,"min":1,"max":6}',
      '--replicas', '3', '--quorum', '2', '--keys-file', mesh.net.keysFile, '--account-id', mesh.user.accountId,
      '--contract-id', mesh.contractId, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const out = JSON.parse(r.stdout) as { success: boolean, result: unknown, requestId: string, workers: string[] }
    assert.equal(out.success, true)
    assert.match(out.requestId, /^\d+$/)
    assert.ok(out.workers.length >= 2, `at least the quorum was paid: ${out.workers.join(', ')}`)
    const workerAccounts = mesh.configs.map(c => c.near.accountId)
    for (const w of out.workers) assert.ok(workerAccounts.includes(w), `${w} is one of the mesh's workers`)
    assert.notEqual(out.result, null)
    assert.notEqual(out.result, '')

    const status: NodeStatus = await fetchStatus(apiUrl)
    assert.ok(status.chain.height != null && status.chain.height > 0)
  })

  it('the dashboard renders the real node\'s status in headless chromium', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']
    })
    try {
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('pageerror', err => { errors.push(err.message) })
      await page.goto(`${apiUrl}/`)
      await page.locator('#peer-id', { hasText: mesh.nodes[0]!.mesh.peerId }).waitFor({ timeout: 30_000 })
      assert.equal(await page.textContent('#roles'), 'worker, resolver')
      assert.equal(await page.textContent('#peer-count'), '2')
      assert.match(await page.textContent('#chain-height') ?? '', /^#\d+$/)
      assert.equal(await page.textContent('#connection'), 'live')
      const metrics = await (await fetch(`${apiUrl}/metrics`)).text()
      assert.match(metrics, /^outlayer_p2p_peers 2$/m, 'the node\'s own registry is served')
      assert.deepEqual(errors, [])
    } finally {
      await browser.close()
    }
  })
})
