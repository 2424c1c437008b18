/** Reads a running node's /status (used by `outlayer status`, sim/ and tests). */
import type { NodeStatus } from './types.js'
import { CodedError } from '../errors.js'

export type StatusClientErrorCode = 'UNREACHABLE' | 'TIMEOUT' | 'HTTP_ERROR' | 'BAD_RESPONSE'

export class StatusClientError extends CodedError<StatusClientErrorCode> { override readonly name = 'StatusClientError' }

export interface FetchStatusOptions {
  /** default 5000 */
  timeoutMs?: number
  signal?: AbortSignal
}

/** GET <baseUrl>/status. Throws StatusClientError with a message that says what to check. */
export async function fetchStatus (baseUrl: string, { timeoutMs = 5000, signal }: FetchStatusOptions = {}): Promise<NodeStatus> {
  const url = new URL('/status', baseUrl).href
  const timeout = AbortSignal.timeout(timeoutMs)
  let res: Response
  try {
    res = await fetch(url, { signal: signal != null ? AbortSignal.any([signal, timeout]) : timeout, headers: { accept: 'application/json' } })
  } catch (err) {
    if (timeout.aborted) throw new StatusClientError('TIMEOUT', `no answer from ${url} within ${timeoutMs} ms`)
    if (signal?.aborted === true) throw err
    throw new StatusClientError('UNREACHABLE', `cannot reach a node at ${baseUrl} (is "outlayer start" running?)`)
  }
  const text = await res.text()
  if (!res.ok) {
    throw new StatusClientError('HTTP_ERROR', `${url} answered ${res.status}: ${errorMessage(text) ?? res.statusText}`)
  }
  const body = parseJson(text)
  if (!isNodeStatus(body)) throw new StatusClientError('BAD_RESPONSE', `${url} did not return a node status (is that an outlayer node?)`)
  return body
}

function errorMessage (text: string): string | undefined {
  const body = parseJson(text) as { error?: { message?: unknown } } | undefined
  return typeof body?.error?.message === 'string' ? body.error.message : undefined
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Enough shape checking that the printer can trust every field it reads. */
function isNodeStatus (v: unknown): v is NodeStatus {
  const s = v as NodeStatus
  return typeof s === 'object' && s !== null &&
    typeof s.peerId === 'string' && typeof s.network === 'string' &&
    Array.isArray(s.roles) && Array.isArray(s.peers) && Array.isArray(s.leases) && Array.isArray(s.jobs) &&
    typeof s.chain === 'object' && s.chain !== null && (s.chain.height === null || typeof s.chain.height === 'number')
}
