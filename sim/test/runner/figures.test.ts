/**
 * computeFigures on a hand-made run: a member that joins its byzantine group from a later request (`fromRequest`)
 * is honest before it, so its slashes there count as honest and it is no byzantine worker of those resolutions.
 */
import assert from 'node:assert/strict'
import { GossipProbe } from '../../net/gossip-probe.js'
import { computeFigures } from '../../runner/figures.js'
import { ResourceSampler } from '../../runner/sampler.js'
import { GroundTruth } from '../../runner/truth.js'
import { planScenario, validateScenario } from '../../scenario/index.js'

describe('sim runner: figures follow a byzantine member from its first request on', () => {
  it('counts a late joiner honest before fromRequest and byzantine from it', () => {
    const checked = validateScenario({ name: 'late-joiner', nodes: 3, replicas: 3, quorum: 2, requests: 2, byzantine: [{ behaviour: 'wrong-coordinated', count: 1, nodes: [2], fromRequest: 1 }] })
    assert.ok(checked.ok)
    const scenario = checked.value
    const plan = planScenario(scenario)
    const slash = (requestId: string): { height: number, event: string, data: Record<string, unknown> } => ({ height: 5, event: 'worker_withheld', data: { request_id: requestId, worker_id: 'w2', slashed: '1' } })
    const closed = (requestId: string): { requestId: string, height: number, seenAt: number, success: boolean, timedOut: boolean, workers: string[] } => ({ requestId, height: 9, seenAt: 2, success: false, timedOut: false, workers: ['w0', 'w2'] })
    const { figures, requests } = computeFigures({
      scenario, plan,
      sent: [{ requestId: '1', txHash: 'a', sentAt: 1 }, { requestId: '2', txHash: 'b', sentAt: 1 }],
      requestedAt: new Map([['1', 4], ['2', 4]]),
      assigned: new Map(),
      closed: new Map([['1', closed('1')], ['2', closed('2')]]),
      outputs: new Map(), idToSeed: new Map(), truth: new GroundTruth(),
      byzantineAccounts: new Map([['w2', 1]]),
      slashed: [slash('1'), slash('2')],
      probe: new GossipProbe(), baseline: null, perNode: [], resources: new ResourceSampler(), attackers: [], t0: 0
    })
    assert.deepEqual(figures.slashes.byReason.withheld, { byzantine: 1, honest: 1 }, 'request 1 (index 0) is before its fromRequest')
    assert.deepEqual(requests.map(r => r.byzantineWorkers), [[], ['w2']])
  })
})
