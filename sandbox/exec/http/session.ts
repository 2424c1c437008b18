/**
 * One run's HTTP, on the guest's side: the deterministic checks (policy present, request count, body size, target
 * allowed) before anything leaves the worker, fuel charged per request and per byte, and the transcript.
 */
import { sha256Hex } from '../../../protocol/hash.js'
import { headerNames, type TranscriptEntry } from '../../../protocol/transcript.js'
import { LocalFailure } from '../wasi/signals.js'
import { requestSync, type HttpChannel } from './bridge.js'
import { checkRequestShape, checkTarget, type HttpOutcome, type HttpRefusal, type HttpRequestSpec } from './exchange.js'
import { HTTP_FUEL, type HttpPolicy } from './policy.js'

export interface HttpAccess {
  policy: HttpPolicy
  /** null when the policy allows no host: every request is refused without leaving the worker */
  channel: HttpChannel | null
}

export type GuestHttpResult =
  | Extract<HttpOutcome, { kind: 'response' }>
  | { kind: 'refused', error: HttpRefusal, detail: string }

export class HttpSession {
  readonly transcript: TranscriptEntry[] = []
  private requests = 0

  /** `charge` takes fuel from the guest's budget (the next metered instruction traps if it went below zero) */
  constructor (private readonly access: HttpAccess | null, private readonly charge: (fuel: bigint) => void) {}

  /** Throws LocalFailure when this machine could not get an answer. */
  fetch (spec: HttpRequestSpec): GuestHttpResult {
    this.charge(HTTP_FUEL.perRequest + HTTP_FUEL.perByte * BigInt(spec.body.length))
    const refuse = (error: HttpRefusal, detail: string): GuestHttpResult => {
      this.transcript.push({
        kind: 'http',
        request: { method: spec.method, url: spec.url, header_names: headerNames(spec.headers.map(([n]) => n)), body_sha256: sha256Hex(spec.body) },
        response: { error }
      })
      return { kind: 'refused', error, detail }
    }
    const access = this.access
    if (access == null) return refuse('HTTP-request-denied', 'this run may make no HTTP requests')
    if (this.requests >= access.policy.maxRequests) return refuse('HTTP-request-denied', `more than ${access.policy.maxRequests} requests`)
    this.requests++
    if (spec.body.length > access.policy.maxRequestBodyBytes) return refuse('HTTP-request-body-size', `over ${access.policy.maxRequestBodyBytes} bytes`)
    const shape = checkRequestShape(spec)
    if (!shape.ok) return refuse(shape.error, shape.detail)
    const target = checkTarget(spec.url, access.policy)
    if (!target.ok) return refuse(target.error, target.detail)
    if (access.channel == null) return refuse('HTTP-request-denied', 'no fetcher')
    const { outcome, hops } = requestSync(access.channel, spec)
    if (outcome.kind === 'local_failure') throw new LocalFailure(outcome.timeout ? 'timeout' : 'host_error', outcome.message)
    this.transcript.push(...hops)
    if (outcome.kind === 'response') this.charge(HTTP_FUEL.perByte * BigInt(outcome.body.length))
    return outcome
  }
}
