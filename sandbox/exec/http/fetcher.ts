/**
 * The node-side HTTP fetcher: node:http/https with the connection pinned to the address the guard checked (no
 * second DNS answer), redirects followed by hand and every hop checked again (scheme, allowlist, guard), the
 * response body capped while it streams, one wall-clock cap over the whole exchange. A refusal is deterministic
 * and reaches the guest; a network failure or the time cap is a local failure.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { sha256Hex } from '../../../protocol/hash.js'
import { headerNames, type HttpTranscriptEntry } from '../../../protocol/transcript.js'
import { pinnedLookup, type CheckedAddress } from '../../net/index.js'
import { checkAddress as defaultCheckAddress, type CheckAddress } from './address-guard.js'
import { RESPONSE_HEADER_LIMITS, checkTarget, type HttpExchange, type HttpFetcher, type HttpOutcome, type HttpRequestSpec } from './exchange.js'
import type { HttpPolicy } from './policy.js'

export interface HttpFetcherInit {
  /** the SSRF guard; default ./address-guard.ts (sandbox/net's) */
  checkAddress?: CheckAddress
  /** TEST ONLY: lets the guard pass loopback so tests reach servers on 127.0.0.1. Never set in a node. */
  allowLoopbackForTests?: boolean
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
/** headers the guest may not set: the host decides them */
const HOST_SET = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'keep-alive', 'proxy-authorization', 'te', 'trailer'])

const CREDENTIALS = new Set(['authorization', 'cookie', 'proxy-authorization'])

class TooLarge extends Error {}
class HeadersTooLarge extends Error {}
/** node:http's parser error for a header section over maxHeaderSize */
const isHeaderOverflow = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 'HPE_HEADER_OVERFLOW'

interface Hop { status: number, headers: Array<[string, string]>, body: Uint8Array, location: string | null }

function sendOnce (url: URL, address: CheckedAddress, spec: HttpRequestSpec, policy: HttpPolicy, signal: AbortSignal): Promise<Hop> {
  const lookup = pinnedLookup(address)
  const headers: Record<string, string> = { 'accept-encoding': 'identity' }
  for (const [name, value] of spec.headers) if (!HOST_SET.has(name.toLowerCase())) headers[name.toLowerCase()] = value
  if (spec.body.length > 0) headers['content-length'] = String(spec.body.length)
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const options = { method: spec.method, headers, lookup, signal, servername: url.hostname, agent: false, maxHeaderSize: RESPONSE_HEADER_LIMITS.sectionBytes }
    const req = send(url, options, (res: IncomingMessage) => {
      res.on('error', reject)
      if (res.rawHeaders.length / 2 > RESPONSE_HEADER_LIMITS.count) { res.destroy(new HeadersTooLarge()); return }
      const chunks: Buffer[] = []
      let size = 0
      const isRedirect = REDIRECTS.has(res.statusCode ?? 0)
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > policy.maxResponseBodyBytes) { res.destroy(new TooLarge()); return }
        if (!isRedirect) chunks.push(chunk)
      })
      res.on('end', () => {
        const list: Array<[string, string]> = []
        for (let i = 0; i < res.rawHeaders.length; i += 2) list.push([res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string])
        resolve({ status: res.statusCode ?? 0, headers: list, body: new Uint8Array(Buffer.concat(chunks)), location: isRedirect ? res.headers.location ?? null : null })
      })
    })
    req.on('error', err => { reject(isHeaderOverflow(err) ? new HeadersTooLarge() : err) })
    // 0: no silent truncation at node's default of 2000; the count is refused above instead
    req.maxHeadersCount = 0
    req.end(Buffer.from(spec.body))
  })
}

/** the redirect target, or undefined when the server's Location is not a URL */
function resolveLocation (location: string, base: URL): string | undefined {
  try {
    return new URL(location, base).toString()
  } catch {
    return undefined
  }
}

function entry (spec: HttpRequestSpec, url: string, response: HttpTranscriptEntry['response']): HttpTranscriptEntry {
  return {
    kind: 'http',
    request: { method: spec.method, url, header_names: headerNames(spec.headers.map(([n]) => n)), body_sha256: sha256Hex(spec.body) },
    response
  }
}

export function createHttpFetcher (init: HttpFetcherInit = {}): HttpFetcher {
  const guard = init.checkAddress ?? defaultCheckAddress
  const guardOptions = { allowLoopbackForTests: init.allowLoopbackForTests === true }
  return {
    async fetch (first, policy): Promise<HttpExchange> {
      const hops: HttpTranscriptEntry[] = []
      const refused = (spec: HttpRequestSpec, url: string, error: Extract<HttpOutcome, { kind: 'refused' }>['error'], detail: string): HttpExchange => {
        hops.push(entry(spec, url, { error }))
        return { outcome: { kind: 'refused', error, detail }, hops }
      }
      const controller = new AbortController()
      const timer = setTimeout(() => { controller.abort() }, policy.timeoutMs)
      let spec = first
      try {
        for (let redirects = 0; ; redirects++) {
          const target = checkTarget(spec.url, policy)
          if (!target.ok) return refused(spec, spec.url, target.error, target.detail)
          const address = await guard(target.url.hostname, guardOptions)
          if (!address.ok) {
            if (address.reason === 'blocked_address') return refused(spec, spec.url, 'destination-IP-prohibited', address.detail)
            return { outcome: { kind: 'local_failure', timeout: false, message: `DNS: ${address.detail}` }, hops }
          }
          let hop: Hop
          try {
            hop = await sendOnce(target.url, address, spec, policy, controller.signal)
          } catch (err) {
            if (err instanceof TooLarge) return refused(spec, spec.url, 'HTTP-response-body-size', `over ${policy.maxResponseBodyBytes} bytes`)
            if (err instanceof HeadersTooLarge) return refused(spec, spec.url, 'HTTP-response-header-section-size', `over ${RESPONSE_HEADER_LIMITS.count} headers or ${RESPONSE_HEADER_LIMITS.sectionBytes} bytes`)
            if (controller.signal.aborted) return { outcome: { kind: 'local_failure', timeout: true, message: `no answer within ${policy.timeoutMs} ms` }, hops }
            return { outcome: { kind: 'local_failure', timeout: false, message: err instanceof Error ? err.message : String(err) }, hops }
          }
          hops.push(entry(spec, spec.url, { status: hop.status, header_names: headerNames(hop.headers.map(([n]) => n)), body_sha256: sha256Hex(hop.body) }))
          if (hop.location == null) return { outcome: { kind: 'response', status: hop.status, headers: hop.headers, body: hop.body }, hops }
          if (redirects >= policy.maxRedirects) return { outcome: { kind: 'refused', error: 'loop-detected', detail: `more than ${policy.maxRedirects} redirects` }, hops }
          const next = resolveLocation(hop.location, target.url)
          if (next == null) return refused(spec, hop.location.slice(0, 2048), 'HTTP-request-URI-invalid', 'the redirect\'s Location is not a URL')
          // 303, and 301/302 after a POST, continue as GET without a body (what browsers and fetch do)
          const asGet = hop.status === 303 || ((hop.status === 301 || hop.status === 302) && spec.method === 'POST')
          // credentials follow a redirect only within its origin (not to another host or port, nor https → http)
          const sameOrigin = new URL(next).origin === target.url.origin
          const headers = sameOrigin ? spec.headers : spec.headers.filter(([n]) => !CREDENTIALS.has(n.toLowerCase()))
          spec = asGet ? { method: 'GET', url: next, headers, body: new Uint8Array(0) } : { ...spec, url: next, headers }
        }
      } finally {
        clearTimeout(timer)
      }
    }
  }
}
