/** From what a run observed to the report's figures and per-request records. */
import type { GossipFigures, GossipProbe } from '../net/gossip-probe.js'
import { quantile } from '../net/gossip-probe.js'
import type { Plan } from '../scenario/plan.js'
import type { Scenario } from '../scenario/types.js'
import type { ResourceSampler } from './sampler.js'
import type { GroundTruth } from './truth.js'
import type { ChainEvent } from '../adapter/index.js'
import { SLASH_EVENTS, type Figures, type Outcome, type RequestRecord } from './types.js'

export interface ClosedRequest { requestId: string, height: number, seenAt: number, success: boolean, timedOut: boolean, workers: string[] }

export interface FigureInputs {
  scenario: Scenario
  plan: Plan
  sent: Array<{ requestId: string, txHash: string, sentAt: number } | undefined>
  requestedAt: Map<string, number>
  assigned: Map<string, string[]>
  closed: Map<string, ClosedRequest>
  outputs: Map<string, string | null>
  idToSeed: Map<string, string>
  truth: GroundTruth
  /** byzantine worker account → the first request index its behaviour applies to (plan fromRequest) */
  byzantineAccounts: Map<string, number>
  slashed: ChainEvent[]
  probe: GossipProbe
  baseline: GossipFigures | null
  perNode: Figures['perNode']
  resources: ResourceSampler
  attackers: Figures['attackers']
  /** when requests began (ms epoch) */
  t0: number
}

/**
 * Whether `account` was misbehaving in request `requestId` (ids are 1, 2, …: index = id − 1): a member that joins
 * its group from a later request is honest before it, so its slashes there are honest ones.
 */
function byzantineIn (accounts: Map<string, number>, account: string, requestId: string): boolean {
  const from = accounts.get(account)
  return from != null && Number(requestId) - 1 >= from
}

export function computeFigures (x: FigureInputs): { figures: Figures, requests: RequestRecord[] } {
  const s = x.scenario
  const requests: RequestRecord[] = x.sent.map((r, index) => {
    const input = x.plan.inputs[index]!
    if (r == null) return { index, requestId: '', input, outcome: 'pending', workers: [], byzantineWorkers: [] }
    const c = x.closed.get(r.requestId)
    if (c == null) return { index, requestId: r.requestId, input, outcome: 'pending', workers: [], byzantineWorkers: [] }
    let outcome: Outcome
    if (c.timedOut) outcome = 'refunded'
    else if (!c.success) outcome = 'resumed-failed'
    else {
      const text = x.outputs.get(r.requestId)
      const seed = x.idToSeed.get(r.requestId)
      const verdict = text == null || seed == null ? 'unknown' : x.truth.verdict(seed, new TextEncoder().encode(text))
      outcome = verdict === 'correct' ? 'resumed-correct' : verdict === 'wrong' ? 'resumed-wrong' : 'resumed-unverified'
    }
    const requested = x.requestedAt.get(r.requestId)
    return {
      index, requestId: r.requestId, input, outcome,
      ...(requested != null ? { blocks: c.height - requested } : {}),
      ms: c.seenAt - r.sentAt,
      ...(x.assigned.has(r.requestId) ? { assigned: x.assigned.get(r.requestId)! } : {}),
      workers: c.workers,
      byzantineWorkers: c.workers.filter(w => byzantineIn(x.byzantineAccounts, w, r.requestId)),
      ...(x.outputs.get(r.requestId) != null ? { output: x.outputs.get(r.requestId)!.slice(0, 200) } : {})
    }
  })
  const outcomes = requests.map(r => r.outcome)
  const count = (o: Outcome): number => outcomes.filter(v => v === o).length
  const blocks = requests.flatMap(r => r.blocks != null && r.outcome !== 'refunded' ? [r.blocks] : []).sort((a, b) => a - b)
  const ms = requests.flatMap(r => r.ms != null && r.outcome !== 'refunded' ? [r.ms] : []).sort((a, b) => a - b)
  const gossip = x.probe.figures()
  const slashes: Figures['slashes'] = { byzantine: 0, honest: 0, byReason: { disagreed: { byzantine: 0, honest: 0 }, withheld: { byzantine: 0, honest: 0 }, equivocated: { byzantine: 0, honest: 0 } } }
  for (const e of x.slashed) {
    const who = byzantineIn(x.byzantineAccounts, String(e.data.worker_id), String(e.data.request_id ?? '')) ? 'byzantine' : 'honest'
    slashes[who]++
    const reason = SLASH_EVENTS[e.event]
    if (reason != null) slashes.byReason[reason][who]++
  }
  const totalBytes = x.perNode.every(n => n.bytes != null) ? x.perNode.reduce((a, n) => a + (n.bytes ?? 0), 0) : null
  const samples = x.resources.samples
  const rssDuringRun = samples.length > 0 ? samples.reduce((a, r) => a + r.rssBytes, 0) / samples.length : 0

  // dissemination over time: per second of the run (by publish time)
  const buckets = new Map<number, number[]>()
  for (const [at, latency] of x.probe.timeline()) {
    const second = Math.max(0, Math.floor((at - x.t0) / 1000))
    const list = buckets.get(second) ?? []
    list.push(latency)
    buckets.set(second, list)
  }
  const gossipTimeline = [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([second, list]) => {
    const sorted = list.sort((a, b) => a - b)
    return { second, messages: sorted.length, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99) }
  })

  return {
    requests,
    figures: {
      safety: { requests: s.requests, wrongResumes: count('resumed-wrong'), resumed: outcomes.filter(o => o.startsWith('resumed')).length, refunded: count('refunded'), pending: count('pending'), outcomes },
      slashes,
      latencyBlocks: { p50: quantile(blocks, 0.5), p99: quantile(blocks, 0.99), samples: blocks },
      latencyMs: { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), samples: ms },
      gossip,
      baseline: x.baseline,
      gossipP99Ratio: x.baseline != null && x.baseline.p99Ms > 0 && Number.isFinite(gossip.p99Ms) ? gossip.p99Ms / x.baseline.p99Ms : null,
      perNode: x.perNode,
      bytesPerNodePerRequest: totalBytes != null && s.requests > 0 ? totalBytes / s.nodes / s.requests : null,
      rssPerNodeBytes: s.nodes > 0 ? rssDuringRun / s.nodes : 0,
      peakRssBytes: x.resources.peakRss(),
      attackers: x.attackers,
      gossipTimeline
    }
  }
}
