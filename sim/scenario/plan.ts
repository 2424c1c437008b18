/**
 * planScenario: every open choice of a scenario drawn from its seed, before anything runs. Two plans of the same
 * scenario are equal (deep-equal JSON), which is what makes the safety figures reproducible: who lies, who
 * crashes when, how the partition splits, which requests carry which input.
 */
import { createRng } from '../net/prng.js'
import type { ByzantineBehaviour, Scenario, When } from './types.js'

export type Action =
  | { type: 'crash', nodes: number[], keepData: boolean, restartAfter?: When }
  | { type: 'partition', groups: number[][], healAfter?: When }
  | { type: 'heal' }
  | { type: 'link', nodes?: number[], spec: { latency?: import('../net/link.js').LatencyDistribution, jitterMs?: number, loss?: number, bandwidthBps?: number } }

export interface PlannedEvent { at: When, action: Action }

export interface Plan {
  /** node index → its behaviour; honest nodes are absent */
  byzantine: Array<{ node: number, behaviour: ByzantineBehaviour, group: number, fromRequest: number, topUp: boolean }>
  events: PlannedEvent[]
  /** request k's input_data */
  inputs: string[]
}

/** ms of simulated downtime for a churned node */
const CHURN_DOWN_MS = { min: 5_000, max: 20_000 }

export function planScenario (s: Scenario): Plan {
  const rng = createRng(s.seed, `scenario:${s.name}`)
  // node 0 is the aggregator: always honest and always up
  const free = Array.from({ length: s.nodes - 1 }, (_, i) => i + 1)
  const listed = new Set(s.byzantine.flatMap(g => g.nodes ?? []))
  let pool = free.filter(i => !listed.has(i))
  const pickRng = rng.derive('byzantine')
  const byzantine: Plan['byzantine'] = []
  s.byzantine.forEach((g, group) => {
    const members = g.nodes ?? pickRng.sample(pool, g.count)
    pool = pool.filter(i => !members.includes(i))
    for (const node of members) byzantine.push({ node, behaviour: g.behaviour, group, fromRequest: g.fromRequest ?? 0, topUp: g.topUp === true })
  })
  byzantine.sort((a, b) => a.node - b.node)

  const faultRng = rng.derive('faults')
  const events: PlannedEvent[] = []
  for (const f of s.faults) {
    switch (f.kind) {
      case 'crash':
        events.push({ at: f.at, action: { type: 'crash', nodes: f.nodes ?? faultRng.sample(free, f.count ?? 1).sort((a, b) => a - b), keepData: f.keepData !== false, ...(f.restartAfter != null ? { restartAfter: f.restartAfter } : {}) } })
        break
      case 'partition': {
        let groups = f.groups
        if (groups == null) {
          const all = Array.from({ length: s.nodes }, (_, i) => i)
          const side = new Set(faultRng.sample(all, Math.max(1, Math.round((f.fraction ?? 0.5) * s.nodes))))
          groups = [all.filter(i => side.has(i)), all.filter(i => !side.has(i))]
        }
        events.push({ at: f.at, action: { type: 'partition', groups, ...(f.healAfter != null ? { healAfter: f.healAfter } : {}) } })
        break
      }
      case 'heal':
        events.push({ at: f.at, action: { type: 'heal' } })
        break
      case 'link':
        events.push({ at: f.at, action: { type: 'link', ...(f.nodes != null ? { nodes: f.nodes } : {}), spec: { ...(f.latency != null ? { latency: f.latency } : {}), ...(f.jitterMs != null ? { jitterMs: f.jitterMs } : {}), ...(f.loss != null ? { loss: f.loss } : {}), ...(f.bandwidthBps != null ? { bandwidthBps: f.bandwidthBps } : {}) } } })
        break
      case 'churn': {
        // churn is time-based: percentPerMinute of the nodes leave per minute, each back after a seeded downtime
        const startMs = 'ms' in f.at ? f.at.ms : f.at.block * s.blockTimeMs
        const perMinute = f.percentPerMinute / 100 * (s.nodes - 1)
        const count = Math.max(1, Math.round(perMinute * f.durationMs / 60_000))
        for (let k = 0; k < count; k++) {
          const at = startMs + Math.floor(faultRng.next() * f.durationMs)
          const down = CHURN_DOWN_MS.min + Math.floor(faultRng.next() * (CHURN_DOWN_MS.max - CHURN_DOWN_MS.min))
          events.push({ at: { ms: at }, action: { type: 'crash', nodes: [free[faultRng.int(free.length)]!], keepData: f.keepData !== false, restartAfter: { ms: down } } })
        }
      }
    }
  }

  const inputRng = rng.derive('inputs')
  const inputs = Array.from({ length: s.requests }, () => JSON.stringify({ count: 3 + inputRng.int(6), min: 1, max: 10 + inputRng.int(990) }))
  return { byzantine, events, inputs }
}
