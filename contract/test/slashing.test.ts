/** Dissenters are recorded and slashed for the agreeing workers; median aggregation picks the lower median. */
import assert from 'node:assert/strict'
import { NEAR, WASM_SOURCE, attest, call, claim, events, ok, publicKeyOf, refused, request, resolve, responseOf, startWorld, type Attested, type World, type Worker } from './world.js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }
const BASE = 10n ** 21n

function ownResponse (w: World, worker: Worker, requestId: number, r: Attested): Record<string, unknown> {
  return {
    ...attest(w, worker, requestId, r),
    response: { success: r.success, output: Buffer.from(r.output).toString('base64'), error: r.error, instructions: r.instructions.toString() }
  }
}

describe('contract slashing and median', function () {
  this.timeout(120_000)
  let w: World
  before(async () => { w = await startWorld({ workers: 3 }) })
  after(async () => { await w?.stop() })

  async function leased (aggregation: 'identical' | 'median'): Promise<Awaited<ReturnType<typeof request>>> {
    const r = await request(w, w.users[0]!, {
      source: WASM_SOURCE, resource_limits: LIMITS, response_format: 'Text', redundancy: { replicas: 3, quorum: 2, aggregation }
    }, NEAR)
    for (const worker of w.workers) await claim(w, worker, r.requestId)
    return r
  }

  it('records a dissenter, moves slash_share of its bond to the agreeing workers, pays only them', async () => {
    const r = await leased('identical')
    const [a, b, c] = w.workers as [Worker, Worker, Worker]
    const honest = ok('{"n":4}', 0n)
    const liar = ok('{"n":5}', 0n)
    const before = await Promise.all([a.id, b.id, c.id].map(w.balance))
    const res = await resolve(w, r.requestId, responseOf(honest, 0), [attest(w, a, r.requestId, honest), attest(w, b, r.requestId, honest), ownResponse(w, c, r.requestId, liar)])
    const disagreed = events(res.logs, 'worker_disagreed')
    const cut = NEAR / 10n // default slash_share_bps 1000 of a 1 NEAR bond
    assert.deepEqual(disagreed, [{ request_id: r.requestId, worker_id: c.id, slashed: cut.toString() }])
    await r.done
    const after = await Promise.all([a.id, b.id, c.id].map(w.balance))
    const pay = BASE / 2n // success with 0 instructions and 0 ms costs the base fee
    assert.equal(after[0]! - before[0]!, cut / 2n + pay, 'first agreeing worker')
    assert.equal(after[1]! - before[1]!, cut / 2n + pay, 'second agreeing worker')
    assert.equal(after[2]! - before[2]!, 0n, 'the dissenter gets nothing')
    const cView = await w.view<Record<string, unknown>>('get_worker', { account_id: c.id })
    assert.equal(cView.bond, (NEAR - cut).toString())
    assert.equal(cView.slashed, cut.toString())
    assert.equal(cView.disagreed, 1)
    assert.equal((await w.view<Record<string, unknown>>('get_stats')).slashed, cut.toString())

    // below min_bond the dissenter cannot lease until it tops its bond up with the same key
    const next = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS }, NEAR)
    await refused(claim(w, c, next.requestId), 'bond is below min_bond')
    await call(w, c.account, 'register_worker', { public_key: publicKeyOf(c.key) }, cut)
    assert.equal((await w.view<{ bond: string }>('get_worker', { account_id: c.id })).bond, NEAR.toString())
    await claim(w, c, next.requestId)
    await call(w, w.root, 'emergency_cancel_execution', { request_id: next.requestId })
  })

  it('median: the lower median of the numeric outputs wins, byte for byte, and nobody is slashed', async () => {
    const r = await leased('median')
    const [a, b, c] = w.workers as [Worker, Worker, Worker]
    const ra = ok('30', 100n), rb = ok(' 10\n', 90n), rc = ok('20.5', 95n)
    const attestations = [ownResponse(w, a, r.requestId, ra), ownResponse(w, b, r.requestId, rb), ownResponse(w, c, r.requestId, rc)]
    await refused(resolve(w, r.requestId, responseOf(ra, 1), attestations), 'does not match the result the quorum attested')
    const res = await resolve(w, r.requestId, responseOf(rc, 1), attestations)
    assert.deepEqual(events(res.logs, 'worker_disagreed'), [])
    assert.equal((await r.done).value, '20.5')
  })

  it('median: a non-numeric output disagrees; with an even count the lower middle wins', async () => {
    const r = await leased('median')
    const [a, b, c] = w.workers as [Worker, Worker, Worker]
    const ra = ok('8'), rb = ok('7'), rc = ok('not a number')
    const res = await resolve(w, r.requestId, responseOf(rb, 1), [ownResponse(w, a, r.requestId, ra), ownResponse(w, b, r.requestId, rb), ownResponse(w, c, r.requestId, rc)])
    assert.deepEqual(events(res.logs, 'worker_disagreed').map(e => e.worker_id), [c.id])
    assert.equal((await r.done).value, '7')
  })
})
