/** The shapes one HTTP exchange takes between the guest side (session.ts) and the fetcher (fetcher.ts). */
import type { HttpTranscriptEntry } from '../../../protocol/transcript.js'
import type { HttpPolicy } from './policy.js'

export interface HttpRequestSpec {
  method: string
  url: string
  headers: Array<[name: string, value: string]>
  body: Uint8Array
}

/** wasi:http error-code tags the guest may see; each is decided the same way on every replica */
export type HttpRefusal =
  | 'HTTP-request-denied'
  | 'destination-IP-prohibited'
  | 'HTTP-request-body-size'
  | 'HTTP-response-body-size'
  | 'HTTP-response-header-section-size'
  | 'HTTP-request-URI-invalid'
  | 'HTTP-request-method-invalid'
  | 'HTTP-request-header-section-size'
  | 'loop-detected'
  /** consensus-on-responses found no agreement (http/consensus.ts) */
  | 'internal-error'

export type HttpOutcome =
  | { kind: 'response', status: number, headers: Array<[name: string, value: string]>, body: Uint8Array }
  | { kind: 'refused', error: HttpRefusal, detail: string }
  /** this machine could not get an answer (DNS, connection, TLS, time): the run is a local failure, never attested */
  | { kind: 'local_failure', timeout: boolean, message: string }

export interface HttpExchange {
  outcome: HttpOutcome
  /** one transcript entry per hop (redirects included) */
  hops: HttpTranscriptEntry[]
}

/** Performs one exchange under a policy. Supplied by the node (ExecutorInit.http.fetcher); never rejects. */
export interface HttpFetcher {
  fetch: (spec: HttpRequestSpec, policy: HttpPolicy) => Promise<HttpExchange>
}

/** RFC 9110 methods a guest may send (CONNECT and TRACE are not a program's business) */
const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'])
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** an RFC 9110 token: what a header name must be */
export const isHeaderName = (name: string): boolean => TOKEN.test(name)
/** RFC 9110 field-value octets, one char per octet (no CR, LF, NUL or other controls): what node:http sends */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/
export const HEADER_LIMITS = { count: 64, sectionBytes: 16 * 1024 } as const
/**
 * A server's header section: fixed here, not by the host's `--max-http-header-size` (node's default is also 16 KiB),
 * so every replica refuses the same response; more headers than `count` are refused, never silently truncated.
 */
export const RESPONSE_HEADER_LIMITS = { count: 256, sectionBytes: 16 * 1024 } as const

type Checked<T> = { ok: true } & T | { ok: false, error: HttpRefusal, detail: string }

/**
 * The deterministic shape of a request: a method, header names and values node:http would send, and a bounded
 * header section. Without it node:http throws on the bad ones, a local failure on every replica: the request
 * could never resolve, however honest its workers.
 */
export function checkRequestShape (spec: Pick<HttpRequestSpec, 'method' | 'headers'>): Checked<object> {
  if (!METHODS.has(spec.method)) return { ok: false, error: 'HTTP-request-method-invalid', detail: `method ${JSON.stringify(spec.method.slice(0, 32))} is not one of ${[...METHODS].join(', ')}` }
  if (spec.headers.length > HEADER_LIMITS.count) return { ok: false, error: 'HTTP-request-header-section-size', detail: `more than ${HEADER_LIMITS.count} headers` }
  let bytes = 0
  for (const [name, value] of spec.headers) {
    if (!isHeaderName(name)) return { ok: false, error: 'HTTP-request-denied', detail: `header name ${JSON.stringify(name.slice(0, 64))} is not a token` }
    if (!FIELD_VALUE.test(value)) return { ok: false, error: 'HTTP-request-denied', detail: `header ${name}: the value has a control character or a char above U+00FF` }
    bytes += name.length + value.length + 4
  }
  if (bytes > HEADER_LIMITS.sectionBytes) return { ok: false, error: 'HTTP-request-header-section-size', detail: `headers over ${HEADER_LIMITS.sectionBytes} bytes` }
  return { ok: true }
}

/** The deterministic part of the policy for one URL: well-formed, scheme allowed, host on the allowlist. */
export function checkTarget (url: string, policy: HttpPolicy): Checked<{ url: URL }> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { ok: false, error: 'HTTP-request-URI-invalid', detail: 'not a URL' }
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && policy.allowHttp)) {
    return { ok: false, error: 'HTTP-request-denied', detail: `scheme ${parsed.protocol} not allowed` }
  }
  if (parsed.username !== '' || parsed.password !== '') return { ok: false, error: 'HTTP-request-URI-invalid', detail: 'credentials in the URL' }
  if (!policy.allowedHosts.includes(parsed.hostname.toLowerCase())) {
    return { ok: false, error: 'HTTP-request-denied', detail: `host ${parsed.hostname} is not on the allowlist` }
  }
  return { ok: true, url: parsed }
}
