/**
 * The worker role (issue 7 §3, verification v2): when the contract assigned it, get the wasm, execute
 * deterministically, commit on chain, reveal over gossip once the commit phase closed, and keep the reveal until
 * the request is closed on chain, and send it on chain (reveal_result) when the request is still unresolved
 * revealFallbackBlocks after the phase closed. It subscribes in its own start() to the chain
 * watcher (requests, closes, blocks) and to `task` gossip, and gossips tasks and attestations itself. A request
 * with `params.response_consensus` runs with consensus.ts's round: its outside responses agreed over `response_vote` gossip.
 */
import type { AttestationPayload, ExecutionRequest, ExecutionResult, KeyPair } from '../../../protocol/index.js'
import type { ExecuteOptions } from '../../../sandbox/exec/index.js'
import type { ArtifactResolver } from '../../artifacts/index.js'
import type { OutlayerClient, WatcherEvents } from '../../chain/index.js'
import type { Logger } from '../../log.js'
import type { Metrics } from '../../metrics.js'
import type { LookupGuard } from '../gossip-lookup.js'
import type { MeshNode } from '../../p2p/index.js'
import type { StoreSection } from '../../store/index.js'
import type { WorkerOptions } from './options.js'
import type { SecretsSource } from './secrets.js'
import { Worker } from './worker.js'

export { WorkerError, type WorkerErrorCode } from './errors.js'
export { workerRank, rankScore } from './rank.js'
export { attest, contextOf, type Attested } from './attest.js'
export { resolveProject, concreteSource, type ConcreteSource, type ResolvedProject } from './project.js'
export { onChainReveal } from './reveal-fallback.js'
export { compileOnlyResult, isCompileOnly, COMPILE_ONLY_INSTRUMENTER } from './compile-only.js'
export { admissionRefusalOf, ADMISSION_REFUSED_INSTRUMENTER } from './admission.js'
export { refusalResult } from './refusal.js'
export { DEFAULT_WORKER_OPTIONS, type WorkerOptions } from './options.js'
export { accessorOf, secretsFor, type SecretsQuery, type SecretsSource } from './secrets.js'
export type { Worker, WorkerStatus } from './worker.js'
export { WorkerJobs, type Job, type JobNote, type JobState } from './jobs.js'
export { ResponseConsensus, DEFAULT_RESPONSE_CONSENSUS, type ConsensusRound, type ResponseConsensusOptions, type VoteOutcome, type BufferUsage } from './consensus.js'

/**
 * A dishonest worker, for sim/ and tests only (the node never sets one itself): what a byzantine operator could
 * change in its own worker, with the request in hand. Unset = honest.
 */
export interface WorkerBehaviour {
  /** the result this worker attests instead of the executor's (a liar; a lazy copier waits here for others' reveals) */
  resultTransform?: (result: ExecutionResult, request: ExecutionRequest) => ExecutionResult | Promise<ExecutionResult>
  /** true for a request: executes when assigned, then never commits */
  withhold?: (request: ExecutionRequest) => boolean
  /** true for a request: commits and reveals the executor's result, and also gossips a second reveal signed over resultTransform's result */
  equivocate?: (request: ExecutionRequest) => boolean
}

/** sandbox/exec's `execute`, as the worker calls it (tests inject a different one, e.g. a liar) */
export type ExecuteFn = (wasm: Uint8Array, opts: ExecuteOptions) => Promise<ExecutionResult>

export interface WorkerInit extends Partial<WorkerOptions> {
  /** the ed25519 key registered with register_worker; signs attestations */
  signingKey: KeyPair
  /** get_config's network_id, bound into the digest (a request's own network_id wins) */
  networkId: string
  /** sim/ and tests only @default honest */
  behaviour?: WorkerBehaviour
}

export interface WorkerComponents {
  client: Pick<OutlayerClient, 'contractId' | 'accountId' | 'commitResult' | 'getAssignment' | 'getRequest' | 'getWorker' | 'revealResult' | 'view'>
  /** the worker's own section of the store (its jobs and reveals: roles/worker/jobs.ts) */
  store: StoreSection
  /** task hints and response votes in; task hints, attestations and response votes out */
  gossip: Pick<MeshNode, 'publish' | 'on'>
  /** the mesh's guard in front of the chain look-up a task hint triggers @default none (every hint looked up) */
  lookupGuard?: LookupGuard
  watcher: WatcherEvents
  artifacts: Pick<ArtifactResolver, 'resolve'>
  execute: ExecuteFn
  /** the keystore client for requests with a secrets_ref @default none (such requests fail SECRETS_UNAVAILABLE) */
  secrets?: SecretsSource
  logger: Logger
  metrics?: Metrics
}

export interface WorkerEvents {
  /** this worker's commit is on chain (sent now or found after a restart) */
  'result:committed': [{ requestId: string, commit: string }]
  /** the reveal, once the commit phase closed (before it is gossiped); a local resolver takes it from here */
  'result:attested': [{ attestation: AttestationPayload }]
  /** a Project source was resolved through the contract's views to the version this worker runs */
  'project:resolved': [{ requestId: string, projectId: string, versionKey: string }]
  /** no attestation from this worker for the request; `code` is a WorkerErrorCode, ArtifactErrorCode or ChainErrorCode */
  'job:failed': [{ requestId: string, code: string, message: string }]
}

export function worker (init: WorkerInit): (components: WorkerComponents) => Worker {
  return (components) => new Worker(components, init)
}
