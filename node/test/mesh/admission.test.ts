/**
 * A requester who sends a module the executor refuses at admission (issue: a skip on every replica left every
 * primary to be slashed withhold_share to the payer): localnet, the real contract, 3 in-process nodes, R=3 Q=2,
 * the wasm served from 127.0.0.1. Each request must resolve as the failure `trap(admission:<code>)` attested alike
 * by all three, with no `worker_*` event, every bond unchanged to the yocto, and the payer charged exactly a
 * failed run's price (base_fee, less its remainder when split, + resolve_fee + receipt_fee) besides the gas of its own transaction.
 */
import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { sha256Hex } from '../../../protocol/index.js'
import { addHttpManifest } from '../../../sandbox/exec/http/manifest.js'
import { serve, type TestServer } from '../../../sandbox/test/exec/http-servers.js'
import { bombs } from '../../../sandbox/test/exec/wasm-writer.js'
import { ensureExamples } from '../../../scripts/build-examples.js'
import { startLocalMesh, type LocalMesh } from '../../testing/local-mesh.js'
import { eventsFor, recordReveals, stopAll } from './helpers.js'

const LIMITS = { max_instructions: 1_000_000_000, max_memory_mb: 128, max_execution_seconds: 60 }
/** contract/src/pricing.ts receiptFee: the 300-byte receipt at 1e19 yocto per byte */
const RECEIPT_FEE = 300n * 10n ** 19n

/** what the signer paid in gas for a transaction and every receipt it caused (localnet: exactly its balance change) */
async function gasBurnt (rpcUrl: string, txHash: string, sender: string): Promise<bigint> {
  const res = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tx', params: { tx_hash: txHash, sender_account_id: sender, wait_until: 'FINAL' } }) })
  const { result } = await res.json() as { result: { transaction_outcome: Outcome, receipts_outcome: Outcome[] } }
  return [result.transaction_outcome, ...result.receipts_outcome].reduce((n, o) => n + BigInt(o.outcome.tokens_burnt), 0n)
}
interface Outcome { outcome: { tokens_burnt: string } }

describe('mesh: a module refused at admission is an attested failure, not a slash', function () {
  this.timeout(900_000)
  let mesh: LocalMesh
  let server: TestServer
  const modules = new Map<string, Uint8Array>()
  let reveals: ReturnType<typeof recordReveals>

  before(async () => {
    const echo = new Uint8Array(await readFile((await ensureExamples()).echo))
    modules.set('/nested.wasm', bombs.nestedBlocks(100_000))
    modules.set('/complex.wasm', bombs.loops(200_000))
    modules.set('/manifest.wasm', addHttpManifest(echo, { hosts: ['*.example.com'] }))
    server = await serve((req, res) => { res.writeHead(200, { 'content-type': 'application/wasm' }).end(modules.get(req.url ?? '')) })
    mesh = await startLocalMesh({ nodes: 3, blockTimeMs: 300, commitWindowBlocks: 75 })
    reveals = recordReveals(mesh)
  })
  after(async () => { await stopAll({ mesh, servers: [server] }) })

  const bonds = async (): Promise<Map<string, string>> => new Map((await mesh.user.client.listWorkers()).map(w => [w.account_id, String(w.bond)]))
  const balance = (): bigint => BigInt(mesh.net.chain.viewAccount(mesh.user.accountId).amount)

  for (const [path, code, what] of [['/nested.wasm', 'nesting_too_deep', 'a pre-scan bomb (100,000 nested blocks)'], ['/complex.wasm', 'too_complex', 'a pre-scan bomb (200,000 loops)'], ['/manifest.wasm', 'bad_manifest', 'a malformed outlayer.http section']] as const) {
    it(`${what}: every replica attests trap(admission:${code}), the request fails with it, nobody is slashed, the payer pays a failed run`, async () => {
      const wasm = modules.get(path)!
      const pricing = await mesh.user.client.view<{ base_fee: string, resolve_fee: string }>('get_pricing', {})
      const bondsBefore = await bonds()
      const balanceBefore = balance()
      const from = mesh.net.height()
      const { requestId, txHash } = await mesh.request({
        source: { WasmUrl: { url: `${server.url}${path}`, hash: sha256Hex(wasm) } }, input_data: '{}', replicas: 3, quorum: 2, response_format: 'Json', resource_limits: LIMITS
      })
      const view = await mesh.waitClosed(requestId, 240_000)
      assert.equal(view.resolution?.success, false, JSON.stringify({ status: view.status, resolution: view.resolution }))
      const outcome = (await mesh.user.client.waitOutcome(txHash, { timeoutMs: 60_000 }))!
      assert.deepEqual([outcome.success, outcome.timedOut, outcome.error], [false, false, `trap(admission:${code})`], JSON.stringify(outcome))
      const mine = reveals(requestId)
      assert.equal(mine.length, 3, 'all three replicas attested')
      for (const r of mine) assert.deepEqual([r.error, r.instructions, r.success], [`trap(admission:${code})`, '0', false], `node ${r.node}`)
      assert.equal(new Set(mine.map(r => r.result_hash)).size, 1, 'one result hash')
      assert.ok(outcome.workers.length >= 2, `a quorum of the refusing workers is paid: ${outcome.workers.join(', ')}`)

      const events = await eventsFor(mesh.net.feedUrl, mesh.contractId, requestId, from, mesh.net.height())
      assert.deepEqual(events.filter(e => e.startsWith('worker_')), [], `no slash: ${events.join(', ')}`)
      assert.deepEqual(await bonds(), bondsBefore, 'every bond unchanged to the yocto')
      // a verified failure's price; the base fee is shared equally by the agreeing workers, its remainder stays the payer's
      const paid = BigInt(outcome.workers.length)
      const failedRun = BigInt(pricing!.base_fee) / paid * paid + BigInt(pricing!.resolve_fee) + RECEIPT_FEE
      assert.equal(BigInt(outcome.paymentCharged!), failedRun, 'charged base_fee + resolve_fee + receipt_fee, nothing for instructions')
      assert.equal(balanceBefore - balance(), failedRun + await gasBurnt(mesh.net.rpcUrl, txHash, mesh.user.accountId), 'the payer lost the failed run\'s price and its gas, and gained no slash')
    })
  }
})
