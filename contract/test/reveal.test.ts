/**
 * The on-chain reveal fallback (reveal_result): slot holders that commit and never reveal lose withhold_share to
 * the payer at a yield timeout, workers that revealed on chain keep their bond; what reveal_result refuses; and a
 * resolve that leaves an honest reveal out slashes nobody for it.
 */
import assert from 'node:assert/strict'
import {
  NEAR, RECEIPT_FEE, WASM_SOURCE, assignedWorkers, assignment, call, checkInvariant, commit, events, ok, refused,
  request, resolve, responseOf, reveal, revealOnChain, seal, startWorld, untilRevealing, type Worker, type World,
  bondOf, topUpBond
} from './world.js'

const BASE = 10n ** 21n
const WITHHOLD = NEAR * 500n / 10_000n // default withhold_share_bps 500 of a 1 NEAR bond
const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }
const R3Q2 = { replicas: 3, quorum: 2, aggregation: 'identical' }

describe('on-chain reveal fallback (reveal_result)', function () {
  this.timeout(120_000)
  let w: World
  // three workers: R=3 assigns all of them (no backups); a window of 8 blocks closes the phase soon after a missing commit
  before(async () => { w = await startWorld({ workers: 3, yieldTimeoutBlocks: 60, config: { commit_window_blocks: 8 } }) })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => { await w?.stop() })
  const bond = async (x: Worker): Promise<bigint> => await bondOf(w, x)
  const topUp = async (x: Worker): Promise<void> => { await topUpBond(w, x) }

  it('R=3 Q=2: two squatters commit and never reveal, the honest worker reveals on chain; at the timeout the squatters pay the payer, the honest one keeps its bond', async () => {
    const [user, payer] = w.users
    const payerBefore = await w.balance(payer!.accountId)
    const r = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: R3Q2, payer_account_id: payer!.accountId }, NEAR)
    const [honest, ...squatters] = (await assignedWorkers(w, r.requestId)).primaries
    const honestBefore = await w.balance(honest!.id)
    const sealed = await seal(w, honest!, r.requestId, ok('42'))
    const [committed, squatted] = await Promise.all([
      call(w, honest!.account, 'commit_result', { request_id: r.requestId, commit: sealed.commit }),
      Promise.all(squatters.map(async s => await commit(w, s, r.requestId, ok('squat'))))
    ])
    await untilRevealing(w, r.requestId)
    const revealed = await revealOnChain(w, r.requestId, sealed)
    assert.deepEqual(events(revealed.logs, 'result_revealed'), [{
      request_id: r.requestId, worker_id: honest!.id, slot: 0, ...reveal(sealed), response: { ...responseOf(ok('42'), true), resources_used: { instructions: 1_000_000 } }
    }])
    assert.deepEqual((await assignment(w, r.requestId)).commits.map(c => [c.worker_id, c.revealed]).sort(),
      [[honest!.id, true], ...squatters.map(s => [s.id, false])].sort())

    const done = await r.done // nobody resolves: the yield times out
    const completed = events(done.logs, 'execution_completed')[0]!
    assert.equal(completed.timed_out, true)
    assert.equal(completed.payment_charged, (BASE + RECEIPT_FEE).toString())
    assert.deepEqual(events(done.logs, 'worker_withheld').map(e => [e.worker_id, e.slashed, e.reason]).sort(),
      squatters.map(s => [s.id, WITHHOLD.toString(), 'no_reveal']).sort())
    assert.equal(await w.balance(payer!.accountId) - payerBefore, NEAR - BASE - RECEIPT_FEE + 2n * WITHHOLD, 'refund plus both slashes, to the yocto')
    assert.equal(await w.balance(honest!.id), honestBefore - committed.tokensBurnt - revealed.tokensBurnt, 'the honest worker paid its gas, no slash, no pay')
    assert.equal(await bond(honest!), NEAR)
    for (const s of squatters) assert.equal(await bond(s), NEAR - WITHHOLD, `${s.id} lost withhold_share`)
    // nothing of the request is left but its receipt
    assert.equal(await w.view('get_assignment', { request_id: r.requestId }), null)
    assert.deepEqual(await w.view('get_request', { request_id: r.requestId }), {
      request_id: r.requestId, status: 'completed', success: false, payer_account_id: payer!.accountId, payment_charged: (BASE + RECEIPT_FEE).toString()
    })
    // a reveal after the timeout is refused
    await refused(revealOnChain(w, r.requestId, squatted[0]!), 'not pending')
    for (const s of squatters) await topUp(s)
  })

  it('refuses a reveal while committing, of an unassigned or uncommitted worker, that does not open its commit, with a bad signature, or twice; anyone may reveal for a worker', async () => {
    const [user, other] = w.users
    const r = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: R3Q2 }, NEAR)
    const [a, b, c] = (await assignedWorkers(w, r.requestId)).primaries
    const sa = await commit(w, a!, r.requestId, ok('7'))
    await refused(revealOnChain(w, r.requestId, sa), 'nothing is revealed before it closed')
    const sb = await commit(w, b!, r.requestId, ok('7'))
    await untilRevealing(w, r.requestId) // c never commits: the phase closes after close_at
    await refused(revealOnChain(w, r.requestId, await seal(w, c!, r.requestId, ok('7'))), `signer ${c!.id} holds no committed slot`)
    await refused(call(w, user!, 'reveal_result', { request_id: r.requestId, ...reveal(sa), worker_id: user!.accountId, response: responseOf(ok('7'), true) }), `signer ${user!.accountId} holds no committed slot`)
    await refused(revealOnChain(w, r.requestId, await seal(w, b!, r.requestId, ok('8'))), `the reveal of ${b!.id} does not match its commit`)
    await refused(call(w, b!.account, 'reveal_result', { request_id: r.requestId, ...reveal(sb), signature: reveal(sa).signature, response: responseOf(ok('7'), true) }), `invalid signature from ${b!.id}`)
    await refused(call(w, b!.account, 'reveal_result', { request_id: r.requestId, ...reveal(sb), response: responseOf(ok('7'), true), zz: 1 }), 'unknown field "zz" in reveal_result')
    // validity is the signature and the commit: another account may send a worker's reveal for it, once
    const forA = await revealOnChain(w, r.requestId, sa, other)
    assert.equal(events(forA.logs, 'result_revealed')[0]!.worker_id, a!.id)
    await refused(revealOnChain(w, r.requestId, sa), `${a!.id} already revealed its result of request ${r.requestId} on chain`)
    // the events carry each reveal as resolve_execution takes it: a resolve from the on-chain reveals alone
    const fromB = await revealOnChain(w, r.requestId, sb)
    const onChain = [forA, fromB].map(x => events(x.logs, 'result_revealed')[0]!).map(e => ({ worker_id: e.worker_id, salt: e.salt, signature: e.signature, response: e.response }))
    const resolved = await resolve(w, other!, r.requestId, responseOf(ok('7')), onChain)
    assert.deepEqual(events(resolved.logs, 'worker_withheld').map(e => [e.worker_id, e.reason]), [[c!.id, 'no_commit']])
    const done = await r.done
    assert.deepEqual(events(done.logs, 'execution_completed')[0]!.workers, [a!.id, b!.id])
    await refused(revealOnChain(w, r.requestId, sb), 'not pending')
    await topUp(c!)
  })

  it('a resolve that leaves a committed reveal out slashes nobody for it (only the timeout punishes a missing reveal)', async () => {
    const [user, , resolver] = w.users
    const r = await request(w, user!, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: R3Q2 }, NEAR)
    const primaries = (await assignedWorkers(w, r.requestId)).primaries
    const sealed = await Promise.all(primaries.map(async p => await commit(w, p, r.requestId, ok('9'))))
    await untilRevealing(w, r.requestId)
    const resolved = await resolve(w, resolver!, r.requestId, responseOf(ok('9')), sealed.slice(0, 2).map(s => reveal(s)))
    const done = await r.done
    assert.deepEqual([...events(resolved.logs, 'worker_withheld'), ...events(done.logs, 'worker_withheld')], [])
    for (const p of primaries) assert.equal(await bond(p), NEAR, `${p.id} keeps its bond`)
  })
})
