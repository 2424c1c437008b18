/**
 * per_field on localnet: the request's field spec is checked (too many, too long, odd names, unknown rules, median
 * without 2Q−1) and refused with nothing changed; the contract composes the output itself from every reveal's own
 * output, and a resolve naming any other bytes is refused with nothing changed; one liar cannot move a median field
 * (R=3, Q=2) and one that breaks an identical field is slashed; settle_unreachable judges per_field by the same rule;
 * resolve_executions composes per_field items as the single call does;
 * gas of the largest resolve (16 fields, 1024-byte outputs) at R=3 and R=7.
 */
import assert from 'node:assert/strict'
import { aggregate, type FieldRule } from '../../protocol/index.js'
import {
  MAX_GAS, NEAR, WASM_SOURCE, assignedWorkers, call, checkInvariant, commit, events, ok, printGasTable, refused,
  refusedNoLoss, request, resolve, responseOf, reveal, startWorld, untilRevealing, type Attested, type PendingRequest,
  type Sealed, type World
} from './world.js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }
const WEATHER: Record<string, FieldRule> = { temp: 'median', city: 'identical', sky: 'mode' }

describe('per_field aggregation on chain', function () {
  this.timeout(240_000)
  let w: World
  const rows: Array<[string, bigint]> = []
  before(async () => { w = await startWorld({ workers: 7, accounts: 10, yieldTimeoutBlocks: 80, config: { commit_window_blocks: 8 } }) })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => {
    await w?.stop()
    printGasTable(rows)
  })

  const redundancy = (fields: unknown, replicas = 3, quorum = 2): Record<string, unknown> => ({ replicas, quorum, aggregation: 'per_field', fields })
  const args = (red: unknown): Record<string, unknown> => ({ source: WASM_SOURCE, resource_limits: LIMITS, redundancy: red })

  /** The R primaries commit `results` (in primary order); the phase closes; returns the seals. */
  async function committed (fields: Record<string, FieldRule>, results: Attested[], quorum = 2): Promise<{ r: PendingRequest, sealed: Sealed[] }> {
    const r = await request(w, w.users[0]!, args(redundancy(fields, results.length, quorum)), NEAR)
    const { primaries } = await assignedWorkers(w, r.requestId)
    // in parallel: seven commits one after another would outlast the 8-block window
    const sealed: Sealed[] = await Promise.all(primaries.map(async (p, i) => await commit(w, p, r.requestId, results[i]!)))
    await untilRevealing(w, r.requestId)
    return { r, sealed }
  }

  /** What the contract composes (protocol's rule), as resolve_execution's `response`. */
  function composedResponse (fields: Record<string, FieldRule>, results: Attested[], quorum: number): { response: Record<string, unknown>, output: string } {
    const agreed = aggregate(results.map(x => x.output), quorum, { mode: 'per_field', fields })
    assert.ok(agreed.ok, agreed.ok ? '' : agreed.detail)
    const instructions = agreed.agreeing.map(i => results[i]!.instructions).sort((a, b) => a < b ? -1 : a > b ? 1 : 0)
    const charged = instructions[Math.floor((instructions.length - 1) / 2)]!
    return { response: responseOf({ success: true, output: agreed.value, error: '', instructions: charged }), output: new TextDecoder().decode(agreed.value) }
  }

  it('refuses a spec with too many, too long, odd or unknown fields, or a median without 2Q−1, with nothing changed', async () => {
    const u = w.users[1]!
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`f${i}`, 'mode']))
    const huge = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`.padEnd(32, 'x'), 'mode']))
    const cases: Array<[unknown, string]> = [
      [redundancy(many), 'redundancy.fields must name 1..16 fields'],
      [redundancy(huge), 'redundancy.fields must name 1..16 fields'],
      [redundancy({}), 'redundancy.fields must name 1..16 fields'],
      [redundancy({ ['x'.repeat(33)]: 'mode' }), 'a field name must be 1..32 characters of A-Z a-z 0-9 _'],
      [redundancy({ ['y'.repeat(100_000)]: 'mode' }), 'a field name must be 1..32 characters'],
      [redundancy({ 'a.b': 'mode' }), 'a field name must be 1..32 characters'],
      [redundancy({ 'é': 'mode' }), 'a field name must be 1..32 characters'],
      [redundancy({ a: 'mean' }), 'redundancy.fields.a must be median, identical or mode'],
      [redundancy({ a: 3 }), 'redundancy.fields.a must be median, identical or mode'],
      [redundancy([['a', 'mode']]), 'redundancy.fields must be an object'],
      [redundancy({ a: 'median' }, 4, 3), 'median needs replicas >= 2*quorum-1'],
      [{ replicas: 3, quorum: 2, aggregation: 'per_field' }, 'redundancy.fields is given with, and only with, aggregation per_field'],
      [{ replicas: 3, quorum: 2, aggregation: 'median', fields: { a: 'mode' } }, 'only with, aggregation per_field'],
      [{ replicas: 3, quorum: 2, aggregation: 'mean' }, 'redundancy.aggregation must be identical, median or per_field']
    ]
    for (const [red, message] of cases) {
      const a = await refusedNoLoss(w, u, 'request_execution', args(red), message, NEAR)
      if (red === cases[1]![0]) rows.push(['request_execution: per_field spec of 200 32-character names (refused)', a.gas])
    }
    // the largest spec taken: 16 names of 32 characters, stored in name order; cancelled so nothing stays pending
    const widest = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`${String.fromCharCode(112 - i)}`.padEnd(32, '_'), 'mode']))
    const pending = await request(w, u, args(redundancy(widest)), NEAR)
    const view = await w.view<{ redundancy: { fields: Record<string, string> } }>('get_request', { request_id: pending.requestId })
    assert.deepEqual(Object.keys(view.redundancy.fields), Object.keys(widest).sort())
    await call(w, w.root, 'emergency_cancel_execution', { request_id: pending.requestId })
    rows.push(['request_execution: per_field spec of 16 32-character names (the largest taken)', (await pending.done).receipts.find(x => x.executor === w.contractId)!.gas])
  })

  it('R=3 Q=2: the contract composes the output; one liar cannot move a median field; the exact bytes only', async () => {
    const results = [
      ok('{ "temp": 20.5, "city": "Oslo", "sky": "rain", "noise": 1 }\n', 300n),
      ok(JSON.stringify({ city: 'Oslo', temp: 1e300, sky: 'cloud' }), 100n), // the liar: a far-out temperature
      ok(JSON.stringify({ sky: 'rain', city: 'Oslo', temp: 21 }), 200n)
    ]
    const { r, sealed } = await committed(WEATHER, results)
    const view = await w.view<{ redundancy: unknown }>('get_request', { request_id: r.requestId })
    assert.deepEqual(view.redundancy, { replicas: 3, quorum: 2, aggregation: 'per_field', fields: { city: 'identical', sky: 'mode', temp: 'median' } }, 'stored in name order')
    const { response, output } = composedResponse(WEATHER, results.map(x => x), 2)
    assert.equal(output, '{"city":"Oslo","sky":"rain","temp":21}', 'the liar\'s 1e300 is the maximum, never the median of 3')
    const all = sealed.map(s => reveal(s, true))
    const resolver = w.users[2]!
    const wrong: Array<[Record<string, unknown>, string]> = [
      [responseOf(results[0]!), 'does not match the result the quorum attested'], // a worker's own output
      [{ ...response, output: Buffer.from('{"city":"Oslo","sky":"rain","temp":1e300}').toString('base64') }, 'does not match'], // the liar's median
      [{ ...response, output: Buffer.from('{"city":"Oslo","temp":21,"sky":"rain"}').toString('base64') }, 'does not match'], // another key order
      [{ ...response, output: Buffer.from('{"city": "Oslo","sky":"rain","temp":21}').toString('base64') }, 'does not match'], // whitespace
      [{ ...response, resources_used: { instructions: '300' } }, 'does not match'] // not the median instructions
    ]
    for (const [bad, message] of wrong) await refusedNoLoss(w, resolver, 'resolve_execution', { request_id: r.requestId, response: bad, reveals: all }, message)
    // without every reveal's own output the contract cannot compose: two numbers are fewer than 2Q−1
    await refusedNoLoss(w, resolver, 'resolve_execution', { request_id: r.requestId, response, reveals: [all[0], all[2]] }, 'too few agreeing reveals')
    const res = await resolve(w, resolver, r.requestId, response, all)
    assert.deepEqual(events(res.logs, 'worker_disagreed'), [], 'median and mode: every worker with a number and the field agrees')
    const done = await r.done
    assert.equal(done.value, output)
    assert.deepEqual(events(done.logs, 'execution_completed')[0]!.resources_used, { instructions: 200 })
  })

  it('a worker that breaks an identical field disagrees and is slashed; the rest are paid', async () => {
    const fields: Record<string, FieldRule> = { city: 'identical', sky: 'mode' }
    const results = [ok('{"city":"Oslo","sky":"rain"}'), ok('{"city":"Bergen","sky":"rain"}'), ok('{"city":"Oslo","sky":"sun"}')]
    const { r, sealed } = await committed(fields, results)
    const { response, output } = composedResponse(fields, results, 2)
    assert.equal(output, '{"city":"Oslo","sky":"rain"}')
    const res = await resolve(w, w.users[2]!, r.requestId, response, sealed.map(s => reveal(s, true)))
    assert.deepEqual(events(res.logs, 'worker_disagreed').map(e => e.worker_id), [sealed[1]!.worker.id])
    assert.equal((await r.done).value, output)
    await call(w, sealed[1]!.worker.account, 'register_worker', { public_key: (await w.view<{ public_key: string }>('get_worker', { account_id: sealed[1]!.worker.id })).public_key }, NEAR / 10n)
  })

  it('settle_unreachable: refused while a per_field result can still form, taken once no field set can', async () => {
    const fields: Record<string, FieldRule> = { city: 'identical', temp: 'median' }
    const results = [ok('{"city":"Oslo","temp":1}'), ok('{"city":"Bergen","temp":2}'), ok('{"city":"Rome","temp":3}')]
    const { r, sealed } = await committed(fields, results)
    const shown = sealed.map(s => reveal(s, true))
    const settle = async (reveals: unknown[]): Promise<unknown> => await call(w, w.users[2]!, 'settle_unreachable', { request_id: r.requestId, reveals })
    // the third commit could still carry "Oslo" or "Bergen" with a number: a result is still reachable
    await refused(settle(shown.slice(0, 2)), 'a quorum is still reachable')
    await settle(shown)
    const done = await r.done
    assert.equal(events(done.logs, 'execution_completed')[0]!.success, false)
  })

  it('settle_unreachable refuses a per_field result still reachable where the identical rule is not', async () => {
    const fields: Record<string, FieldRule> = { temp: 'median' }
    const results = [ok('{"temp":1}'), ok('{"temp":2}'), ok('{"temp":3}')]
    const { r, sealed } = await committed(fields, results)
    await refusedNoLoss(w, w.users[2]!, 'settle_unreachable', { request_id: r.requestId, reveals: sealed.map(s => reveal(s, true)) }, 'a per_field result is still reachable')
    const { response } = composedResponse(fields, results, 2)
    await resolve(w, w.users[2]!, r.requestId, response, sealed.map(s => reveal(s, true)))
    assert.equal((await r.done).value, '{"temp":2}')
  })

  it('resolve_executions: per_field items compose in a batch as they do alone', async () => {
    const fields: Record<string, FieldRule> = { temp: 'median', city: 'identical' }
    const batch = [
      [ok('{"temp":1,"city":"Oslo"}'), ok('{"temp":5,"city":"Oslo"}'), ok('{"temp":3,"city":"Oslo"}')],
      [ok('{"temp":-2,"city":"Rome"}'), ok('{"temp":-1,"city":"Rome"}'), ok('{"temp":-3,"city":"Rome"}')]
    ]
    const open = []
    for (const results of batch) open.push({ ...(await committed(fields, results)), results })
    const items = open.map(({ r, sealed, results }) => ({ request_id: r.requestId, response: composedResponse(fields, results, 2).response, reveals: sealed.map(s => reveal(s, true)) }))
    await call(w, w.users[2]!, 'resolve_executions', { items })
    assert.deepEqual(await Promise.all(open.map(async ({ r }) => (await r.done).value)), ['{"city":"Oslo","temp":3}', '{"city":"Rome","temp":-2}'])
  })

  for (const [replicas, quorum] of [[3, 2], [7, 4]] as const) {
    it(`gas: 16 fields, ${replicas} reveals of 1024-byte outputs (the cap) with whitespace, composed and stored (R=${replicas})`, async () => {
      const rules: FieldRule[] = ['median', 'identical', 'mode']
      const fields = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`field_${String(i).padStart(2, '0')}_${'n'.repeat(20)}`, rules[i % 3]!]))
      const outputOf = (worker: number): string => {
        const members = Object.keys(fields).map((name, i) => `"${name}" : ${i % 3 === 0 ? `${100 + worker}.5` : `"${'v'.repeat(20)}${i % 3 === 2 ? worker % 2 : ''}"`}`)
        const body = `{ ${members.join(' , ')} }`
        return body + ' '.repeat(1024 - Buffer.byteLength(body))
      }
      const results = Array.from({ length: replicas }, (_, i) => ok(outputOf(i), BigInt(1000 + i)))
      assert.equal(results[0]!.output.length, 1024)
      const { r, sealed } = await committed(fields, results, quorum)
      const { response, output } = composedResponse(fields, results, quorum)
      // composed: bigger than nearcore's 1024-byte yield payload, so the resolver's deposit stores it
      const res = await call(w, w.users[2]!, 'resolve_execution', { request_id: r.requestId, response, reveals: sealed.map(s => reveal(s, true)) }, NEAR / 10n, MAX_GAS)
      rows.push([`resolve_execution: per_field, 16 fields, R=${replicas} reveals of 1024 bytes, ${Buffer.byteLength(output)}-byte composed output stored`, res.receipts.find(x => x.executor === w.contractId)!.gas])
      assert.equal((await r.done).value, output)
    })
  }
})
