/** Synchronous NEAR queries for a guest over a sync channel (../sync-channel.ts), performed with the node's provider. */
import { callSync, openSyncChannel, type SyncChannel } from '../sync-channel.js'
import type { NearAnswer, NearQuery, NearRpcProvider } from './query.js'

export function querySync (channel: SyncChannel, query: NearQuery): NearAnswer {
  return callSync<NearQuery, NearAnswer>(channel, query) ?? { kind: 'local_failure', message: 'no reply from the NEAR provider' }
}

export function openNearChannel (provider: NearRpcProvider, blockHeight: number): { channel: SyncChannel, close: () => void } {
  return openSyncChannel<NearQuery, NearAnswer>(async query => await provider.query(query, blockHeight)
    .catch((err: unknown): NearAnswer => ({ kind: 'local_failure', message: String(err) })))
}
