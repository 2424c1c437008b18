/**
 * Gas per request of the batched path (commit_results, resolve_executions) against the single calls, on localnet
 * (nearcore's fee model), and the batches at their caps in their worst case: the tables in contract/README.md
 * (Gas, Batches) come from this test's output. Every batch must fit in 300 Tgas and in nearcore's 16 KiB of logs.
 */
import assert from 'node:assert/strict'
import { actions } from 'near-api-js'
import {
  MAX_GAS, NEAR, TGAS, WASM_SOURCE, call, checkInvariant, ok, responseOf, reveal, seal, sleep, startWorld,
  type Attested, type CallResult, type Sealed, type World, type Worker
} from './world.js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }
const MAX_BATCH_COMMITS = 32
const MAX_BATCH_RESOLVES = 8
/** nearcore's max_total_log_length per receipt */
const MAX_LOGS = 16 * 1024

/** The gas of the contract's receipt (the function call), and of the whole transaction. */
function contractGas (w: World, out: CallResult): bigint {
  return out.receipts.filter(r => r.executor === w.contractId)[0]!.gas
}

function logBytes (out: CallResult): number {
  return out.logs.reduce((n, l) => n + Buffer.byteLength(l), 0)
}

interface Row { kind: 'commit' | 'resolve', method: string, items: number, contract: bigint, tx: bigint }

/** A worker's seal of one request. */
type Sealed1 = Sealed & { requestId: number }

function printRows (title: string, rows: Row[]): void {
  const t = (g: bigint): string => (Number(g) / Number(TGAS)).toFixed(2)
  process.stderr.write(`\n${title}\n| method | items | contract Tgas per request | transaction Tgas per request | contract, vs the single call |\n| --- | --- | --- | --- | --- |\n`)
  for (const r of rows) {
    const single = rows.find(x => x.kind === r.kind && x.items === 0)
    const per = r.contract / BigInt(Math.max(r.items, 1))
    const ratio = single == null || r.items === 0 ? '' : `${(Number(per) / Number(single.contract)).toFixed(2)}×`
    process.stderr.write(`| \`${r.method}\` | ${r.items === 0 ? 'single call' : r.items} | ${t(per)} | ${t(r.tx / BigInt(Math.max(r.items, 1)))} | ${ratio} |\n`)
  }
}

/**
 * `n` requests sent from every user at once (each user's in sequence, the next once the last is included), so that
 * they land in a few blocks; their ids in order. Their callbacks are awaited with `completed`.
 */
async function requests (w: World, n: number, redundancy: Record<string, unknown>): Promise<number[]> {
  const first = (await w.view<{ requests: number }>('get_stats')).requests + 1
  const args = { source: WASM_SOURCE, resource_limits: LIMITS, redundancy }
  await Promise.all(w.users.map(async (u, k) => {
    for (let i = k; i < n; i += w.users.length) {
      await u.signAndSendTransaction({ receiverId: w.contractId, actions: [actions.functionCall('request_execution', args, MAX_GAS, NEAR)], waitUntil: 'INCLUDED' })
    }
  }))
  while ((await w.view<{ requests: number }>('get_stats')).requests < first + n - 1) await sleep(50)
  return Array.from({ length: n }, (_, i) => first + i)
}

/** Waits until every request's callback ran (its receipt is left). */
async function completed (w: World, ids: number[]): Promise<void> {
  for (const id of ids) {
    while ((await w.view<{ status: string } | null>('get_request', { request_id: id }))?.status !== 'completed') await sleep(50)
  }
}

/** `worker` commits its result for each request in batches of at most `size`; returns each batch's outcome. */
async function commitInBatches (w: World, worker: Worker, sealed: Sealed1[], size: number): Promise<CallResult[]> {
  const outs: CallResult[] = []
  for (let i = 0; i < sealed.length; i += size) {
    const items = sealed.slice(i, i + size).map(s => ({ request_id: s.requestId, commit: s.commit }))
    outs.push(await call(w, worker.account, 'commit_results', { items }))
  }
  return outs
}

describe('batch gas: per request against the single calls (R=3, Q=2)', function () {
  this.timeout(600_000)
  let w: World
  // 150 ms blocks and a long yield timeout: the commits of all the requests land inside their commit window
  before(async () => { w = await startWorld({ workers: 3, accounts: 8, blockTimeMs: 150, yieldTimeoutBlocks: 1000 }) })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => { await w?.stop() })

  it('commits and resolves 49 requests singly and in batches of 1, 5, 10 and the caps', async () => {
    const result = ok('42')
    const reqs = await requests(w, 1 + 1 + 5 + 10 + MAX_BATCH_COMMITS, { replicas: 3, quorum: 2, aggregation: 'identical' })
    const sealed = new Map<Worker, Sealed1[]>()
    for (const worker of w.workers) sealed.set(worker, await Promise.all(reqs.map(async id => ({ ...await seal(w, worker, id, result), requestId: id }))))
    const rows: Row[] = []
    // the first worker: a single commit, then batches of 1, 5, 10 and 32 (each the first commit of its requests)
    const [x, ...rest] = w.workers as [Worker, ...Worker[]]
    const xs = sealed.get(x)!
    const single = await call(w, x.account, 'commit_result', { request_id: reqs[0]!, commit: xs[0]!.commit })
    rows.push({ kind: 'commit', method: 'commit_result', items: 0, contract: contractGas(w, single), tx: single.gasBurnt })
    let at = 1
    for (const n of [1, 5, 10, MAX_BATCH_COMMITS]) {
      const [out] = await commitInBatches(w, x, xs.slice(at, at + n), n)
      assert.ok(out!.gasBurnt < MAX_GAS)
      rows.push({ kind: 'commit', method: 'commit_results', items: n, contract: contractGas(w, out!), tx: out!.gasBurnt })
      at += n
    }
    for (const worker of rest) await commitInBatches(w, worker, sealed.get(worker)!, MAX_BATCH_COMMITS)

    const item = (i: number): Record<string, unknown> => ({
      request_id: reqs[i]!, response: responseOf(result), reveals: w.workers.map(p => reveal(sealed.get(p)![i]!))
    })
    const resolver = w.users[w.users.length - 1]!
    const one = await call(w, resolver, 'resolve_execution', item(0))
    rows.push({ kind: 'resolve', method: 'resolve_execution', items: 0, contract: contractGas(w, one), tx: one.gasBurnt })
    at = 1
    for (const n of [1, 5, MAX_BATCH_RESOLVES]) {
      const out = await call(w, resolver, 'resolve_executions', { items: Array.from({ length: n }, (_, k) => item(at + k)) })
      rows.push({ kind: 'resolve', method: 'resolve_executions', items: n, contract: contractGas(w, out), tx: out.gasBurnt })
      at += n
    }
    for (; at < reqs.length; at += MAX_BATCH_RESOLVES) {
      await call(w, resolver, 'resolve_executions', { items: Array.from({ length: Math.min(MAX_BATCH_RESOLVES, reqs.length - at) }, (_, k) => item(at + k)) })
    }
    await completed(w, reqs)
    printRows('commit (the first of a request) and resolve (3 reveals, a 2-byte inline output), R=3 Q=2:', rows)
  })
})

describe('batch gas: the caps at their worst case (R=7, Q=4, 3 dissenters)', function () {
  this.timeout(900_000)
  let w: World
  before(async () => { w = await startWorld({ workers: 7, accounts: 12, blockTimeMs: 150, yieldTimeoutBlocks: 1000 }) })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => { await w?.stop() })

  it('fits 32 closing commits and 8 resolves (16 KiB stored outputs; failures with a 256-byte error) in 300 Tgas and 16 KiB of logs', async () => {
    const reqs = await requests(w, MAX_BATCH_COMMITS, { replicas: 7, quorum: 4, aggregation: 'identical' })
    const stored: Attested = { success: true, output: new Uint8Array(16 * 1024).fill(65), error: '', instructions: 1_000n }
    const failed: Attested = { success: false, output: new Uint8Array(0), error: 'e'.repeat(256), instructions: 1_000n }
    // requests 0..7 resolve with a stored output, 8..15 as failures, the rest only take commits; workers 4..6 dissent
    const good = (i: number): Attested => i < MAX_BATCH_RESOLVES ? stored : failed
    const sealed = new Map<Worker, Sealed1[]>()
    for (const [k, worker] of w.workers.entries()) {
      sealed.set(worker, await Promise.all(reqs.map(async (id, i) => ({ ...await seal(w, worker, id, k < 4 ? good(i) : ok(`dissent ${k}`)), requestId: id }))))
    }
    for (const worker of w.workers.slice(0, 6)) await commitInBatches(w, worker, sealed.get(worker)!, MAX_BATCH_COMMITS)
    const [closing] = await commitInBatches(w, w.workers[6]!, sealed.get(w.workers[6]!)!, MAX_BATCH_COMMITS)
    const report: string[] = []
    const check = (what: string, out: CallResult): void => {
      assert.ok(out.gasBurnt < MAX_GAS, `${what}: ${out.gasBurnt} gas`)
      assert.ok(logBytes(out) < MAX_LOGS, `${what}: ${logBytes(out)} bytes of logs`)
      report.push(`| ${what} | ${(Number(contractGas(w, out)) / Number(TGAS)).toFixed(2)} | ${(Number(out.gasBurnt) / Number(TGAS)).toFixed(2)} | ${logBytes(out)} |`)
    }
    check(`\`commit_results\`: ${MAX_BATCH_COMMITS} commits, each the 7th of R=7 (closes the phase)`, closing!)

    const uploader = w.users[w.users.length - 2]!
    for (const id of reqs.slice(0, MAX_BATCH_RESOLVES)) await call(w, uploader, 'submit_execution_output', { request_id: id, output: Buffer.from(stored.output).toString('base64') }, NEAR)
    const item = (i: number, byHash: boolean): Record<string, unknown> => ({
      request_id: reqs[i]!, response: responseOf(good(i), byHash), reveals: w.workers.map((p, k) => reveal(sealed.get(p)![i]!, k >= 4))
    })
    const resolver = w.users[w.users.length - 1]!
    check(`\`resolve_executions\`: ${MAX_BATCH_RESOLVES} resolves of 7 reveals, 3 dissenters slashed, a 16 KiB stored Text output each`,
      await call(w, resolver, 'resolve_executions', { items: Array.from({ length: MAX_BATCH_RESOLVES }, (_, i) => item(i, true)) }))
    check(`\`resolve_executions\`: ${MAX_BATCH_RESOLVES} resolves of 7 reveals, 3 dissenters slashed, a failure with a 256-byte error each`,
      await call(w, resolver, 'resolve_executions', { items: Array.from({ length: MAX_BATCH_RESOLVES }, (_, i) => item(MAX_BATCH_RESOLVES + i, false)) }))
    await completed(w, reqs.slice(0, 2 * MAX_BATCH_RESOLVES))
    for (const id of reqs.slice(2 * MAX_BATCH_RESOLVES)) await call(w, w.root, 'emergency_cancel_execution', { request_id: id })
    process.stderr.write(`\n| batch at its cap | contract Tgas | transaction Tgas | bytes of logs |\n| --- | --- | --- | --- |\n${report.join('\n')}\n`)
  })
})
