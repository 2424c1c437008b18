/**
 * Which outside HTTP a run may make, and how much. The allowlist is exact hostnames (no wildcards, no ports
 * implied): the union of what the program declares in its manifest (manifest.ts, covered by the wasm hash) and
 * what the request adds. Every cap is consensus: a request over one is refused the same way on every replica.
 * The defaults and the hostname rule are protocol/http-params.ts (a request's `params.http` is checked there).
 */
import { HTTP_DEFAULTS, isHostname } from '../../../protocol/http-params.js'

export { HTTP_DEFAULTS, isHostname }

export interface HttpPolicy {
  /** exact hostnames, lowercase */
  allowedHosts: string[]
  /** plain http:// allowed (default false: https only) */
  allowHttp: boolean
  maxRequests: number
  maxRequestBodyBytes: number
  maxResponseBodyBytes: number
  maxRedirects: number
  /** wall-clock cap per request; over it the whole run is a local failure (`timeout`), never a result */
  timeoutMs: number
}

/** Consensus: the fuel an exchange costs, so outside I/O is paid for in the attested fuel_used. */
export const HTTP_FUEL = {
  perRequest: 1_000_000n,
  /** per byte of request body and of response body */
  perByte: 16n
} as const

export type PolicyResult = { ok: true, policy: HttpPolicy } | { ok: false, error: string }

/** The run's policy: manifest hosts ∪ request hosts, request caps only ever lower than the defaults. */
export function makePolicy (manifestHosts: readonly string[], request: Partial<HttpPolicy> = {}): PolicyResult {
  const hosts = [...manifestHosts, ...(request.allowedHosts ?? [])].map(h => h.toLowerCase())
  const bad = hosts.find(h => !isHostname(h))
  if (bad != null) return { ok: false, error: `not an exact hostname: ${JSON.stringify(bad)}` }
  const capped = (key: 'maxRequests' | 'maxRequestBodyBytes' | 'maxResponseBodyBytes' | 'maxRedirects' | 'timeoutMs'): number => {
    const asked = request[key]
    if (asked == null) return HTTP_DEFAULTS[key]
    return Number.isInteger(asked) && asked >= 0 ? Math.min(asked, HTTP_DEFAULTS[key]) : HTTP_DEFAULTS[key]
  }
  return {
    ok: true,
    policy: {
      allowedHosts: [...new Set(hosts)].sort(),
      allowHttp: request.allowHttp === true,
      maxRequests: capped('maxRequests'),
      maxRequestBodyBytes: capped('maxRequestBodyBytes'),
      maxResponseBodyBytes: capped('maxResponseBodyBytes'),
      maxRedirects: capped('maxRedirects'),
      timeoutMs: capped('timeoutMs')
    }
  }
}
