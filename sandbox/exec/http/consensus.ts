/**
 * The executor side of consensus-on-responses. The guest already waits (bridge.ts) while the fetcher works, so
 * a fetcher that publishes this replica's copy of each response and resolves only once the replicas agreed
 * (protocol/aggregation.ts `agreeOnResponse`) pauses the run until the agreed response is supplied. Every
 * replica then continues with the same status, body and content-type (other headers, e.g. Date, are dropped so
 * the guest's view is identical), and its transcript records the agreed body, so outputs and transcripts match.
 * No agreement is a deterministic refusal (`internal-error`) the guest sees and the result attests.
 */
import { sha256Hex } from '../../../protocol/hash.js'
import type { HttpTranscriptEntry } from '../../../protocol/transcript.js'
import type { HttpExchange, HttpFetcher } from './exchange.js'

export interface AgreedResponse { status: number, contentType: string | null, body: Uint8Array }

/** Supplied by the node: exchanges this replica's copy over gossip and resolves with the agreed one. */
export interface ResponseAgreement {
  agree: (call: { index: number, method: string, url: string, own: AgreedResponse }) => Promise<{ ok: true, agreed: AgreedResponse } | { ok: false, detail: string }>
}

export function consensusFetcher (inner: HttpFetcher, agreement: ResponseAgreement): HttpFetcher {
  let index = 0
  return {
    async fetch (spec, policy): Promise<HttpExchange> {
      const exchange = await inner.fetch(spec, policy)
      const { outcome } = exchange
      if (outcome.kind !== 'response') return exchange
      const contentType = outcome.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? null
      const result = await agreement.agree({ index: index++, method: spec.method, url: spec.url, own: { status: outcome.status, contentType, body: outcome.body } })
      const hops = exchange.hops.slice(0, -1)
      const last = exchange.hops[exchange.hops.length - 1] as HttpTranscriptEntry
      if (!result.ok) {
        return { outcome: { kind: 'refused', error: 'internal-error', detail: `no agreement: ${result.detail}` }, hops: [...hops, { ...last, response: { error: 'internal-error' } }] }
      }
      const { agreed } = result
      const headers: Array<[string, string]> = agreed.contentType == null ? [] : [['content-type', agreed.contentType]]
      return {
        outcome: { kind: 'response', status: agreed.status, headers, body: agreed.body },
        hops: [...hops, { ...last, response: { status: agreed.status, header_names: headers.map(([n]) => n), body_sha256: sha256Hex(agreed.body) } }]
      }
    }
  }
}
