/** The shapes one HTTP exchange takes between the guest side (session.ts) and the fetcher (fetcher.ts). */
import type { TranscriptEntry } from '../../../protocol/transcript.js'
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
  | 'HTTP-request-URI-invalid'
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
  hops: TranscriptEntry[]
}

/** Performs one exchange under a policy. Supplied by the node (ExecutorInit.http.fetcher); never rejects. */
export interface HttpFetcher {
  fetch: (spec: HttpRequestSpec, policy: HttpPolicy) => Promise<HttpExchange>
}

/** The deterministic part of the policy for one URL: well-formed, scheme allowed, host on the allowlist. */
export function checkTarget (url: string, policy: HttpPolicy): { ok: true, url: URL } | { ok: false, error: HttpRefusal, detail: string } {
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
