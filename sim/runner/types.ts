/** What a run produces: report.json is exactly this object. */
import type { GossipFigures } from '../net/gossip-probe.js'
import type { Plan } from '../scenario/plan.js'
import type { Scenario } from '../scenario/types.js'
import type { FiredEvent } from './schedule.js'
import type { ResourceSample } from './sampler.js'

export type Outcome = 'resumed-correct' | 'resumed-wrong' | 'resumed-unverified' | 'resumed-failed' | 'refunded' | 'pending'

export interface RequestRecord {
  index: number
  requestId: string
  input: string
  outcome: Outcome
  /** blocks from the request's block to execution_completed */
  blocks?: number
  /** ms from sending to the runner seeing execution_completed (wall clock: varies run to run) */
  ms?: number
  /** the contract's draw (execution_requested `assigned`): the same in every run while the pool's bonds are */
  assigned?: string[]
  /** workers in the resolution, and which of them were byzantine */
  workers: string[]
  byzantineWorkers: string[]
  /** the output the caller got (resumed requests), cut at 200 characters */
  output?: string
}

/** The figures that must be equal for two runs of the same scenario and seed. */
export interface SafetyFigures {
  requests: number
  wrongResumes: number
  resumed: number
  refunded: number
  pending: number
  outcomes: Outcome[]
}

export type SlashReason = 'disagreed' | 'withheld' | 'equivocated'

/** the contract's slash events and what they mean */
export const SLASH_EVENTS: Readonly<Record<string, SlashReason>> = { worker_disagreed: 'disagreed', worker_withheld: 'withheld', worker_equivocated: 'equivocated' }

export interface Figures {
  safety: SafetyFigures
  /** slash events of byzantine and of honest workers, in all and by reason (worker_disagreed, worker_withheld, worker_equivocated) */
  slashes: { byzantine: number, honest: number, byReason: Record<SlashReason, { byzantine: number, honest: number }> }
  latencyBlocks: { p50: number, p99: number, samples: number[] }
  latencyMs: { p50: number, p99: number, samples: number[] }
  gossip: Omit<GossipFigures, 'samplesMs'> & { samplesMs: number[] }
  baseline: Omit<GossipFigures, 'samplesMs'> & { samplesMs: number[] } | null
  /** gossip p99 over the bare gossipsub p99, same size, same process */
  gossipP99Ratio: number | null
  /** per node: gossip messages accepted and published, bytes in+out (scale mode only) */
  perNode: Array<{ node: number, byzantine: string | null, accepted: number, published: number, bytes: number | null }>
  bytesPerNodePerRequest: number | null
  rssPerNodeBytes: number
  peakRssBytes: number
  attackers: Array<{ kind: string, sent: number }>
  /** dissemination over time: per second of the run, delivered share and p50/p99 ms */
  gossipTimeline: Array<{ second: number, messages: number, p50Ms: number, p99Ms: number }>
}

/**
 * Something that went wrong during a run: a block-feed read or the scale baseline (the run goes on), or what ended
 * the setup or the run early (the report is then partial and `partial` says why).
 */
export interface RunError {
  where: 'block feed' | 'baseline' | 'setup' | 'run'
  /** ms since the requests started (since the run started, for the baseline and setup) */
  atMs: number
  message: string
}

export interface RunReport {
  version: 1
  scenario: Scenario
  seed: number
  mode: 'scale' | 'real'
  startedAt: string
  wallMs: number
  versions: { node: string, libp2p: string, gossipsub: string, outlayer: string }
  plan: Plan
  fired: FiredEvent[]
  requests: RequestRecord[]
  figures: Figures
  resources: ResourceSample[]
  /** what may differ between two runs of the same seed, and why */
  nondeterminism: string[]
  /** errors met during the run (the first 20), e.g. a failing block feed; empty for a clean run */
  errors: RunError[]
  /** why the run stopped before every request closed (e.g. the block feed was lost); null when it ran to the end */
  partial: string | null
}
