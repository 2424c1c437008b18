/**
 * HTTP errors of the node API. Handlers throw ApiError subclasses; one function turns any error into a JSON
 * body `{ error: { code, message } }`, so a bad request gets a clear 4xx and an unexpected error a 500.
 */
import type { ServerResponse } from 'node:http'

export type ApiErrorCode = 'BAD_REQUEST' | 'MISDIRECTED' | 'NOT_FOUND' | 'METHOD_NOT_ALLOWED' | 'STATUS_UNAVAILABLE' | 'UPSTREAM_FAILED' | 'UNAVAILABLE' | 'INTERNAL'

export class ApiError extends Error {
  override readonly name: string = 'ApiError'
  constructor (readonly status: number, readonly code: ApiErrorCode, message: string) {
    super(message)
  }
}

export class BadRequestError extends ApiError {
  override readonly name = 'BadRequestError'
  constructor (message: string) { super(400, 'BAD_REQUEST', message) }
}

/** The Host header names a server we are not (a DNS-rebinding page, a wrong proxy): 421. */
export class MisdirectedRequestError extends ApiError {
  override readonly name = 'MisdirectedRequestError'
  constructor (host: string | undefined) {
    super(421, 'MISDIRECTED', `this node does not answer for host ${JSON.stringify((host ?? '').slice(0, 100))}`)
  }
}

export class NotFoundError extends ApiError {
  override readonly name = 'NotFoundError'
  constructor (path: string, known: readonly string[]) {
    super(404, 'NOT_FOUND', `no route ${JSON.stringify(path)}; try ${known.join(', ')}`)
  }
}

export class MethodNotAllowedError extends ApiError {
  override readonly name = 'MethodNotAllowedError'
  constructor (method: string, readonly allowed: readonly string[]) {
    super(405, 'METHOD_NOT_ALLOWED', `method ${method} not allowed; use ${allowed.join(' or ')}`)
  }
}

/** The node could not produce its status (e.g. still starting): 503, the client may retry. */
export class StatusUnavailableError extends ApiError {
  override readonly name = 'StatusUnavailableError'
  constructor (message: string) { super(503, 'STATUS_UNAVAILABLE', message) }
}

/** A request id, transaction or file this node does not know. */
export class NotFoundItemError extends ApiError {
  override readonly name = 'NotFoundItemError'
  constructor (what: string) { super(404, 'NOT_FOUND', `${what} is not known to this node`) }
}

/** The chain RPC failed a view or a relay: 502, the client may retry. The RPC's text is not passed on. */
export class UpstreamError extends ApiError {
  override readonly name = 'UpstreamError'
  constructor (what: string) { super(502, 'UPSTREAM_FAILED', `${what} failed at the chain RPC; retry shortly`) }
}

/** A part of the API this node was started without (no explorer, dashboard not built): 503. */
export class UnavailableError extends ApiError {
  override readonly name = 'UnavailableError'
  constructor (message: string) { super(503, 'UNAVAILABLE', message) }
}

/** Writes any error as JSON. Never throws; never reveals the message of an unexpected error. */
export function sendError (res: ServerResponse, err: unknown): void {
  const api = err instanceof ApiError ? err : new ApiError(500, 'INTERNAL', 'internal error')
  if (res.headersSent) {
    res.destroy()
    return
  }
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
  if (api instanceof MethodNotAllowedError) headers.allow = api.allowed.join(', ')
  res.writeHead(api.status, headers)
  res.end(JSON.stringify({ error: { code: api.code, message: api.message } }))
}
