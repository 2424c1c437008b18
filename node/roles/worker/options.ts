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
}

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = {
  capacity: 2,
  allowedSources: [...SOURCE_KINDS],
  workerListTtlMs: 10_000,
  stopTimeoutMs: 10_000,
  buildUnassigned: false
}
