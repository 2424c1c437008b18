import { strict as assert } from 'node:assert'
import type { AttestationPayload } from '../../../protocol/index.js'
import { findQuorum, median } from '../../roles/resolver/quorum.js'

const num = (worker: string, text: string): AttestationPayload => ({ ...att(worker, Buffer.from(text).toString('hex').slice(0, 64)), output: Buffer.from(text).toString('base64') })
const att = (worker: string, output: string, timeMs = 1): AttestationPayload => ({
  contract_id: 'outlayer.test.near',
  request_id: '1',
  worker_id: worker,
  success: true,
  output: undefined,
  output_hash: output.padEnd(64, '0'),
  error: '',
  instructions: '100',
  time_ms: timeMs,
  result_hash: '22'.repeat(32),
  signature: Buffer.alloc(64).toString('base64')
})

describe('quorum', () => {
  it('needs Q agreeing workers', () => {
    assert.equal(findQuorum([att('a.near', 'aa')], 2), undefined)
    const q = findQuorum([att('b.near', 'aa'), att('a.near', 'aa')], 2)
    assert.deepEqual(q?.agreeing.map(a => a.worker_id), ['a.near', 'b.near'])
    assert.deepEqual(q?.disagreeing, [])
  })

  it('names the worker that disagrees with the quorum', () => {
    const q = findQuorum([att('a.near', 'aa'), att('liar.near', 'bb'), att('c.near', 'aa')], 2)
    assert.deepEqual(q?.agreeing.map(a => a.worker_id), ['a.near', 'c.near'])
    assert.deepEqual(q?.disagreeing.map(a => a.worker_id), ['liar.near'])
  })

  it('counts one vote per worker', () => {
    assert.equal(findQuorum([att('a.near', 'aa'), att('a.near', 'aa')], 2), undefined)
    assert.equal(findQuorum([att('a.near', 'aa'), att('a.near', 'bb'), att('b.near', 'bb')], 2), undefined, 'a second, different vote is ignored')
  })

  it('treats a different error or fuel count as disagreement', () => {
    const other = { ...att('b.near', 'aa'), instructions: '101' }
    assert.equal(findQuorum([att('a.near', 'aa'), other], 2), undefined)
  })

  it('median: the lower median of numeric outputs wins and every numeric output agrees', () => {
    const q = findQuorum([num('a.near', '5'), num('b.near', '1'), num('c.near', '3'), num('d.near', 'x')], 2, 'median')
    assert.equal(q?.winner.worker_id, 'c.near')
    assert.deepEqual(q?.agreeing.map(a => a.worker_id), ['a.near', 'b.near', 'c.near'])
    assert.deepEqual(q?.disagreeing.map(a => a.worker_id), ['d.near'])
  })

  it('median: needs 2Q−1 strict JSON numbers (whitespace or a leading zero is not one)', () => {
    assert.equal(findQuorum([num('a.near', '5'), num('b.near', ' 1\n'), num('c.near', '03')], 2, 'median'), undefined)
  })

  it('median: too few numeric outputs falls back to identical', () => {
    const q = findQuorum([num('a.near', 'x'), num('b.near', 'x'), num('c.near', '3')], 2, 'median')
    assert.deepEqual(q?.agreeing.map(a => a.worker_id), ['a.near', 'b.near'])
  })

  it('orders the winning group first for submission', () => {
    const q = findQuorum([att('a.near', 'bb'), att('b.near', 'aa'), att('c.near', 'aa')], 2)
    assert.deepEqual(q?.ordered.map(a => a.worker_id), ['b.near', 'c.near', 'a.near'])
  })

  it('takes the lower median of times', () => {
    assert.equal(median([5, 1, 3]), 3)
    assert.equal(median([4, 1, 3, 2]), 2)
    assert.equal(median([]), 0)
  })

  it('per_field: the composed output the contract builds, every vote in worker-id order, the median instructions', () => {
    const obj = (worker: string, text: string, instructions: string, code = 'ab'): AttestationPayload => ({ ...num(worker, text), instructions, code_hash: code.repeat(32) })
    const fields = { temp: 'median', city: 'identical' } as const
    const votes = [obj('c.near', '{"temp":30,"city":"Oslo"}', '300'), obj('a.near', '{"city":"Oslo","temp":3.5}', '100'), obj('b.near', '{ "temp": 4 , "city":"Bergen"}', '200')]
    const q = findQuorum(votes, 2, { aggregation: 'per_field', fields })
    assert.ok(q?.composed != null)
    assert.equal(Buffer.from(q.composed.output).toString(), '{"city":"Oslo","temp":4}', 'the median is the liar-proof middle reading; city by the identical rule')
    assert.deepEqual(q.agreeing.map(a => a.worker_id), ['a.near', 'c.near'], 'b.near has a number for temp but another city')
    assert.deepEqual(q.ordered.map(a => a.worker_id), ['a.near', 'b.near', 'c.near'], 'submitted in the order computed')
    assert.equal(q.composed.instructions, '100', 'the lower median of 100 and 300')
    // another program's outputs are left out before the rule: two candidates are fewer than 2Q−1
    assert.equal(findQuorum([...votes.slice(0, 2), obj('b.near', '{"temp":4,"city":"Oslo"}', '200', 'cd')], 2, { aggregation: 'per_field', fields })?.composed, undefined)
  })
})
