/**
 * A scenario: what runs (nodes, R/Q, requests, network), what goes wrong (byzantine workers, gossip attackers,
 * faults) and when. JSON (or YAML), checked by validate.ts; every random choice it leaves open (which nodes
 * lie, crash, churn; link delays; request inputs) is drawn from `seed`.
 */
import type { LatencyDistribution } from '../net/link.js'

/** A moment in the run: a chain height counted from the first request's block, or ms since requests began. */
export type When = { block: number } | { ms: number }

export type ByzantineBehaviour =
  /** every member signs the same wrong-but-plausible output */
  | 'wrong-coordinated'
  /** each member signs its own wrong output */
  | 'wrong-independent'
  /** assigned, executes, never commits (slashed as withheld)*/
  | 'withhold'
  /** signs the honest result and gossips a second, different one under the same key */
  | 'equivocate'
  /** runs nothing: waits for another worker's reveal, then tries to commit its output (too late: refused, earns nothing) */
  | 'lazy-copy'

export interface ByzantineGroup {
  behaviour: ByzantineBehaviour
  /** members drawn from the seed among the worker nodes (never node 0, the aggregator) unless `nodes` names them */
  count: number
  nodes?: number[]
  /** lie only from this request index on (inclusive) @default 0 */
  fromRequest?: number
  /** top the bond up after every slash, so the contract's min_bond check does not eject the member @default false */
  topUp?: boolean
}

export type AttackerKind =
  /** valid, signed task hints for requests that do not exist, at `ratePerSec` */
  | 'spam'
  /** undecodable or unsigned bytes on every topic, at `ratePerSec` */
  | 'invalid'
  /** subscribes and takes mesh slots but forwards nothing (black hole) */
  | 'non-forwarding'
  /** unbonded identities that sign a wrong attestation for every request they see */
  | 'sybil'
  /** a builder that announces a wrong wasm hash for a build key */
  | 'wrong-build'

export interface AttackerGroup {
  kind: AttackerKind
  count: number
  /** messages per second per attacker (spam, invalid) @default 5 */
  ratePerSec?: number
}

export type Fault =
  | { kind: 'crash', at: When, nodes?: number[], count?: number, restartAfter?: When, keepData?: boolean }
  | { kind: 'partition', at: When, groups?: number[][], fraction?: number, healAfter?: When }
  | { kind: 'heal', at: When }
  | { kind: 'link', at: When, nodes?: number[], latency?: LatencyDistribution, jitterMs?: number, loss?: number, bandwidthBps?: number }
  | { kind: 'churn', at: When, percentPerMinute: number, durationMs: number, keepData?: boolean }

export type FaultKind = Fault['kind']

export interface NetworkSpec {
  latency: LatencyDistribution
  jitterMs: number
  bandwidthBps: number
  loss: number
  /** earlier nodes each node dials at start */
  degree: number
}

export interface Scenario {
  name: string
  description: string
  seed: number
  /** scale: simulated links + plaintext; real: TCP on 127.0.0.1 with noise and yamux (no link faults) */
  mode: 'scale' | 'real'
  /** worker nodes (node 0 is also the aggregator) */
  nodes: number
  replicas: number
  quorum: number
  requests: number
  ratePerSec: number
  blockTimeMs: number
  /** the contract's commit_window_blocks (primaries' window; the phase closes at twice it), 1..75 */
  commitWindowBlocks: number
  yieldTimeoutBlocks: number
  network: NetworkSpec
  gossip: { heartbeatMs: number }
  byzantine: ByzantineGroup[]
  attackers: AttackerGroup[]
  faults: Fault[]
  /** the bare gossipsub baseline: messages to publish (0 = skip) */
  baselineMessages: number
  /** every worker's bond in NEAR; min_bond is 1, a slash takes 10 % (disagreed), 5 % (withheld) or 50 % (equivocated) */
  bondNear: number
  /** requester accounts the runner sends from, round robin */
  requesters: number
  /** the run gives up waiting for requests after this long */
  timeoutMs: number
}

export const SCENARIO_DEFAULTS: Omit<Scenario, 'name'> = {
  description: '',
  seed: 1,
  mode: 'scale',
  nodes: 10,
  replicas: 3,
  quorum: 2,
  requests: 10,
  ratePerSec: 1,
  blockTimeMs: 500,
  commitWindowBlocks: 10,
  yieldTimeoutBlocks: 60,
  network: { latency: { kind: 'fixed', ms: 5 }, jitterMs: 0, bandwidthBps: 0, loss: 0, degree: 4 },
  gossip: { heartbeatMs: 200 },
  byzantine: [],
  attackers: [],
  faults: [],
  baselineMessages: 20,
  bondNear: 2,
  requesters: 4,
  timeoutMs: 600_000
}
