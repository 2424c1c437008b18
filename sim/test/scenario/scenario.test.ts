import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadScenario, planScenario, validateScenario } from '../../scenario/index.js'

describe('sim/scenario', () => {
  it('fills defaults for a minimal scenario', () => {
    const r = validateScenario({ name: 'x' })
    assert.ok(r.ok)
    assert.equal(r.value.replicas, 3)
    assert.equal(r.value.mode, 'scale')
    assert.deepEqual(r.value.faults, [])
  })

  it('reports every problem with its path, and never throws', () => {
    const r = validateScenario({
      name: 'bad', nodes: 4, replicas: 5, quorum: 6, typo: 1, seed: -1,
      byzantine: [{ behaviour: 'lie', count: 1 }, { behaviour: 'withhold', count: 1, nodes: [0] }],
      faults: [{ kind: 'crash', at: { block: 1, ms: 2 } }, { kind: 'partition', at: { ms: 0 }, groups: [[1]] }, { kind: 'link', at: { ms: 0 } }, { kind: 'meteor', at: { ms: 0 } }],
      network: { latency: { kind: 'uniform', minMs: 10, maxMs: 1 } }
    })
    assert.ok(!r.ok)
    const expected = [
      'scenario.typo: unknown field',
      'scenario.seed: must be in',
      'scenario.quorum: must be ≤ replicas (5), got 6',
      'scenario.replicas: must be ≤ nodes (4), got 5',
      'scenario.network.latency: maxMs must be ≥ minMs',
      'scenario.byzantine[0].behaviour: must be one of',
      'scenario.byzantine[1].nodes: node 0 is the aggregator',
      'scenario.faults[0].at: must have exactly one of block or ms',
      'scenario.faults[1].groups: must be an array of at least two',
      'scenario.faults[2]: changes nothing',
      'scenario.faults[3].kind: must be one of'
    ]
    for (const e of expected) assert.ok(r.problems.some(p => p.startsWith(e)), `missing "${e}" in:\n${r.problems.join('\n')}`)
    for (const bad of [null, [], 'x', 42]) assert.equal(validateScenario(bad).ok, false)
  })

  it('refuses link faults in real mode and more liars than nodes', () => {
    const r = validateScenario({ name: 'x', mode: 'real', nodes: 3, faults: [{ kind: 'partition', at: { ms: 0 } }], byzantine: [{ behaviour: 'withhold', count: 3 }] })
    assert.ok(!r.ok)
    assert.ok(r.problems.some(p => p.includes('needs simulated links')))
    assert.ok(r.problems.some(p => p.includes('3 byzantine members, but only 2 nodes')))
  })

  it('the plan is a function of the seed: same seed, same liars, crashes, partition and inputs', () => {
    const s = validateScenario({
      name: 'p', nodes: 20, requests: 5, seed: 9,
      byzantine: [{ behaviour: 'wrong-coordinated', count: 3 }, { behaviour: 'withhold', count: 2 }],
      faults: [{ kind: 'crash', at: { block: 3 }, count: 2 }, { kind: 'partition', at: { ms: 1000 }, fraction: 0.3 }, { kind: 'churn', at: { ms: 0 }, percentPerMinute: 20, durationMs: 60_000 }]
    })
    assert.ok(s.ok)
    const a = planScenario(s.value)
    assert.deepEqual(planScenario(s.value), a)
    assert.equal(a.byzantine.length, 5)
    assert.ok(a.byzantine.every(b => b.node !== 0))
    assert.equal(new Set(a.byzantine.map(b => b.node)).size, 5)
    assert.equal(a.inputs.length, 5)
    const other = planScenario({ ...s.value, seed: 10 })
    assert.notDeepEqual(other, a)
  })

  it('loads JSON and YAML files and applies CLI overrides before validating', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-scenario-'))
    try {
      await writeFile(join(dir, 's.json'), JSON.stringify({ name: 'j', nodes: 5 }))
      await writeFile(join(dir, 's.yaml'), 'name: y\nnodes: 6\nfaults:\n  - kind: heal\n    at: { block: 2 }\n')
      assert.equal((await loadScenario(join(dir, 's.json'), { seed: 3 })).seed, 3)
      assert.equal((await loadScenario(join(dir, 's.yaml'))).nodes, 6)
      await writeFile(join(dir, 'bad.json'), '{ not json')
      await assert.rejects(loadScenario(join(dir, 'bad.json')), (err: Error & { code?: string }) => err.name === 'SimError' && err.code === 'BAD_SCENARIO')
      await assert.rejects(loadScenario(join(dir, 's.json'), { quorum: 9 }), /quorum: must be ≤ replicas/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
