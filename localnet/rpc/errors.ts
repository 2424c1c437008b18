/**
 * JSON-RPC errors in nearcore's shape ({ name, cause: { name, info }, code, message, data }), so near-api-js 7.2's
 * parseRpcError raises its own typed classes. One place maps every error to its wire body and HTTP status.
 */
import { ChainError, type ChainErrorShape } from '../chain/index.js'

/** nearcore's top-level error kinds. */
export type RpcErrorKind = ChainErrorShape['name']

/** A request the server refuses before the chain sees it: bad JSON, unknown method, bad params. */
export class RpcRequestError extends Error {
  override readonly name = 'RpcRequestError'
  constructor (
    readonly code: 'PARSE_ERROR' | 'METHOD_NOT_FOUND' | 'INVALID_REQUEST',
    message: string,
    readonly info: Record<string, unknown>
  ) {
    super(message)
  }
}

/** A handler error the RPC layer itself raises (unknown block/chunk, bad shard), same shape as the chain's. */
export function rpcHandlerError (cause: string, info: Record<string, unknown>, data?: unknown): ChainError {
  return new ChainError({ name: 'HANDLER_ERROR', cause: { name: cause, info }, data })
}

export const parseError = (message: string): RpcRequestError =>
  new RpcRequestError('PARSE_ERROR', message, { error_message: message })

export const invalidParams = (message: string): RpcRequestError => parseError(`Failed parsing args: ${message}`)

export interface WireError {
  name: RpcErrorKind
  cause: { name: string, info: Record<string, unknown> }
  code: number
  message: string
  data: unknown
}

/** The wire body and HTTP status nearcore uses: validation 400, handler 200 (timeout 408), internal 500. */
export function toWireError (err: unknown): { error: WireError, status: number } {
  if (err instanceof RpcRequestError) {
    const jsonCode = err.code === 'METHOD_NOT_FOUND' ? -32601 : err.code === 'INVALID_REQUEST' ? -32600 : -32700
    const message = err.code === 'METHOD_NOT_FOUND' ? 'Method not found' : err.code === 'INVALID_REQUEST' ? 'Invalid request' : 'Parse error'
    // nearcore has no INVALID_REQUEST cause; near-api-js knows METHOD_NOT_FOUND and PARSE_ERROR only
    const causeName = err.code === 'INVALID_REQUEST' ? 'PARSE_ERROR' : err.code
    return {
      status: 400,
      error: { name: 'REQUEST_VALIDATION_ERROR', cause: { name: causeName, info: err.info }, code: jsonCode, message, data: err.message }
    }
  }
  if (err instanceof ChainError) {
    const { name, cause } = err.rpc
    const data = err.rpc.data ?? err.message
    const status = name === 'INTERNAL_ERROR' ? 500 : name === 'REQUEST_VALIDATION_ERROR' ? 400 : cause.name === 'TIMEOUT_ERROR' ? 408 : 200
    return { status, error: { name, cause, code: -32000, message: 'Server error', data } }
  }
  const message = err instanceof Error ? err.message : String(err)
  return {
    status: 500,
    error: {
      name: 'INTERNAL_ERROR',
      cause: { name: 'INTERNAL_ERROR', info: { error_message: message } },
      code: -32000,
      message: 'Server error',
      data: message
    }
  }
}
