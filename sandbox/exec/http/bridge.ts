/** Synchronous HTTP for a guest over a sync channel (../sync-channel.ts), performed with the node's fetcher. */
import { callSync, openSyncChannel, type SyncChannel } from '../sync-channel.js'
import type { HttpExchange, HttpFetcher, HttpRequestSpec } from './exchange.js'
import type { HttpPolicy } from './policy.js'

export type HttpChannel = SyncChannel

export function requestSync (channel: HttpChannel, spec: HttpRequestSpec): HttpExchange {
  return callSync<HttpRequestSpec, HttpExchange>(channel, spec) ??
    { outcome: { kind: 'local_failure', timeout: false, message: 'no reply from the fetcher' }, hops: [] }
}

/** The pool's end: serves one job's requests until closed. */
export function openHttpChannel (fetcher: HttpFetcher, policy: HttpPolicy): { channel: HttpChannel, close: () => void } {
  return openSyncChannel<HttpRequestSpec, HttpExchange>(async spec => await fetcher.fetch(spec, policy)
    .catch((err: unknown): HttpExchange => ({ outcome: { kind: 'local_failure', timeout: false, message: String(err) }, hops: [] })))
}
