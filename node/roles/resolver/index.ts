/**
 * The resolver role (issue 7 §5 and verification v2; formerly the aggregator): any node may run it. It collects
 * reveals per request — from gossip, from this node's own worker and from the chain (reveal_result) — and once the commit phase closed and Q
 * committed reveals agree submits `resolve_execution` with its own account (after `submit_execution_output` for a
 * big output). Idempotent across restarts and across several resolvers: it checks the chain before and after
 * submitting, and a duplicate submit does no harm and is counted. It subscribes in its own start().
 */
import type { AttestationPayload } from '../../../protocol/index.js'
import type { OutlayerClient, WatcherEvents } from '../../chain/index.js'
import type { Logger } from '../../log.js'
import type { Metrics } from '../../metrics.js'
import type { MeshNode } from '../../p2p/index.js'
import type { StoreSection } from '../../store/index.js'
import type { Worker } from '../worker/index.js'
import type { ResolverOptions } from './options.js'
import { Resolver } from './resolver.js'

export { findQuorum, median, agreementKey, numericOutput, type QuorumOutcome, type Aggregation } from './quorum.js'
export { checkReveal, revealDigest, type InvalidReason } from './verify.js'
export { DEFAULT_RESOLVER_OPTIONS, type ResolverOptions } from './options.js'
export type { Resolver } from './resolver.js'
export { ResolverRequests, type FollowedRequest, type StoredSubmission } from './requests.js'

export type ResolverInit = Partial<ResolverOptions>

export interface ResolverComponents {
  client: Pick<OutlayerClient, 'contractId' | 'getRequest' | 'getWorker' | 'getConfig' | 'resolveExecution' | 'submitExecutionOutput' | 'reportEquivocation' | 'settleUnreachable'>
  /** the resolver's own section of the store (requests, reveals, submissions: roles/resolver/requests.ts) */
  store: StoreSection
  /** attestations from other workers */
  gossip: Pick<MeshNode, 'on'>
  watcher: WatcherEvents
  /** this node's worker, when it has one: its attestations count without a gossip round trip */
  worker?: Pick<Worker, 'on' | 'off'>
  logger: Logger
  metrics?: Metrics
}

export interface ResolverEvents {
  /** a resolve transaction of ours succeeded (fires after the submission is stored as done) */
  'request:submitted': [{ requestId: string, txHash: string, workers: string[] }]
  /** the chain already had the request resolved when we tried: counted, harmless */
  'request:duplicate': [{ requestId: string }]
  /** the reveals proved no quorum can form and our settle_unreachable succeeded: the payer is refunded now */
  'request:unreachable': [{ requestId: string, txHash: string }]
  /** a worker attested something other than the quorum */
  'worker:disagreed': [{ requestId: string, workerId: string }]
  /** two valid signatures of one worker over different results were sent with report_equivocation */
  'worker:equivocated': [{ requestId: string, workerId: string }]
  /** a reveal that failed verification (bad signature, unknown worker, wrong contract, hash or commit mismatch) */
  'attestation:invalid': [{ requestId: string, workerId: string, reason: string }]
}

export function resolver (init: ResolverInit = {}): (components: ResolverComponents) => Resolver {
  return (components) => new Resolver(components, init)
}

export type { AttestationPayload }
