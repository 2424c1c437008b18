/** The whole v2 lifecycle with R=3 and Q=2: request → assignment → commits → permissionless resolve → callback → payments. */
import assert from 'node:assert/strict'
import { validateExecutionRequest } from '../../protocol/index.js'
import {
  NEAR, RECEIPT_FEE, WASM_SOURCE, assignedWorkers, assignment, call, checkInvariant, commit, events, ok, quorumResolve,
  refused, request, resolve, responseOf, reveal, startWorld, type World
} from './world.js'

const LIMITS = { max_instructions: 1_000_000_000, max_memory_mb: 64, max_execution_seconds: 10 }
const BASE = 10n ** 21n
const PER_MILLION_INSTRUCTIONS = 10n ** 14n
const RESOLVE_FEE = 3n * 10n ** 21n

describe('contract lifecycle (R=3, Q=2)', function () {
  this.timeout(120_000)
  let w: World

  before(async () => { w = await startWorld({ workers: 5, accounts: 9 }) })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => { await w?.stop() })

  it('runs request → commits → resolve by anyone → callback, and pays workers, resolver and payer to the yocto', async () => {
    const [user, payer, resolver] = w.users
    const deposit = 2n * NEAR
    const r = await request(w, user!, {
      source: WASM_SOURCE,
      input_data: '{"count":1,"min":0,"max":9}',
      resource_limits: LIMITS,
      response_format: 'Json',
      payer_account_id: payer!.accountId,
      redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' }
    }, deposit)

    // the stored request is the event's shape plus the assignment, and passes the workers' validator
    const view = await w.view<Record<string, unknown>>('get_request', { request_id: r.requestId })
    const checked = validateExecutionRequest(view)
    assert.ok(checked.ok, checked.ok ? '' : checked.error.message)
    assert.equal(view.status, 'pending')
    assert.equal(view.phase, 'committing')
    assert.equal(view.network_id, 'localnet')
    const a = await assignment(w, r.requestId)
    assert.equal(a.assigned.length, 3)
    assert.equal(a.backups.length, 2, 'the other two workers are the backups')
    assert.equal(new Set([...a.assigned, ...a.backups]).size, 5, 'drawn without replacement')
    assert.equal(a.close_at - a.commit_deadline, a.commit_deadline - Number(view.block_height))

    const { primaries, backups } = await assignedWorkers(w, r.requestId)
    const result = ok('{"numbers":[7]}', 2_500_000n)
    // a backup may not commit while the primaries own their slots
    await refused(call(w, backups[0]!.account, 'commit_result', { request_id: r.requestId, commit: '00'.repeat(32) }), 'backups may commit from block')
    const sealed = [await commit(w, primaries[0]!, r.requestId, result), await commit(w, primaries[1]!, r.requestId, result)]
    await refused(commit(w, primaries[0]!, r.requestId, result), 'already committed')
    // two of three committed: the phase stays open, nobody can resolve yet
    await refused(resolve(w, resolver!, r.requestId, responseOf(result), sealed.map(s => reveal(s))), 'commit phase of request')
    const third = await commit(w, primaries[2]!, r.requestId, result)
    const closed = await assignment(w, r.requestId)
    assert.equal(closed.phase, 'revealing')
    assert.deepEqual(closed.commits.map(c => c.slot).sort(), [0, 1, 2])

    const watched = [payer!.accountId, resolver!.accountId, ...primaries.map(x => x.id)]
    const before = await Promise.all(watched.map(w.balance))
    const resolved = await resolve(w, resolver!, r.requestId, responseOf(result), [...sealed, third].map(s => reveal(s)))
    const done = await r.done

    assert.deepEqual(done.value, { numbers: [7] })
    const requested = events(done.logs, 'execution_requested')
    assert.equal(requested.length, 1)
    assert.deepEqual(requested[0]!.assigned, a.assigned)
    assert.deepEqual(requested[0]!.backups, a.backups)

    // work = base + floor(instructions × per_million / 1e6), split between the 3 agreeing workers
    const work = BASE + 2_500_000n * PER_MILLION_INSTRUCTIONS / 1_000_000n
    const share = work / 3n
    const charged = 3n * share + RESOLVE_FEE + RECEIPT_FEE
    const refund = deposit - charged
    const completed = events(done.logs, 'execution_completed')[0]!
    assert.equal(completed.payment_charged, charged.toString())
    assert.equal(completed.payment_refunded, refund.toString())
    assert.equal(completed.resolver_id, resolver!.accountId)

    const after = await Promise.all(watched.map(w.balance))
    assert.equal(after[0]! - before[0]!, refund, 'payer refund')
    assert.equal(after[1]! - before[1]!, RESOLVE_FEE - resolved.tokensBurnt, 'the resolver earns the resolve fee and pays its own gas')
    for (let i = 0; i < 3; i++) assert.equal(after[2 + i]! - before[2 + i]!, share, `worker ${i} paid`)

    // the request is compacted to a receipt; nothing can be paid twice
    const receipt = await w.view<Record<string, unknown>>('get_request', { request_id: r.requestId })
    assert.deepEqual(receipt, { request_id: r.requestId, status: 'completed', success: true, payer_account_id: payer!.accountId, payment_charged: charged.toString() })
    assert.equal(await w.view('get_assignment', { request_id: r.requestId }), null)
    await refused(resolve(w, resolver!, r.requestId, responseOf(result), [reveal(third)]), 'is completed, not pending')
    await refused(call(w, primaries[0]!.account, 'commit_result', { request_id: r.requestId, commit: third.commit }), 'is completed, not pending')
    await refused(call(w, w.root, 'emergency_cancel_execution', { request_id: r.requestId }), 'is completed')
  })

  it('pages through pending requests in order, with their assignment', async () => {
    const [user] = w.users
    const ids: number[] = []
    for (let i = 0; i < 3; i++) ids.push((await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS }, 2n * NEAR)).requestId)
    const first = await w.view<Array<{ request_id: number, assigned: string[] }>>('get_pending_requests', { from_index: 0, limit: 2 })
    const rest = await w.view<Array<{ request_id: number }>>('get_pending_requests', { from_index: 2, limit: 2 })
    assert.deepEqual([...first, ...rest].map(p => p.request_id), ids)
    assert.equal(first[1]!.assigned.length, 1)
    for (const id of ids) await call(w, w.root, 'emergency_cancel_execution', { request_id: id })
    assert.deepEqual(await w.view('get_pending_requests', {}), [])
  })

  it('returns Text and Bytes outputs in their formats and pays a verified failure the base fee only', async () => {
    const [user] = w.users
    const text = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, response_format: 'Text' }, 2n * NEAR)
    const hello = ok('hello "world"')
    assert.equal((await quorumResolve(w, text, hello)).done.value, 'hello "world"')

    const bytes = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, response_format: 'Bytes' }, 2n * NEAR)
    const raw = { success: true, output: new Uint8Array([0, 255, 1, 2]), error: '', instructions: 10n }
    assert.equal((await quorumResolve(w, bytes, raw)).done.value, Buffer.from(raw.output).toString('base64'))

    const failing = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS }, 2n * NEAR)
    const trap = { success: false, output: new Uint8Array(), error: 'trap(unreachable)', instructions: 77n }
    const { done } = await quorumResolve(w, failing, trap)
    assert.equal(done.value, null)
    const completed = events(done.logs, 'execution_completed')[0]!
    assert.equal(completed.success, false)
    assert.equal(completed.error_message, 'trap(unreachable)')
    assert.equal(completed.payment_charged, (BASE + RESOLVE_FEE + RECEIPT_FEE).toString())
    assert.equal(completed.payment_refunded, (2n * NEAR - BASE - RESOLVE_FEE - RECEIPT_FEE).toString())
  })
})
