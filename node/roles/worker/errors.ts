import { CodedError } from '../../errors.js'

/** Why a worker did not produce an attestation for a request; fixed codes, safe as metric labels. */
export type WorkerErrorCode =
  /** the source kind is not in this node's allowedSources, or not supported yet */
  | 'SOURCE_UNSUPPORTED'
  /** the wasm could not be obtained: download failed, too large, or no trusted build and no builder here */
  | 'WASM_UNAVAILABLE'
  /** this node's build of the git source failed (bad repo, compile error, limits): deterministic, not retried */
  | 'BUILD_FAILED'
  /** bytes whose sha256 is not the pinned or trusted hash */
  | 'WASM_HASH_MISMATCH'
  /** the executor reported a local failure (timeout, host error): nothing deterministic to attest */
  | 'LOCAL_FAILURE'
  /** the input lives in contract state and could not be read */
  | 'INPUT_UNAVAILABLE'
  /** the contract assigned the request to other workers (not an error: most requests are someone else's) */
  | 'NOT_ASSIGNED'
  /** a backup whose turn came after every slot was committed */
  | 'NOT_NEEDED'
  /** the contract took no commit from this worker: its slot went to a backup, or the phase closed */
  | 'COMMIT_REFUSED'
  /** a Project source names a project or version the contract does not have, or a version with a bad source */
  | 'PROJECT_UNKNOWN'
  /** the request names secrets and the keystore nodes did not release them to this worker: local, retried */
  | 'SECRETS_UNAVAILABLE'
  /**
   * the executor threw an error it marks `retryable: false` that is not the sandbox's AdmissionError (which is
   * attested instead, roles/worker/admission.ts): skipped once and never parsed again; the message is the error's
   */
  | 'MODULE_REFUSED'

/** A refusal of the module that the same bytes would get again: an error marked `retryable: false` (AdmissionError is). */
export function isModuleRefusal (err: unknown): err is Error {
  return err instanceof Error && (err as { retryable?: unknown }).retryable === false
}

export class WorkerError extends CodedError<WorkerErrorCode> { override readonly name = 'WorkerError' }
