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
  | 'too_many_modules'
  | 'bad_component'
  | 'bad_manifest'

export class AdmissionError extends Error {
  override readonly name = 'AdmissionError'
  constructor (readonly code: AdmissionReason, message: string) {
    super(`${code}: ${message}`)
  }
}

export type ExecutorErrorCode = 'EXECUTOR_CLOSED' | 'BAD_OPTIONS'

export class ExecutorError extends Error {
  override readonly name = 'ExecutorError'
  constructor (readonly code: ExecutorErrorCode, message: string) {
    super(message)
  }
}
