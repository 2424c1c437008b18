/**
 * The HTTP a request itself may grant its program (issue 13 §2): `params.http`, read by every replica from the
 * same on-chain request, so each derives the same policy (the executor adds the hosts to the program's manifest
 * allowlist and takes the caps only ever lower: sandbox/exec/http/policy.ts). The defaults and the hostname rule
 * live here because they are consensus: a run over a cap is refused the same way on every replica.
 *
 *   params.http = { allowed_hosts: [hostname, …],            1..MAX_REQUEST_HOSTS exact names, no IP, no wildcard
 *                   allow_http?: bool,                         plain http:// as well as https:// (default false)
 *                   max_requests?, max_request_body_bytes?, max_response_body_bytes?, max_redirects?, timeout_ms? }
 *
 * A cap above its default is refused by name (not silently clamped), so the requester learns the real bound.
 */
import { fail, ok, type Result } from './errors.js'
import { array, bool, int, object, optional, str, type Check } from './validate.js'

/** The run's HTTP caps when neither the program nor the request lowers them. */
export const HTTP_DEFAULTS = {
  allowHttp: false,
  maxRequests: 16,
  maxRequestBodyBytes: 1024 * 1024,
  maxResponseBodyBytes: 4 * 1024 * 1024,
  maxRedirects: 5,
  timeoutMs: 30_000
} as const

/** hosts one request may add (the contract keeps params ≤ 1 KiB as JSON anyway) */
export const MAX_REQUEST_HOSTS = 16

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/
/** a dotted-quad (or any all-digit last label): an IPv4 literal, or a name a resolver may read as one */
const NUMERIC_TLD = /(^|\.)[0-9]+$/
/** an IPv6 literal, bracketed or not */
const IPV6 = /^\[?[0-9a-f:.]*:[0-9a-f:.]*\]?$/

/** An exact lowercase DNS name (LDH labels); what manifests and requests may list. */
export function isHostname (host: string): boolean {
  return HOSTNAME.test(host)
}

/** What the request grants, in the executor's terms (structurally a Partial<HttpPolicy>). */
export interface RequestHttp {
  allowedHosts: string[]
  allowHttp: boolean
  maxRequests?: number
  maxRequestBodyBytes?: number
  maxResponseBodyBytes?: number
  maxRedirects?: number
  timeoutMs?: number
}

const requestHost: Check<string> = (v, path) => {
  const r = str({ min: 1, max: 253 })(v, path)
  if (!r.ok) return r
  const host = r.value.toLowerCase()
  if (host.includes('*')) return fail('INVALID', 'wildcards are not allowed: name each host exactly', path)
  if (IPV6.test(host) || NUMERIC_TLD.test(host)) return fail('INVALID', 'IP addresses are not allowed: name the host', path)
  if (!isHostname(host)) return fail('INVALID', `${JSON.stringify(r.value)} is not an exact hostname (letters, digits, hyphens, dots; no scheme, port or path)`, path)
  return ok(host)
}

const upTo = (max: number, min = 0): Check<number | undefined> => optional(int({ min, max }))

const shape = object({
  allowed_hosts: array(requestHost, { max: MAX_REQUEST_HOSTS }),
  allow_http: optional(bool),
  max_requests: upTo(HTTP_DEFAULTS.maxRequests),
  max_request_body_bytes: upTo(HTTP_DEFAULTS.maxRequestBodyBytes),
  max_response_body_bytes: upTo(HTTP_DEFAULTS.maxResponseBodyBytes),
  max_redirects: upTo(HTTP_DEFAULTS.maxRedirects),
  timeout_ms: upTo(HTTP_DEFAULTS.timeoutMs, 1)
})

/**
 * The request's `params.http`: null when absent; an error naming the field (`params.http.allowed_hosts[2]: …`),
 * the same on every replica, when malformed. Hosts come back lowercase, deduplicated and sorted.
 */
export function requestHttpOf (params: Record<string, unknown> | undefined): Result<RequestHttp | null> {
  const raw = params?.http
  if (raw === undefined || raw === null) return ok(null)
  const r = shape(raw, 'params.http')
  if (!r.ok) return r
  const p = r.value
  if (p.allowed_hosts.length === 0) return fail('INVALID', 'must name at least one host', 'params.http.allowed_hosts')
  const caps = {
    maxRequests: p.max_requests,
    maxRequestBodyBytes: p.max_request_body_bytes,
    maxResponseBodyBytes: p.max_response_body_bytes,
    maxRedirects: p.max_redirects,
    timeoutMs: p.timeout_ms
  }
  const set = Object.fromEntries(Object.entries(caps).filter(([, v]) => v !== undefined))
  return ok({ allowedHosts: [...new Set(p.allowed_hosts)].sort(), allowHttp: p.allow_http === true, ...set })
}
