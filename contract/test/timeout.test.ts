/** Yield timeouts keep the base and receipt fees and refund the rest; stale and emergency cancels refund everything. */
import assert from 'node:assert/strict'
import { NEAR, RECEIPT_FEE, WASM_SOURCE, call, checkInvariant, events, ok, publicKeyOf, refused, request, resolve, responseOf, sleep, startWorld, type World } from './world.js'

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
  // the assigned worker never committed: its withhold share goes to the payer too
  assert.deepEqual(events(done.logs, 'worker_withheld').map(e => e.slashed), [WITHHOLD.toString()])
  assert.equal(await w.balance(payer!.accountId) - before, deposit - BASE - RECEIPT_FEE + WITHHOLD, 'payer refund to the yocto')
  await call(w, w.workers[0]!.account, 'register_worker', { public_key: publicKeyOf(w.workers[0]!.key) }, WITHHOLD)
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
