/**
 * The worker role (issue 7 §3): decide, claim a lease, get the wasm, execute deterministically, sign, gossip,
 * and keep the result until the request is resolved on chain.
 */
import type { Logger } from 'pino'
import type { AttestationPayload, ExecutionResult, KeyPair } from '../../../protocol/index.js'
import type { ExecuteOptions } from '../../../sandbox/exec/index.js'
import type { OutlayerClient } from '../../chain/index.js'
import type { SourceKind } from '../../config.js'
import type { Metrics } from '../../metrics.js'
import type { NodeStore } from '../../store/index.js'
import { Worker } from './worker.js'
import type { WasmResolver } from './wasm.js'

export { WorkerError, type WorkerErrorCode } from './errors.js'
export { WasmResolver, trustedHash, DEFAULT_BUILD_TARGET, type ArtifactNetwork, type LocalBuild, type ResolvedWasm, type WasmResolverComponents, type WasmResolverInit } from './wasm.js'
export { workerRank, rankScore } from './rank.js'
export { attest } from './attest.js'
export { resolveProject, concreteSource, type ConcreteSource, type ResolvedProject } from './project.js'
export { compileOnlyResult, isCompileOnly, COMPILE_ONLY_INSTRUMENTER } from './compile-only.js'
export type { Worker } from './worker.js'

/** sandbox/exec's `execute`, as the worker calls it (tests inject a different one, e.g. a liar) */
export type Executor = (wasm: Uint8Array, opts: ExecuteOptions) => Promise<ExecutionResult>

export interface WorkerInit {
  /** the ed25519 key registered with register_worker; signs attestations */
  signingKey: KeyPair
  /** jobs executed at once @default 2 */
  capacity?: number
  /** @default every kind */
  allowedSources?: SourceKind[]
  /** the contract's lease length; workers ranked below R wait this many blocks before trying */
  leaseBlocks: number
  /** the contract's min_bond: workers below it may not lease, so they are left out of the ranking @default 0 */
  minBond?: bigint
  /** how long the registered-worker list is reused before it is read again @default 10 s */
  workerListTtlMs?: number
}

export interface WorkerComponents {
  client: Pick<OutlayerClient, 'contractId' | 'accountId' | 'claimLease' | 'getLeases' | 'listWorkers' | 'getRequest' | 'view'>
  store: NodeStore
  wasm: Pick<WasmResolver, 'resolve'>
  execute: Executor
  /** gossips the attestation (and hands it to a local aggregator) */
  publish: (attestation: AttestationPayload) => Promise<void>
  logger: Logger
  metrics?: Metrics
}

export interface WorkerEvents {
  /** this worker holds a lease on chain (claimed now or found after a restart) */
  'lease:won': [{ requestId: string }]
  /** the attestation is stored (before it is gossiped) */
  'result:attested': [{ attestation: AttestationPayload }]
  /** a Project source was resolved through the contract's views to the version this worker runs */
  'project:resolved': [{ requestId: string, projectId: string, versionKey: string }]
  /** no attestation from this worker for the request; `code` is a WorkerErrorCode or a ChainErrorCode */
  'job:failed': [{ requestId: string, code: string, message: string }]
}

export function worker (init: WorkerInit): (components: WorkerComponents) => Worker {
  return (components) => new Worker(components, init)
}
