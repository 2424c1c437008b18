/**
 * Errors of the p2p layer: one class per condition, `name` set, a fixed `code`, so callers branch on either
 * and never on message text. Validation codes double as metric labels, so their set is closed.
 */

export type MeshErrorCode =
  | 'NOT_STARTED'
  | 'BAD_INPUT'
  | 'PUBLISH_FAILED'
  | 'NO_PROVIDERS'
  | 'FETCH_FAILED'
  | 'HASH_MISMATCH'
  | 'TOO_LARGE'
  | 'RATE_LIMITED'
  | 'NOT_FOUND'
  /** a whole wasm fetch ran past its deadline */
  | 'TIMEOUT'

export class MeshError extends Error {
  override readonly name: string = 'MeshError'
  constructor (readonly code: MeshErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** A wasm fetch failed on every provider; `attempts` says why each one was refused. */
export class WasmFetchError extends MeshError {
  override readonly name = 'WasmFetchError'
  constructor (code: MeshErrorCode, message: string, readonly attempts: Array<{ peer: string, code: MeshErrorCode, message: string }> = []) {
    super(code, message)
  }
}

/** What gossipsub does with a refused message: Reject penalises the forwarding peer's score, Ignore does not. */
export type GossipAction = 'reject' | 'ignore'

export type GossipValidationCode =
  | 'TOO_LARGE'
  | 'INVALID'
  | 'UNSUPPORTED_VERSION'
  | 'BAD_SIGNATURE'
  | 'STALE'
  | 'WRONG_TOPIC'
  | 'DUPLICATE'
  | 'OWN_MESSAGE'
  /** a task or attestation whose author is not a registered worker's key */
  | 'UNREGISTERED_SENDER'
  /** a hint naming a request that does not exist (looked up now, or found missing before) */
  | 'UNKNOWN_REQUEST'
  /** a hint we did not look up: rate limits, a peer over its miss budget, an id far ahead, a look-up failing */
  | 'LOOKUP_SKIPPED'
  | 'INTERNAL'

export class GossipValidationError extends Error {
  override readonly name = 'GossipValidationError'
  constructor (readonly action: GossipAction, readonly code: GossipValidationCode, message: string) {
    super(message)
  }
}
