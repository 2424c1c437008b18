/**
 * The aggregator role (issue 7 §5), on the node holding the operator key: collect attestations per request,
 * and when Q agree submit `resolve_execution` (or `submit_execution_output` for a big output). Idempotent across
 * restarts and across several aggregators: it checks the chain before and after submitting, and a duplicate
 * submit does no harm and is counted.
 */
import type { Logger } from 'pino'
import type { AttestationPayload } from '../../../protocol/index.js'
import type { OutlayerClient } from '../../chain/index.js'
import type { Metrics } from '../../metrics.js'
import type { NodeStore } from '../../store/index.js'
import { Aggregator } from './aggregator.js'

export { findQuorum, median, agreementKey, numericOutput, type QuorumOutcome, type Aggregation } from './quorum.js'
export type { Aggregator } from './aggregator.js'

export interface AggregatorInit {
  /**
   * once Q agree, wait up to this many blocks for the other lease holders' attestations, so that a dissenter is
   * in the submission and recorded (slashed) on chain; submits at once when every lease holder has attested.
   * @default 2
   */
  graceBlocks?: number
  /** outputs this large or larger go through submit_execution_output @default LIMITS.inlineOutputBytes (1024) */
  inlineOutputBytes?: number
}

export interface AggregatorComponents {
  client: Pick<OutlayerClient, 'contractId' | 'getRequest' | 'getWorker' | 'resolveExecution' | 'submitExecutionOutput'>
  store: NodeStore
  logger: Logger
  metrics?: Metrics
}

export interface AggregatorEvents {
  /** a resolve transaction of ours succeeded (fires after the submission is stored as done) */
  'request:submitted': [{ requestId: string, txHash: string, workers: string[] }]
  /** the chain already had the request resolved when we tried: counted, harmless */
  'request:duplicate': [{ requestId: string }]
  /** a worker attested something other than the quorum */
  'worker:disagreed': [{ requestId: string, workerId: string }]
  /** an attestation that failed verification (bad signature, unknown worker, wrong contract, hash mismatch) */
  'attestation:invalid': [{ requestId: string, workerId: string, reason: string }]
}

export function aggregator (init: AggregatorInit = {}): (components: AggregatorComponents) => Aggregator {
  return (components) => new Aggregator(components, init)
}

export type { AttestationPayload }
