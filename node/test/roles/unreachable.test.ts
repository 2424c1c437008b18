/**
 * roles/resolver/unreachable.ts: the node asks settle_unreachable only when the contract would take it (its rule in
 * contract/src/unreachable.ts), so a refused transaction is never paid for, and never while a quorum can still form.
 */
import { strict as assert } from 'node:assert'
import type { AttestationPayload } from '../../../protocol/index.js'
import type { AssignmentView } from '../../chain/index.js'
import { hasDisagreement, unreachableProof } from '../../roles/resolver/unreachable.js'

const att = (worker: string, text: string, success = true): AttestationPayload => ({
  contract_id: 'outlayer.test.near',
  request_id: '1',
  worker_id: worker,
  success,
  output: Buffer.from(text).toString('base64'),
  output_hash: Buffer.from(text).toString('hex').padEnd(64, '0').slice(0, 64),
  error: '',
  instructions: '100',
  time_ms: 1,
  result_hash: '22'.repeat(32),
  signature: Buffer.alloc(64).toString('base64')
})

const assignment = (committed: string[], over: Partial<AssignmentView> = {}): AssignmentView => ({
  assigned: ['a.near', 'b.near', 'c.near'],
  backups: ['d.near'],
  commit_deadline: 10,
  close_at: 20,
  reveal_by: 200,
  commits: committed.map((w, slot) => ({ worker_id: w, slot, commit: '00'.repeat(32), block: 5, revealed: false })),
  phase: 'revealing',
  ...over
})

const inline = (): boolean => true
const rule = (quorum: number, aggregation: 'identical' | 'median' = 'identical', height = 50) => ({ quorum, aggregation, height, sentInline: inline })
const ids = (xs: AttestationPayload[] | undefined): string[] | undefined => xs?.map(a => a.worker_id)

describe('resolver: when a quorum is unreachable', () => {
  const abc = assignment(['a.near', 'b.near', 'c.near'])

  it('needs two different results before it asks anything', () => {
    assert.equal(hasDisagreement([att('a.near', '1'), att('b.near', '1')]), false)
    assert.equal(hasDisagreement([att('a.near', '1'), att('b.near', '2')]), true)
  })

  it('R=3 Q=2 identical: three different results prove it, in worker-id order; two agreeing do not', () => {
    assert.deepEqual(ids(unreachableProof([att('c.near', '3'), att('a.near', '1'), att('b.near', '2')], abc, rule(2))), ['a.near', 'b.near', 'c.near'])
    assert.equal(unreachableProof([att('a.near', '1'), att('b.near', '1'), att('c.near', '2')], abc, rule(2)), undefined)
  })

  it('never while the commit phase is open: an empty slot may still complete a quorum', () => {
    const open = assignment(['a.near', 'b.near', 'c.near'], { phase: 'committing' })
    assert.equal(unreachableProof([att('a.near', '1'), att('b.near', '2'), att('c.near', '3')], open, rule(2)), undefined)
  })

  it('waits for every committed reveal until reveal_by, then settles with those it has', () => {
    const shown = [att('a.near', '1'), att('b.near', '2')]
    const q3 = rule(3)
    // Q=3: 1 agreeing + 1 missing < 3, reachable only if the missing one could reveal; until reveal_by the contract wants it shown
    assert.equal(unreachableProof(shown, abc, q3), undefined)
    assert.deepEqual(ids(unreachableProof(shown, abc, { ...q3, height: 201 })), ['a.near', 'b.near'])
    // Q=2: the missing reveal could join either, so never
    assert.equal(unreachableProof(shown, abc, { ...rule(2), height: 201 }), undefined)
  })

  it('counts only committed workers, once each (the first reveal seen), and nothing of a worker that never committed', () => {
    const ab = assignment(['a.near', 'b.near'])
    const reveals = [att('a.near', '1'), att('a.near', '9'), att('b.near', '2'), att('d.near', '3')]
    assert.deepEqual(unreachableProof(reveals, ab, rule(2))?.map(a => [a.worker_id, Buffer.from(a.output!, 'base64').toString()]), [['a.near', '1'], ['b.near', '2']])
    assert.equal(unreachableProof([att('d.near', '1'), att('e.near', '2')], ab, rule(2)), undefined, 'no committed reveal at all')
  })

  it('median: numbers can still form a median of 2Q−1 candidates; non-numbers and failures cannot', () => {
    const r5 = assignment(['a.near', 'b.near', 'c.near', 'd.near', 'e.near'], { assigned: ['a.near', 'b.near', 'c.near', 'd.near', 'e.near'] })
    const numbers = ['1', '2', '3', '4', '5'].map((n, i) => att(`${'abcde'[i]!}.near`, n))
    // Q=3 needs 5 candidates: five different numbers still have a median
    assert.equal(unreachableProof(numbers, r5, rule(3, 'median')), undefined)
    const mixed = [att('a.near', '1'), att('b.near', '2'), att('c.near', 'x'), att('d.near', 'y'), att('e.near', '5', false)]
    assert.deepEqual(ids(unreachableProof(mixed, r5, rule(3, 'median'))), ['a.near', 'b.near', 'c.near', 'd.near', 'e.near'])
    // an output sent by hash may be a number: counted as a candidate, as the contract counts it
    const byHash = { quorum: 3, aggregation: 'median' as const, height: 50, sentInline: (a: AttestationPayload) => a.worker_id !== 'c.near' && a.worker_id !== 'd.near' }
    assert.equal(unreachableProof([...numbers.slice(0, 2), ...mixed.slice(2, 4), numbers[4]!], r5, byHash), undefined)
  })

  it('per_field: unreachable only when no field set could pass, an output sent by hash counting as anything', () => {
    const fields = { city: 'identical', temp: 'median' } as const
    const per = (sentInline: (a: AttestationPayload) => boolean = inline): Parameters<typeof unreachableProof>[2] => ({ quorum: 2, aggregation: 'per_field', fields, height: 50, sentInline })
    const cities = [att('a.near', '{"city":"Oslo","temp":1}'), att('b.near', '{"city":"Rome","temp":2}'), att('c.near', '{"city":"Bergen","temp":3}')]
    assert.deepEqual(ids(unreachableProof(cities, abc, per())), ['a.near', 'b.near', 'c.near'], 'three cities: no identical city among 2')
    const temps = [att('a.near', '{"city":"Oslo","temp":1}'), att('b.near', '{"city":"Oslo","temp":2}'), att('c.near', '{"city":"Oslo","temp":1}')]
    assert.equal(unreachableProof([temps[0]!, att('b.near', '{"city":"Oslo","temp":2}'), att('c.near', '{"city":"Oslo","temp":3}')], abc, per()), undefined, 'per_field passes where identical does not')
    assert.equal(unreachableProof(cities, abc, per(a => a.worker_id !== 'c.near')), undefined, 'c.near by hash could be Oslo or Rome')
  })
})
