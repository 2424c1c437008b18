/** The worker's options, each default written once (config.ts composes them from config.json). */
import { SOURCE_KINDS, type SourceKind } from '../../../protocol/index.js'

export interface WorkerOptions {
  /** jobs executed at once (also the executor's pool size) @default 2 */
  capacity: number
  /** source kinds this node runs @default every kind */
  allowedSources: SourceKind[]
  /** how long the registered-worker list is reused before it is read again @default 10 s */
  workerListTtlMs: number
  /** resolve (build) the git source of requests assigned to others: on for a node that is also a builder @default false */
  buildUnassigned: boolean
  /** how long stop() waits for running jobs after aborting them @default 10 s */
  stopTimeoutMs: number
  /**
   * blocks after the commit phase of a request this worker committed to closed before, if the request is still
   * unresolved, its reveal is sent on chain (reveal_result), at the latest at the contract's reveal_by; a yield
   * timeout then does not slash it for withholding @default 20
   */
  revealFallbackBlocks: number
  /**
   * consensus-on-responses (`params.response_consensus`, roles/worker/consensus.ts): how long one outside
   * response waits for the other replicas' votes before the run fails locally @default 30 s
   */
  responseConsensusTimeoutMs: number
}

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = {
  capacity: 2,
  allowedSources: [...SOURCE_KINDS],
  workerListTtlMs: 10_000,
  stopTimeoutMs: 10_000,
  buildUnassigned: false,
  revealFallbackBlocks: 20,
  responseConsensusTimeoutMs: 30_000
}
