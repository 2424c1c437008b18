import { strict as assert } from 'node:assert'
import { rankScore, workerRank } from '../../roles/worker/rank.js'

describe('worker rank', () => {
  const workers = ['w0.test.near', 'w1.test.near', 'w2.test.near', 'w3.test.near', 'w4.test.near']

  it('gives every worker a distinct rank, the same on every node', () => {
    for (let id = 0n; id < 20n; id++) {
      const ranks = workers.map(w => workerRank(id, w, workers))
      assert.deepEqual([...ranks].sort(), [0, 1, 2, 3, 4], `request ${id}`)
      const reversed = [...workers].reverse()
      assert.deepEqual(workers.map(w => workerRank(id, w, reversed)), ranks, `request ${id}: order of the list does not matter`)
    }
  })

  it('spreads first place over the workers', () => {
    const firsts = new Set<string>()
    for (let id = 0n; id < 50n; id++) firsts.add(workers.find(w => workerRank(id, w, workers) === 0)!)
    assert.ok(firsts.size >= 4, `first place went to only ${firsts.size} workers in 50 requests`)
  })

  it('ranks an unregistered worker last', () => {
    assert.equal(workerRank(1n, 'stranger.test.near', workers), workers.length)
  })

  it('hashes the u64 request id, not its text', () => {
    assert.equal(rankScore('7', 'a.test.near'), rankScore(7n, 'a.test.near'))
    assert.notEqual(rankScore(7n, 'a.test.near'), rankScore(8n, 'a.test.near'))
  })
})
