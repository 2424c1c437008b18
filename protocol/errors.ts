/** Every protocol failure is one class with a fixed code, so callers branch on `code`, never on text. */
export type ProtocolErrorCode =
  | 'NOT_CANONICAL'
  | 'INVALID'
  | 'TOO_LARGE'
  | 'BAD_KEY'
  | 'BAD_SIGNATURE'
  | 'STALE'
  | 'UNSUPPORTED_VERSION'

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError'
  constructor (readonly code: ProtocolErrorCode, message: string, readonly path?: string) {
    super(message)
  }
}

/** An error with a fixed code from a closed set: the base of each unit's own error class (`name` tells them apart). */
export class CodedError<Code extends string> extends Error {
  constructor (readonly code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** A validator's verdict: typed value or typed error, never a thrown exception. */
export type Result<T> = { ok: true, value: T } | { ok: false, error: ProtocolError }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const fail = (code: ProtocolErrorCode, message: string, path?: string): Result<never> =>
  ({ ok: false, error: new ProtocolError(code, path != null ? `${path}: ${message}` : message, path) })

/** Unwraps a Result, throwing its ProtocolError: for callers that treat bad input as exceptional. */
export function unwrap<T> (result: Result<T>): T {
  if (!result.ok) throw result.error
  return result.value
}
