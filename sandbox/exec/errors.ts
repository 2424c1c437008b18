/** Typed failures of the executor. Callers branch on `code`, never on message text. */

/** Why a module was refused before it ever ran. A fixed set, safe to use as a metric label. */
export type AdmissionReason =
  | 'too_large'
  | 'invalid_wasm'
  | 'forbidden_feature'
  | 'forbidden_import'
  | 'bad_import_signature'
  | 'too_many_functions'
  | 'too_many_locals'
  | 'too_many_globals'
  | 'too_many_tables'
  | 'table_too_large'
  | 'too_many_memories'
  | 'memory_too_large'
  | 'unsupported_instruction'
  | 'missing_start'
  | 'missing_memory_export'
  | 'reserved_name'
  // pre-scan caps (prescan.ts), checked on the bytes before binaryen parses
  | 'too_many_types'
  | 'too_many_exports'
  | 'too_many_segments'
  | 'too_many_total_locals'
  | 'code_too_large'
  | 'body_too_large'
  | 'nesting_too_deep'
  | 'expression_too_deep'
  | 'too_complex'
  | 'too_many_modules'
  | 'bad_component'
  | 'bad_manifest'

/**
 * A refused module. Deterministic: the same bytes are refused with the same code by every honest node with
 * the same INSTRUMENTER_VERSION, so retrying is pointless (`retryable` is false); the node attests the refusal
 * (node/roles/worker/admission.ts: `trap(admission:<code>)`).
 */
export class AdmissionError extends Error {
  override readonly name = 'AdmissionError'
  readonly retryable = false
  /** the message without its code */
  readonly detail: string
  constructor (readonly code: AdmissionReason, detail: string) {
    super(`${code}: ${detail}`)
    this.detail = detail
  }
}

/** Why a preparation ended without a verdict: a local failure of this machine, never a refusal. */
export type PreparationErrorCode = 'PREPARE_TIMEOUT' | 'PREPARE_OUT_OF_MEMORY' | 'PREPARE_FAILED'

/**
 * Preparation (admission + instrumentation in its thread) did not finish: past its deadline, over its heap
 * limit, or the thread crashed. Local, like a `timeout` run: execute() turns it into a `host_error` result,
 * never attested, and another try (or another node) may succeed (`retryable` is true).
 */
export class PreparationError extends Error {
  override readonly name = 'PreparationError'
  readonly retryable = true
  constructor (readonly code: PreparationErrorCode, message: string) {
    super(message)
  }
}

/** CACHE_UNSAFE: the prepared-module cache directory is another user's or writable by others (sandbox/exec/cache.ts) */
export type ExecutorErrorCode = 'EXECUTOR_CLOSED' | 'BAD_OPTIONS' | 'CACHE_UNSAFE'

export class ExecutorError extends Error {
  override readonly name = 'ExecutorError'
  constructor (readonly code: ExecutorErrorCode, message: string) {
    super(message)
  }
}
