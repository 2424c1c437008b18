/**
 * Dissenters are slashed for the agreeing workers; the median rule (scenario 3); fees from attested quantities only
 * (scenarios 3 and 7); strict Text/Json (scenario 11); equivocation reports (scenario 10).
 */
import assert from 'node:assert/strict'
import { signAttestationV2, sha256Hex, EMPTY_TRANSCRIPT_HASH } from '../../protocol/index.js'
import {
  NEAR, RECEIPT_FEE, WASM_HASH, WASM_SOURCE, assignedWorkers, call, checkInvariant, commit, contextOf, events, ok,
  publicKeyOf, quorumResolve, refused, request, resolve, responseOf, reveal, startWorld, type Attested, type PendingRequest,
  type Sealed, type World, type Worker
} from './world.js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }
const BASE = 10n ** 21n
const PER_MILLION = 10n ** 14n
const RESOLVE_FEE = 3n * 10n ** 21n

describe('contract slashing, median and fees', function () {
  this.timeout(180_000)
  let w: World
  before(async () => { w = await startWorld({ workers: 3 }) })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => { await w?.stop() })

  async function requested (aggregation: 'identical' | 'median', format = 'Text'): Promise<{ r: PendingRequest, workers: Worker[] }> {
    const r = await request(w, w.users[0]!, {
      source: WASM_SOURCE, resource_limits: LIMITS, response_format: format, redundancy: { replicas: 3, quorum: 2, aggregation }
    }, NEAR)
    return { r, workers: (await assignedWorkers(w, r.requestId)).primaries }
  }

  /** Each of the three primaries commits its own result; returns the seals in primary order. */
  async function commitAll (r: PendingRequest, workers: Worker[], results: Attested[]): Promise<Sealed[]> {
    const out: Sealed[] = []
    for (let i = 0; i < 3; i++) out.push(await commit(w, workers[i]!, r.requestId, results[i]!))
    return out
  }

  it('records a dissenter, moves slash_share of its bond to the agreeing workers, pays only them', async () => {
    const { r, workers } = await requested('identical')
    const honest = ok('{"n":4}', 0n)
    const liar = ok('{"n":5}', 0n)
    const sealed = await commitAll(r, workers, [honest, honest, liar])
    const before = await Promise.all(workers.map(x => w.balance(x.id)))
    const res = await resolve(w, w.users[1]!, r.requestId, responseOf(honest), [reveal(sealed[0]!), reveal(sealed[1]!), reveal(sealed[2]!, true)])
    const cut = NEAR / 10n // default slash_share_bps 1000 of a 1 NEAR bond
    assert.deepEqual(events(res.logs, 'worker_disagreed'), [{ request_id: r.requestId, worker_id: workers[2]!.id, slashed: cut.toString() }])
    await r.done
    const after = await Promise.all(workers.map(x => w.balance(x.id)))
    const pay = BASE / 2n // success with 0 instructions: the base fee
    assert.equal(after[0]! - before[0]!, cut / 2n + pay, 'first agreeing worker')
    assert.equal(after[1]! - before[1]!, cut / 2n + pay, 'second agreeing worker')
    assert.equal(after[2]! - before[2]!, 0n, 'the dissenter gets nothing')
    const liarView = await w.view<Record<string, unknown>>('get_worker', { account_id: workers[2]!.id })
    assert.equal(liarView.bond, (NEAR - cut).toString())
    assert.equal(liarView.disagreed, 1)

    // below min_bond the dissenter leaves the pool: R=3 cannot be drawn from 2 until it tops its bond up
    await refused(call(w, w.users[0]!, 'request_execution', { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' } }, NEAR), 'only 2 eligible workers')
    await call(w, workers[2]!.account, 'register_worker', { public_key: publicKeyOf(workers[2]!.key) }, cut)
    assert.equal((await w.view<{ bond: string }>('get_worker', { account_id: workers[2]!.id })).bond, NEAR.toString())
  })

  it('scenario 3: median needs 2Q−1 numeric reveals; the lower median wins byte for byte, its instructions are the median', async () => {
    const { r, workers } = await requested('median')
    const results = [ok('30', 100n), ok('10', 90n), ok('20.5', 95n)]
    const sealed = await commitAll(r, workers, results)
    const all = sealed.map(s => reveal(s, true))
    // two numeric values are not enough: the lower median of two would be the minimum, set by one worker
    await refused(resolve(w, w.users[1]!, r.requestId, responseOf(results[1]!), all.slice(0, 2)), 'too few agreeing reveals')
    await refused(resolve(w, w.users[1]!, r.requestId, responseOf(results[0]!), all), 'does not match the result the quorum attested')
    const res = await resolve(w, w.users[1]!, r.requestId, responseOf(results[2]!), all)
    assert.deepEqual(events(res.logs, 'worker_disagreed'), [])
    const done = await r.done
    assert.equal(done.value, '20.5')
    const completed = events(done.logs, 'execution_completed')[0]!
    assert.deepEqual(completed.resources_used, { instructions: 95 })
    const work = BASE + 95n * PER_MILLION / 1_000_000n
    assert.equal(completed.payment_charged, ((work / 3n) * 3n + RESOLVE_FEE + RECEIPT_FEE).toString())
  })

  it('scenario 3: numbers are parsed strictly; a non-number disagrees and leaves too few for the median', async () => {
    const { r, workers } = await requested('median')
    const results = [ok('8'), ok('7'), ok(' 7\n')]
    const sealed = await commitAll(r, workers, results)
    await refused(resolve(w, w.users[1]!, r.requestId, responseOf(results[1]!), sealed.map(s => reveal(s, true))), 'too few agreeing reveals: 1 agree')
    await call(w, w.root, 'emergency_cancel_execution', { request_id: r.requestId })
    await r.done
    for (const bad of ['007', '1e999', '-', '1.', '+1', 'NaN', '0x10']) {
      const q = await requested('median')
      const s = await commitAll(q.r, q.workers, [ok('1'), ok('2'), ok(bad)])
      await refused(resolve(w, w.users[1]!, q.r.requestId, responseOf(ok('2')), s.map(x => reveal(x, true))), 'too few agreeing reveals')
      await call(w, w.root, 'emergency_cancel_execution', { request_id: q.r.requestId })
      await q.r.done
    }
  })

  it('scenarios 3 and 7: instructions are capped by max_instructions and no time is charged: never more than the estimate', async () => {
    const estimate = BigInt(await w.view<string>('estimate_execution_cost', { resource_limits: LIMITS, source: WASM_SOURCE }))
    const { r } = await requested('identical')
    const greedy = ok('1', 2n ** 63n)
    const { primaries } = await assignedWorkers(w, r.requestId)
    const sealed: Sealed[] = []
    for (const p of primaries) sealed.push(await commit(w, p, r.requestId, greedy))
    // time_ms and compile_time_ms are not attested: a resolve that names them is refused, so time is never charged
    for (const extra of [{ time_ms: 180_000 }, { compile_time_ms: 300_000 }]) {
      const response = { ...responseOf(greedy), resources_used: { instructions: greedy.instructions.toString(), ...extra } }
      await refused(resolve(w, w.users[1]!, r.requestId, response, sealed.map(s => reveal(s))), `unknown field "${Object.keys(extra)[0]!}"`)
    }
    await resolve(w, w.users[1]!, r.requestId, responseOf(greedy), sealed.map(s => reveal(s)))
    const completed = events((await r.done).logs, 'execution_completed')[0]!
    assert.deepEqual(completed.resources_used, { instructions: LIMITS.max_instructions })
    const work = BASE + BigInt(LIMITS.max_instructions) * PER_MILLION / 1_000_000n
    assert.equal(completed.payment_charged, ((work / 3n) * 3n + RESOLVE_FEE + RECEIPT_FEE).toString())
    assert.ok(BigInt(completed.payment_charged as string) <= estimate, 'never above estimate_execution_cost')
    assert.equal(estimate - BigInt(completed.payment_charged as string), work % 3n, 'only the division remainder short of it')
  })

  it('scenario 11: invalid UTF-8 Text and unparsable Json resolve as failures, never altered', async () => {
    const cases: Array<[string, Uint8Array, string]> = [
      ['Text', new Uint8Array([0x68, 0xff, 0x69]), 'invalid Text output: not valid UTF-8'],
      ['Text', new Uint8Array([0xc0, 0x80]), 'invalid Text output: not valid UTF-8'],
      ['Text', new Uint8Array([0xed, 0xa0, 0x80]), 'invalid Text output: not valid UTF-8'],
      ['Text', new Uint8Array([0xe2, 0x82]), 'invalid Text output: not valid UTF-8'],
      ['Json', new TextEncoder().encode('{"a":'), 'invalid Json output: does not parse as JSON'],
      ['Json', new Uint8Array([0x22, 0xff, 0x22]), 'invalid Json output: not valid UTF-8']
    ]
    for (const [format, output, error] of cases) {
      const q = await requested('identical', format)
      const { done } = await quorumResolve(w, q.r, { success: true, output, error: '', instructions: 10n })
      assert.equal(done.value, null)
      const completed = events(done.logs, 'execution_completed')[0]!
      assert.equal(completed.success, false)
      assert.equal(completed.error_message, error)
      assert.equal(completed.payment_charged, ((BASE / 3n) * 3n + RESOLVE_FEE + RECEIPT_FEE).toString(), 'a failure costs the base fee')
    }
    const fine = await requested('identical', 'Text')
    assert.equal((await quorumResolve(w, fine.r, ok('héllo ✓ 𝄞'))).done.value, 'héllo ✓ 𝄞')
  })

  it('scenario 10: anyone who shows two signed results of one worker for one request gets it slashed, once', async () => {
    const { r, workers } = await requested('identical')
    const liar = workers[0]!
    const ctx = await contextOf(w, r.requestId, liar.id)
    const signed = (output: string): Record<string, unknown> => {
      const bytes = new TextEncoder().encode(output)
      const a = { ...ctx, codeHash: WASM_HASH, success: true, output: bytes, error: '', instructions: 5n, transcriptHash: EMPTY_TRANSCRIPT_HASH }
      return {
        code_hash: WASM_HASH, success: true, output_hash: sha256Hex(bytes), error_hash: sha256Hex(''), instructions: '5',
        transcript_hash: EMPTY_TRANSCRIPT_HASH, signature: Buffer.from(signAttestationV2(a, liar.key.secretKey)).toString('base64')
      }
    }
    const reporter = w.users[2]!
    const report = async (a: unknown, b: unknown): Promise<unknown> => await call(w, reporter, 'report_equivocation', { request_id: r.requestId, worker_id: liar.id, a, b })
    await refused(report(signed('1'), signed('1')), 'both signatures cover the same result')
    await refused(report(signed('1'), { ...signed('2'), signature: signed('3').signature }), `invalid signature from ${liar.id}`)
    const contractBefore = await w.balance(w.contractId)
    const bondBefore = BigInt((await w.view<{ bond: string }>('get_worker', { account_id: liar.id })).bond)
    const res = await report(signed('1'), signed('2')) as { logs: string[] }
    const cut = bondBefore / 2n // equivocation_share_bps 5000
    assert.deepEqual(events(res.logs, 'worker_equivocated'), [{ request_id: r.requestId, worker_id: liar.id, slashed: cut.toString() }])
    assert.equal((await w.view<{ bond: string }>('get_worker', { account_id: liar.id })).bond, (bondBefore - cut).toString())
    assert.equal((await w.view<{ slashed_kept: string }>('get_stats')).slashed_kept, cut.toString())
    assert.ok(await w.balance(w.contractId) >= contractBefore, 'the slashed bond stays in the contract')
    await refused(report(signed('1'), signed('3')), 'already slashed for equivocating')
    await call(w, w.root, 'emergency_cancel_execution', { request_id: r.requestId })
    await r.done
    await call(w, liar.account, 'register_worker', { public_key: publicKeyOf(liar.key) }, cut)
  })
})
