/**
 * nearcore's RPC error structure. The RPC server writes { name, cause, code: -32000, message: 'Server error', data }
 * from a ChainError unchanged, so near-api-js 7.2 raises its own typed errors.
 */
export interface ChainErrorShape {
  name: 'HANDLER_ERROR' | 'REQUEST_VALIDATION_ERROR' | 'INTERNAL_ERROR'
  cause: { name: string, info: Record<string, unknown> }
  data?: unknown
}

export class ChainError extends Error {
  override readonly name = 'ChainError'
  /** the cause name, e.g. INVALID_TRANSACTION, UNKNOWN_ACCOUNT */
  readonly code: string
  constructor (readonly rpc: ChainErrorShape, message?: string) {
    super(message ?? `${rpc.cause.name}: ${JSON.stringify(rpc.data ?? rpc.cause.info)}`)
    this.code = rpc.cause.name
  }
}

/** `data` is what nearcore puts in the error's `data` field (often a human sentence). */
export function handlerError (cause: string, info: Record<string, unknown>, data?: unknown): ChainError {
  return new ChainError({ name: 'HANDLER_ERROR', cause: { name: cause, info }, data }, typeof data === 'string' ? data : undefined)
}

/** send_tx refusal: `invalidTx({ InvalidNonce: { tx_nonce, ak_nonce } })` */
export function invalidTx (err: Record<string, unknown> | string): ChainError {
  const txError = { TxExecutionError: { InvalidTxError: err } }
  return new ChainError({ name: 'HANDLER_ERROR', cause: { name: 'INVALID_TRANSACTION', info: txError }, data: txError })
}
