/**
 * The contract draws who works (scenario 2), backups take only unanswered slots and at most R slots exist
 * (scenario 4), nobody can copy a public result into a commit, and withholding costs bond (scenario 10) unless
 * nobody committed at all (an unfetchable source slashes nobody).
 */
import assert from 'node:assert/strict'
import {
  NEAR, RECEIPT_FEE, TGAS, WASM_SOURCE, assignedWorkers, assignment, bondOf, call, checkInvariant, commit, events, ok, refused,
  request, resolve, responseOf, reveal, revealOnChain, startWorld, topUpBond, untilHeight, untilRevealing, type World
} from './world.js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }
const BASE = 10n ** 21n
const RESOLVE_FEE = 3n * 10n ** 21n
// the longest window (3.75 s of 50 ms blocks): the early-backup refusal must land well before its end
const WINDOW = 75
const WITHHOLD = NEAR * 500n / 10_000n // default withhold_share_bps 500 of a 1 NEAR bond

describe('contract assignment, backups and withholding', function () {
  this.timeout(240_000)

  describe('backups and withholding at resolve', () => {
    let w: World
    before(async () => { w = await startWorld({ workers: 5, accounts: 9, config: { commit_window_blocks: WINDOW } }) })
    afterEach(async () => { await checkInvariant(w) })
    after(async () => { await w?.stop() })

    it('a backup takes an unanswered slot after the window; the withholder is slashed to the payer; at most R slots', async () => {
      const [user, payer, resolver] = w.users
      const deposit = NEAR
      const r = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, payer_account_id: payer!.accountId, redundancy: { replicas: 2, quorum: 2, aggregation: 'identical' } }, deposit)
      const a = await assignment(w, r.requestId)
      const { primaries, backups, others } = await assignedWorkers(w, r.requestId)
      assert.equal(backups.length, 2)
      assert.equal(others.length, 1)
      const result = ok('7', 0n)
      const p0 = await commit(w, primaries[0]!, r.requestId, result)
      // an unassigned worker cannot commit at all, a backup not before the window ends
      await refused(commit(w, others[0]!, r.requestId, result), `is not assigned to request ${r.requestId}`)
      await refused(commit(w, backups[0]!, r.requestId, result), `backups may commit from block ${a.commit_deadline + 1}`)
      await untilHeight(w, a.commit_deadline + 1)
      const b0 = await commit(w, backups[0]!, r.requestId, result)
      const view = await assignment(w, r.requestId)
      assert.deepEqual(view.commits.map(c => [c.worker_id, c.slot]), [[primaries[0]!.id, 0], [backups[0]!.id, 1]])
      assert.equal(view.phase, 'revealing', 'R slots filled: the phase is closed')
      // no third slot: neither the other backup nor the late primary can commit now
      await refused(commit(w, backups[1]!, r.requestId, result), 'commit phase of request')
      await refused(commit(w, primaries[1]!, r.requestId, result), 'commit phase of request')

      const watched = [payer!.accountId, primaries[0]!.id, backups[0]!.id, primaries[1]!.id]
      const before = await Promise.all(watched.map(w.balance))
      const res = await resolve(w, resolver!, r.requestId, responseOf(result), [reveal(p0), reveal(b0)])
      assert.deepEqual(events(res.logs, 'worker_withheld'), [{ request_id: r.requestId, worker_id: primaries[1]!.id, slashed: WITHHOLD.toString(), reason: 'no_commit' }])
      await r.done
      const after = await Promise.all(watched.map(w.balance))
      const share = BASE / 2n
      assert.equal(after[0]! - before[0]!, deposit - 2n * share - RESOLVE_FEE - RECEIPT_FEE + WITHHOLD, 'the payer: refund plus the withholder\'s slash')
      assert.equal(after[1]! - before[1]!, share)
      assert.equal(after[2]! - before[2]!, share, 'the backup is paid like a primary')
      assert.equal(after[3]! - before[3]!, 0n)
      assert.equal((await w.view<{ bond: string }>('get_worker', { account_id: primaries[1]!.id })).bond, (NEAR - WITHHOLD).toString())
      await call(w, primaries[1]!.account, 'register_worker', { public_key: (await w.view<{ public_key: string }>('get_worker', { account_id: primaries[1]!.id })).public_key }, WITHHOLD)
    })

    it('scenario 10: a result made public cannot be copied into a commit', async () => {
      const [user, , resolver] = w.users
      const r = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' } }, NEAR)
      const { primaries, backups } = await assignedWorkers(w, r.requestId)
      const result = ok('42', 0n)
      const sealed = [await commit(w, primaries[0]!, r.requestId, result), await commit(w, primaries[1]!, r.requestId, result)]
      // while the phase is open nothing is public: no reveal is gossiped and no output can be stored
      await refused(call(w, resolver!, 'submit_execution_output', { request_id: r.requestId, output: Buffer.from('42').toString('base64') }, NEAR), 'once the commit phase')
      await commit(w, primaries[2]!, r.requestId, result) // R filled: the phase closes, reveals may now be gossiped
      // from here the result is public: a backup (or anyone) who would copy it finds no slot to commit into
      await refused(commit(w, backups[0]!, r.requestId, result), 'commit phase of request')
      await refused(commit(w, backups[1]!, r.requestId, result), 'commit phase of request')
      const done = await resolve(w, resolver!, r.requestId, responseOf(result), sealed.map(s => reveal(s)))
      assert.equal(events(done.logs, 'execution_resolved').length, 1)
      await r.done
    })
  })

  describe('withholding at timeout', () => {
    // R=3 of exactly 3 workers: no backups, so a slot left unanswered stays unanswered
    const R3Q2 = { replicas: 3, quorum: 2, aggregation: 'identical' }
    let w: World
    before(async () => { w = await startWorld({ workers: 3, yieldTimeoutBlocks: 40, config: { commit_window_blocks: 10 } }) })
    afterEach(async () => { await checkInvariant(w) })
    after(async () => { await w?.stop() })

    it('one primary commits (and reveals on chain), the two that never commit lose withhold_share to the payer at the timeout', async () => {
      const [user, payer] = w.users
      const before = await w.balance(payer!.accountId)
      const r = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, payer_account_id: payer!.accountId, redundancy: R3Q2 }, NEAR)
      const [committer, ...absent] = (await assignedWorkers(w, r.requestId)).primaries
      const sealed = await commit(w, committer!, r.requestId, ok('1'))
      await untilRevealing(w, r.requestId)
      await revealOnChain(w, r.requestId, sealed)
      const done = await r.done
      assert.deepEqual(events(done.logs, 'withholding_excused'), [])
      assert.deepEqual(events(done.logs, 'worker_withheld').map(e => [e.worker_id, e.slashed, e.reason]).sort(),
        absent.map(x => [x.id, WITHHOLD.toString(), 'no_commit']).sort())
      assert.equal(await w.balance(payer!.accountId) - before, NEAR - BASE - RECEIPT_FEE + 2n * WITHHOLD, 'refund plus both slashes, to the yocto')
      assert.equal(await bondOf(w, committer!), NEAR, 'the worker that committed and revealed keeps its bond')
      for (const x of absent) assert.equal(await bondOf(w, x), NEAR - WITHHOLD)
      for (const x of absent) await topUpBond(w, x)
    })

    it('an unfetchable source: nobody commits, the timeout slashes nobody and refunds the payer as any timeout', async () => {
      const [user, payer] = w.users
      const bonds = await Promise.all(w.workers.map(async x => await bondOf(w, x)))
      const stats = await w.view<Record<string, string | number>>('get_stats')
      const before = await w.balance(payer!.accountId)
      // the requester's own payer would collect R × withhold_share if a no-show of every worker were slashed
      const r = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, payer_account_id: payer!.accountId, redundancy: R3Q2 }, NEAR)
      const { assigned } = await assignment(w, r.requestId)
      const done = await r.done
      const completed = events(done.logs, 'execution_completed')[0]!
      assert.equal(completed.timed_out, true)
      assert.equal(completed.payment_charged, (BASE + RECEIPT_FEE).toString())
      assert.deepEqual(events(done.logs, 'worker_withheld'), [])
      assert.deepEqual(events(done.logs, 'withholding_excused'), [{ request_id: r.requestId, assigned, reason: 'no_commits' }])
      const gas = done.receipts.filter(x => x.executor === w.contractId).at(-1)!.gas
      process.stderr.write(`      | \`on_execution_response\` | a timeout nobody committed to (R=3, nobody slashed) | ${(Number(gas) / Number(TGAS)).toFixed(2)} |\n`)
      assert.equal(await w.balance(payer!.accountId) - before, NEAR - BASE - RECEIPT_FEE, 'the timeout refund and not a yocto more')
      assert.deepEqual(await Promise.all(w.workers.map(async x => await bondOf(w, x))), bonds, 'every bond unchanged to the yocto')
      const after = await w.view<Record<string, string | number>>('get_stats')
      assert.equal(after.slashed, stats.slashed)
      assert.equal(after.withheld, stats.withheld)
      assert.equal(after.withholding_excused, Number(stats.withholding_excused) + 1)
      // only the receipt is left
      assert.equal(await w.view('get_assignment', { request_id: r.requestId }), null)
      assert.deepEqual(await w.view('get_request', { request_id: r.requestId }), {
        request_id: r.requestId, status: 'completed', success: false, payer_account_id: payer!.accountId, payment_charged: (BASE + RECEIPT_FEE).toString()
      })
    })
  })

  describe('scenario 2: a requester cannot choose its workers', () => {
    // 4 honest workers and the requester's 2 sybils, equal bonds; R=3, Q=2
    const REQUESTS = 80
    let w: World
    before(async () => { w = await startWorld({ workers: 6, accounts: 10, config: { withhold_share_bps: 0 } }) })
    afterEach(async () => { await checkInvariant(w) })
    after(async () => { await w?.stop() })

    it('holds Q of R slots no more often than the hypergeometric law allows', async () => {
      const sybils = new Set([w.workers[4]!.id, w.workers[5]!.id])
      let captured = 0
      const slotCounts = new Map<string, number>()
      for (let i = 0; i < REQUESTS; i++) {
        const r = await request(w, w.users[i % 4]!, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' } }, NEAR)
        const a = await assignment(w, r.requestId)
        if (a.assigned.filter(id => sybils.has(id)).length >= 2) captured++
        for (const id of a.assigned) slotCounts.set(id, (slotCounts.get(id) ?? 0) + 1)
        await call(w, w.root, 'emergency_cancel_execution', { request_id: r.requestId })
        await r.done
      }
      const n = REQUESTS
      process.stderr.write(`      sybils held >= 2 of 3 slots in ${captured} of ${n} requests (law: ${n * 0.2})\n`)
      // P(both sybils among the 3 drawn of 6) = C(2,2)·C(4,1) / C(6,3) = 0.2 (contract/README.md, cost of capture)
      const p = 0.2
      const sigma = Math.sqrt(n * p * (1 - p))
      assert.ok(captured <= n * p + 4 * sigma, `captured ${captured} of ${n}, the law allows ${n * p} ± ${sigma.toFixed(1)}`)
      assert.ok(captured >= n * p - 4 * sigma, `captured ${captured} of ${n}: the draw is not uniform`)
      // every worker holds about half the slots (3 of 6 each time)
      for (const x of w.workers) assert.ok((slotCounts.get(x.id) ?? 0) > n * 0.25, `${x.id} held ${slotCounts.get(x.id)} slots of ${n}`)
    })
  })
})
