/**
 * Yield timeouts keep the base and receipt fees and refund the rest (a timeout nobody committed to slashes nobody);
 * stale and emergency cancels refund everything.
 */
import assert from 'node:assert/strict'
import { NEAR, RECEIPT_FEE, WASM_SOURCE, assignment, bondOf, call, checkInvariant, commit, events, ok, publicKeyOf, refused, request, resolve, responseOf, revealOnChain, sleep, startWorld, untilHeight, type World } from './world.js'

const BASE = 10n ** 21n
const WITHHOLD = NEAR * 500n / 10_000n // default withhold_share_bps 500 of a 1 NEAR bond
const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }

async function expectTimeoutRefund (w: World, yieldBlocks: number): Promise<void> {
  const [user, payer] = w.users
  const deposit = NEAR
  const before = await w.balance(payer!.accountId)
  const r = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, payer_account_id: payer!.accountId }, deposit)
  const requestedAt = w.net.height()
  const done = await r.done // settles only when the yield times out: nobody commits, nobody resolves
  assert.ok(w.net.height() >= requestedAt + yieldBlocks - 2, `timed out after about ${yieldBlocks} blocks`)
  assert.equal(done.value, null)
  const completed = events(done.logs, 'execution_completed')[0]!
  assert.equal(completed.success, false)
  assert.equal(completed.timed_out, true)
  assert.equal(completed.payment_charged, (BASE + RECEIPT_FEE).toString())
  assert.equal(completed.payment_refunded, (deposit - BASE - RECEIPT_FEE).toString())
  // nobody committed (the source may have served no worker): nobody is slashed, the payer gets only its refund
  assert.deepEqual(events(done.logs, 'worker_withheld'), [])
  assert.deepEqual(events(done.logs, 'withholding_excused'), [{ request_id: r.requestId, assigned: [w.workers[0]!.id], reason: 'no_commits' }])
  assert.equal(await w.balance(payer!.accountId) - before, deposit - BASE - RECEIPT_FEE, 'payer refund to the yocto')
  assert.equal(await bondOf(w, w.workers[0]!), NEAR, 'the bond is unchanged to the yocto')
  assert.equal(await w.view('get_assignment', { request_id: r.requestId }), null)
  assert.deepEqual(await w.view('get_request', { request_id: r.requestId }), {
    request_id: r.requestId, status: 'completed', success: false, payer_account_id: payer!.accountId, payment_charged: (BASE + RECEIPT_FEE).toString()
  })
  // a late quorum cannot resolve (or get paid for) a timed-out request
  await refused(resolve(w, user!, r.requestId, responseOf(ok('1')), [{ worker_id: w.workers[0]!.id, salt: '00'.repeat(32), signature: '' }]), 'not pending')
}

describe('contract timeouts and cancels', function () {
  this.timeout(120_000)

  describe('short yield timeout (20 blocks, tests only)', () => {
    let w: World
    before(async () => { w = await startWorld({ workers: 1, yieldTimeoutBlocks: 20 }) })
    afterEach(async () => { await checkInvariant(w) })
    after(async () => { await w?.stop() })

    it('keeps the base fee and refunds the rest to the payer', async () => {
      await expectTimeoutRefund(w, 20)
      const stats = await w.view<Record<string, unknown>>('get_stats')
      assert.equal(stats.timed_out, 1)
      assert.equal(stats.fees_kept, (BASE + RECEIPT_FEE).toString())
      assert.equal(stats.withholding_excused, 1)
      assert.equal(stats.withheld, 0)
      assert.equal(stats.slashed, '0')
    })
  })

  describe('real-length yield timeout (200 blocks) and cancels', () => {
    let w: World
    before(async () => { w = await startWorld({ workers: 1, blockTimeMs: 20, config: { stale_seconds: 1 } }) })
    afterEach(async () => { await checkInvariant(w) })
    after(async () => { await w?.stop() })

    it('times out after nearcore\'s 200 blocks with the same refund', async () => {
      await expectTimeoutRefund(w, 200)
    })

    it('takes reveal_result until reveal_by (request + 180, 20 blocks before the timeout); a worker that did not reveal by then is slashed at the timeout', async () => {
      const [user, payer] = w.users
      const worker = w.workers[0]!
      const before = await w.balance(payer!.accountId)
      const r = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, payer_account_id: payer!.accountId }, NEAR)
      const sealed = await commit(w, worker, r.requestId, ok('1')) // R=1: the phase is revealing at once
      const a = await assignment(w, r.requestId)
      assert.equal(a.reveal_by, (await w.view<{ block_height: number }>('get_request', { request_id: r.requestId })).block_height + 180)
      await untilHeight(w, a.reveal_by + 1)
      await refused(revealOnChain(w, r.requestId, sealed), `request ${r.requestId} took reveals until block ${a.reveal_by}`)
      const done = await r.done
      assert.deepEqual(events(done.logs, 'worker_withheld').map(e => [e.worker_id, e.slashed, e.reason]), [[worker.id, WITHHOLD.toString(), 'no_reveal']])
      assert.equal(await w.balance(payer!.accountId) - before, NEAR - BASE - RECEIPT_FEE + WITHHOLD, 'payer refund plus the slash, to the yocto')
      await call(w, worker.account, 'register_worker', { public_key: publicKeyOf(worker.key) }, WITHHOLD)
    })

    it('lets the predecessor cancel a stale request and refunds everything', async () => {
      const [user, payer, other] = w.users
      const deposit = NEAR
      const before = await w.balance(payer!.accountId)
      const r = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, payer_account_id: payer!.accountId }, deposit)
      await refused(call(w, user!, 'cancel_stale_execution', { request_id: r.requestId }), 'is not stale yet')
      await sleep(1500)
      await refused(call(w, other!, 'cancel_stale_execution', { request_id: r.requestId }), 'who made the request')
      const cancel = await call(w, user!, 'cancel_stale_execution', { request_id: r.requestId })
      assert.equal(events(cancel.logs, 'execution_cancelled')[0]!.refunded, deposit.toString())
      assert.equal((await r.done).value, null, 'the cancel resumed the yield, so the caller is answered now')
      assert.equal(await w.balance(payer!.accountId) - before, deposit, 'full refund')
      assert.equal(await w.view('get_request', { request_id: r.requestId }), null, 'a cancelled request leaves no state')
      await refused(call(w, w.workers[0]!.account, 'commit_result', { request_id: r.requestId, commit: '00'.repeat(32) }), 'does not exist')
    })

    it('lets only the owner cancel at any time', async () => {
      const [user, payer] = w.users
      const before = await w.balance(payer!.accountId)
      const r = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, payer_account_id: payer!.accountId }, NEAR)
      await refused(call(w, user!, 'emergency_cancel_execution', { request_id: r.requestId }), 'only the owner')
      await call(w, w.root, 'emergency_cancel_execution', { request_id: r.requestId })
      assert.equal((await r.done).value, null)
      assert.equal(await w.balance(payer!.accountId) - before, NEAR)
      assert.equal((await w.view<Record<string, unknown>>('get_stats')).cancelled, 2)
    })
  })
})
