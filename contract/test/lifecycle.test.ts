/** The whole lifecycle with R=3 and Q=2 on localnet: request → event → leases → attested resolve → callback → payments. */
import assert from 'node:assert/strict'
import { validateExecutionRequest } from '../../protocol/index.js'
import { NEAR, WASM_SOURCE, attest, call, claim, events, ok, refused, request, resolve, responseOf, startWorld, type World } from './world.js'

const LIMITS = { max_instructions: 1_000_000_000, max_memory_mb: 64, max_execution_seconds: 10 }
// OutLayer's default prices
const BASE = 10n ** 21n
const PER_MILLION_INSTRUCTIONS = 10n ** 14n
const PER_MS = 10n ** 20n

describe('contract lifecycle (R=3, Q=2)', function () {
  this.timeout(120_000)
  let w: World

  before(async () => { w = await startWorld({ workers: 4 }) })
  after(async () => { await w?.stop() })

  it('runs request → leases → resolve → callback, pays the agreeing workers and refunds the payer to the yocto', async () => {
    const [user, payer] = w.users
    const deposit = 2n * NEAR
    const r = await request(w, user!, {
      source: WASM_SOURCE,
      input_data: '{"count":1,"min":0,"max":9}',
      resource_limits: LIMITS,
      response_format: 'Json',
      payer_account_id: payer!.accountId,
      redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' }
    }, deposit)

    // the stored request is the event's shape and passes the workers' validator
    const view = await w.view<Record<string, unknown>>('get_request', { request_id: r.requestId })
    const checked = validateExecutionRequest(view)
    assert.ok(checked.ok, checked.ok ? '' : checked.error.message)
    assert.equal(view.status, 'pending')
    assert.equal(view.predecessor_id, user!.accountId)
    assert.equal(view.payer_account_id, payer!.accountId)
    assert.equal(view.attached_deposit, deposit.toString())
    const pending = await w.view<Array<{ request_id: number }>>('get_pending_requests', { from_index: 0, limit: 10 })
    assert.deepEqual(pending.map(p => p.request_id), [r.requestId])

    // leases: three slots, one per worker, the fourth worker is refused
    for (const worker of w.workers.slice(0, 3)) await claim(w, worker, r.requestId)
    await refused(claim(w, w.workers[3]!, r.requestId), 'all 3 leases')
    await refused(claim(w, w.workers[0]!, r.requestId), 'already holds a lease')
    const leases = await w.view<Array<{ worker_id: string }>>('get_leases', { request_id: r.requestId })
    assert.deepEqual(leases.map(l => l.worker_id), w.workers.slice(0, 3).map(x => x.id))

    const before = await Promise.all([payer!.accountId, ...w.workers.map(x => x.id)].map(w.balance))
    const result = ok('{"numbers":[7]}', 2_500_000n)
    const timeMs = 1234
    await resolve(w, r.requestId, responseOf(result, timeMs), [attest(w, w.workers[0]!, r.requestId, result), attest(w, w.workers[1]!, r.requestId, result)])
    const done = await r.done

    // the caller's promise resolves to the guest output (response_format Json)
    assert.deepEqual(done.value, { numbers: [7] })
    const requested = events(done.logs, 'execution_requested')
    assert.equal(requested.length, 1)
    const event = validateExecutionRequest(requested[0])
    assert.ok(event.ok, event.ok ? '' : event.error.message)
    assert.equal(event.value.request_id, BigInt(r.requestId))
    assert.equal(event.value.data_id, view.data_id)
    assert.equal(event.value.seed, view.seed)
    assert.equal(event.value.input_data, '{"count":1,"min":0,"max":9}')

    // cost = base + floor(instructions × per_million / 1e6) + time_ms × per_ms, split equally between the 2 agreeing workers
    const cost = BASE + 2_500_000n * PER_MILLION_INSTRUCTIONS / 1_000_000n + BigInt(timeMs) * PER_MS
    const share = cost / 2n
    const refund = deposit - 2n * share
    const completed = events(done.logs, 'execution_completed')
    assert.equal(completed.length, 1)
    assert.equal(completed[0]!.success, true)
    assert.equal(completed[0]!.payment_charged, (2n * share).toString())
    assert.equal(completed[0]!.payment_refunded, refund.toString())
    assert.deepEqual(completed[0]!.workers, [w.workers[0]!.id, w.workers[1]!.id])

    const after = await Promise.all([payer!.accountId, ...w.workers.map(x => x.id)].map(w.balance))
    assert.equal(after[0]! - before[0]!, refund, 'payer refund')
    assert.equal(after[1]! - before[1]!, share, 'worker 0 paid')
    assert.equal(after[2]! - before[2]!, share, 'worker 1 paid')
    assert.equal(after[3]! - before[3]!, 0n, 'worker 2 did not attest')
    const w0 = await w.view<{ earned: string, completed: number }>('get_worker', { account_id: w.workers[0]!.id })
    assert.equal(w0.earned, share.toString())
    assert.equal(w0.completed, 1)

    const final = await w.view<{ status: string, leases: Array<{ worker_id: string }> }>('get_request', { request_id: r.requestId })
    assert.equal(final.status, 'completed')
    assert.equal(final.leases.length, 3, 'the leases stay on record after completion')
    assert.deepEqual(await w.view('get_pending_requests', { from_index: 0, limit: 10 }), [])
    const stats = await w.view<Record<string, unknown>>('get_stats')
    assert.equal(stats.succeeded, 1)
    assert.equal(stats.paid_to_workers, (2n * share).toString())

    // nothing can be paid twice: the request is closed for resolves, leases and cancels
    await refused(resolve(w, r.requestId, responseOf(result, timeMs), [attest(w, w.workers[2]!, r.requestId, result)]), 'not pending')
    await refused(claim(w, w.workers[3]!, r.requestId), 'not pending')
    await refused(call(w, w.root, 'emergency_cancel_execution', { request_id: r.requestId }), 'cannot be cancelled')
  })

  it('pages through pending requests in order, leases included', async () => {
    const [user] = w.users
    const ids: number[] = []
    for (let i = 0; i < 3; i++) ids.push((await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS }, 2n * NEAR)).requestId)
    await claim(w, w.workers[1]!, ids[1]!)
    const first = await w.view<Array<{ request_id: number, leases: Array<{ worker_id: string }> }>>('get_pending_requests', { from_index: 0, limit: 2 })
    const rest = await w.view<Array<{ request_id: number }>>('get_pending_requests', { from_index: 2, limit: 2 })
    assert.deepEqual([...first, ...rest].map(p => p.request_id), ids)
    assert.deepEqual(first[1]!.leases.map(l => l.worker_id), [w.workers[1]!.id])
    for (const id of ids) await call(w, w.root, 'emergency_cancel_execution', { request_id: id })
    assert.deepEqual(await w.view('get_pending_requests', {}), [])
  })

  it('returns Text and Bytes outputs in their formats and pays a verified failure the base fee only', async () => {
    const [user] = w.users
    const text = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, response_format: 'Text' }, 2n * NEAR)
    const bytes = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, response_format: 'Bytes' }, 2n * NEAR)
    const failing = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS }, 2n * NEAR)
    for (const id of [text.requestId, bytes.requestId, failing.requestId]) await claim(w, w.workers[0]!, id)

    const hello = ok('hello "world"')
    await resolve(w, text.requestId, responseOf(hello, 5), [attest(w, w.workers[0]!, text.requestId, hello)])
    assert.equal((await text.done).value, 'hello "world"')

    const raw = { success: true, output: new Uint8Array([0, 255, 1, 2]), error: '', instructions: 10n }
    await resolve(w, bytes.requestId, responseOf(raw, 5), [attest(w, w.workers[0]!, bytes.requestId, raw)])
    assert.equal((await bytes.done).value, Buffer.from(raw.output).toString('base64'))

    const trap = { success: false, output: new Uint8Array(), error: 'trap(unreachable)', instructions: 77n }
    await resolve(w, failing.requestId, responseOf(trap, 5), [attest(w, w.workers[0]!, failing.requestId, trap)])
    const done = await failing.done
    assert.equal(done.value, null)
    const completed = events(done.logs, 'execution_completed')[0]!
    assert.equal(completed.success, false)
    assert.equal(completed.error_message, 'trap(unreachable)')
    assert.equal(completed.payment_charged, BASE.toString())
    assert.equal(completed.payment_refunded, (2n * NEAR - BASE).toString())
  })
})
