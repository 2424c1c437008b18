/**
 * settle_unreachable: when the revealed results disagree so that no quorum can form, anyone ends the request before
 * the yield timeout with the timeout's settlement. Attacks: too few disagreeing reveals, forged, duplicated,
 * unassigned or uncommitted reveals, a settle while slots may still be filled, settle after resolve and resolve after
 * settle; each refused with nothing changed. The payer is refunded to the yocto, revealers keep their bonds.
 */
import assert from 'node:assert/strict'
import {
  NEAR, RECEIPT_FEE, WASM_SOURCE, assignedWorkers, assignment, call, checkInvariant, commit, events, ok,
  refused, request, resolve, responseOf, reveal, untilRevealing, type Sealed, type Worker, type World, startWorld,
  bondOf, topUpBond
} from './world.js'

const BASE = 10n ** 21n
const WITHHOLD = NEAR * 500n / 10_000n // default withhold_share_bps 500 of a 1 NEAR bond
const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }
const R3Q2 = { replicas: 3, quorum: 2, aggregation: 'identical' }

describe('settle_unreachable (quorum unreachable before the yield timeout)', function () {
  this.timeout(120_000)
  let w: World
  // three workers: R=3 assigns all of them; a window of 8 blocks closes the phase soon after a missing commit
  before(async () => { w = await startWorld({ workers: 3, yieldTimeoutBlocks: 60, config: { commit_window_blocks: 8 } }) })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => { await w?.stop() })

  const bond = async (x: Worker): Promise<bigint> => await bondOf(w, x)
  const topUp = async (x: Worker): Promise<void> => { await topUpBond(w, x) }
  const settle = async (requestId: number, reveals: unknown[], by = w.users[2]!): Promise<ReturnType<typeof call>> =>
    await call(w, by, 'settle_unreachable', { request_id: requestId, reveals })
  const shown = (s: Sealed): Record<string, unknown> => reveal(s, true)

  it('R=3 Q=2, three different results: too few, forged, duplicated or unassigned reveals are refused with nothing changed; all three settle now, refunded as a timeout', async () => {
    const [user, payer, settler] = w.users
    const payerBefore = await w.balance(payer!.accountId)
    const r = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: R3Q2, payer_account_id: payer!.accountId }, NEAR)
    const primaries = (await assignedWorkers(w, r.requestId)).primaries
    // the third result is 2000 bytes: too long to show inline (limits.ts MAX_SETTLE_INLINE_OUTPUT), named by its hash
    const sealed = await Promise.all(primaries.map(async (p, i) => await commit(w, p, r.requestId, ok(i === 2 ? 'x'.repeat(2000) : String(i)))))
    await untilRevealing(w, r.requestId)
    const before = [await w.view('get_request', { request_id: r.requestId }), await w.view('get_stats')]
    const [a, b, inline] = sealed.map(shown)
    const c = { ...inline, response: responseOf(sealed[2]!.result, true) }

    // two disagreeing reveals: the third commit could still agree with one of them
    await refused(settle(r.requestId, [a, b]), 'a quorum is still reachable: 1 agree and 1 committed workers have not revealed, the quorum is 2')
    await refused(settle(r.requestId, [a, b, a]), `duplicate signer ${primaries[0]!.id}`)
    await refused(settle(r.requestId, [a, b, { ...c, signature: a!.signature }]), `invalid signature from ${primaries[2]!.id}`)
    await refused(settle(r.requestId, [a, b, { ...c, response: responseOf(ok('0')) }]), `the reveal of ${primaries[2]!.id} does not match its commit`)
    await refused(settle(r.requestId, [a, b, { ...c, worker_id: user!.accountId }]), `signer ${user!.accountId} holds no committed slot`)
    await refused(settle(r.requestId, [a, b, reveal(sealed[2]!)]), `the reveal of ${primaries[2]!.id} needs its response`)
    await refused(settle(r.requestId, []), 'too few agreeing reveals: none given')
    await refused(settle(r.requestId, [a, b, inline]), `the reveal of ${primaries[2]!.id} shows a 2000-byte output inline: name outputs over 1024 bytes by output_hash`)
    assert.deepEqual([await w.view('get_request', { request_id: r.requestId }), await w.view('get_stats')], before, 'nothing changed: request, commits and stats')

    const settled = await settle(r.requestId, [a, b, c], settler)
    assert.deepEqual(events(settled.logs, 'execution_unreachable'), [{ request_id: r.requestId, settled_by: settler!.accountId, reveals: 3, largest_group: 1, committed: 3 }])
    const done = await r.done
    const completed = events(done.logs, 'execution_completed')[0]!
    assert.equal(completed.timed_out, false)
    assert.match(String(completed.error_message), /^quorum unreachable/)
    assert.equal(completed.payment_charged, (BASE + RECEIPT_FEE).toString())
    assert.deepEqual(events(done.logs, 'worker_withheld'), [], 'nobody is slashed for disagreeing, and every commit was revealed')
    assert.equal(await w.balance(payer!.accountId) - payerBefore, NEAR - BASE - RECEIPT_FEE, 'the timeout refund, to the yocto')
    for (const p of primaries) assert.equal(await bond(p), NEAR, `${p.id} keeps its bond`)
    assert.equal(await w.view('get_assignment', { request_id: r.requestId }), null)
    assert.deepEqual(await w.view('get_request', { request_id: r.requestId }), {
      request_id: r.requestId, status: 'completed', success: false, payer_account_id: payer!.accountId, payment_charged: (BASE + RECEIPT_FEE).toString()
    })
    assert.equal((await w.view<{ unreachable: number }>('get_stats')).unreachable, 1)
    // a resolve or a second settle after it is refused
    await refused(resolve(w, settler!, r.requestId, responseOf(ok('0')), [reveal(sealed[0]!)]), 'not pending')
    await refused(settle(r.requestId, [a, b, c]), 'not pending')
  })

  it('refused while the commit phase is open (a late commit could still agree); after close_at the missing primary is slashed to the payer', async () => {
    const [user, payer] = w.users
    const payerBefore = await w.balance(payer!.accountId)
    const r = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: R3Q2, payer_account_id: payer!.accountId }, NEAR)
    const [x, y, late] = (await assignedWorkers(w, r.requestId)).primaries
    const sx = await commit(w, x!, r.requestId, ok('1'))
    const sy = await commit(w, y!, r.requestId, ok('2'))
    assert.equal((await assignment(w, r.requestId)).phase, 'committing')
    await refused(settle(r.requestId, [shown(sx), shown(sy)]), 'an open slot may still join a quorum')
    await untilRevealing(w, r.requestId) // `late` never commits
    await refused(call(w, late!.account, 'commit_result', { request_id: r.requestId, commit: sx.commit }), 'commit phase')
    const settled = await settle(r.requestId, [shown(sx), shown(sy)])
    assert.equal(events(settled.logs, 'execution_unreachable')[0]!.committed, 2)
    const done = await r.done
    assert.deepEqual(events(done.logs, 'worker_withheld').map(e => [e.worker_id, e.slashed, e.reason]), [[late!.id, WITHHOLD.toString(), 'no_commit']])
    assert.equal(await w.balance(payer!.accountId) - payerBefore, NEAR - BASE - RECEIPT_FEE + WITHHOLD, 'refund plus the no_commit slash, to the yocto')
    assert.equal(await bond(x!), NEAR)
    assert.equal(await bond(y!), NEAR)
    await topUp(late!)
  })

  it('refused while a committed worker that could complete a quorum has not revealed, and after a resolve', async () => {
    const [user, , resolver] = w.users
    const r = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: R3Q2 }, NEAR)
    const primaries = (await assignedWorkers(w, r.requestId)).primaries
    const sealed = await Promise.all(primaries.map(async (p, i) => await commit(w, p, r.requestId, ok(i === 2 ? 'odd' : 'same'))))
    await untilRevealing(w, r.requestId)
    // a dishonest slot holder settling before the honest pair reveals: the honest pair is a quorum
    await refused(settle(r.requestId, [shown(sealed[2]!)]), 'a quorum is still reachable: 1 agree and 2 committed')
    await refused(settle(r.requestId, sealed.map(shown)), 'a quorum is still reachable: 2 agree and 0 committed')
    await resolve(w, resolver!, r.requestId, responseOf(ok('same')), [reveal(sealed[0]!), reveal(sealed[1]!), reveal(sealed[2]!, true)])
    await refused(settle(r.requestId, sealed.map(shown)), 'not pending')
    await r.done
    await topUp(primaries[2]!) // slashed for disagreeing with the quorum the resolve showed
  })
})
