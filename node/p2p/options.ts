/** Options of the p2p layer and their defaults. The CLI imports these defaults; nothing else hard-codes them. */
import { ENVELOPE_LIMITS } from '../../protocol/index.js'

export interface TransferLimits {
  /** the largest wasm this node serves or fetches unless a fetch asks for less. @default 64 MiB */
  maxBytes: number
  /** per-peer requests served per window. @default 30 */
  requestsPerWindow: number
  /** per-peer bytes served per window. @default 256 MiB */
  bytesPerWindow: number
  /** @default 60 s */
  windowMs: number
  /** one transfer (either side) gives up after this long. @default 30 s */
  timeoutMs: number
  /** concurrent inbound transfer streams per connection. @default 4 */
  maxInboundStreams: number
  /** a whole fetchWasm (every provider, the DHT look-up) gives up after this long. @default 60 s */
  fetchDeadlineMs: number
  /** providers asked at once by one fetchWasm. @default 3 */
  fetchParallel: number
  /** providers tried at most by one fetchWasm. @default 8 */
  maxProvidersTried: number
}

export const DEFAULT_TRANSFER_LIMITS: TransferLimits = {
  maxBytes: 64 * 1024 * 1024,
  requestsPerWindow: 30,
  bytesPerWindow: 256 * 1024 * 1024,
  windowMs: 60_000,
  timeoutMs: 30_000,
  maxInboundStreams: 4,
  fetchDeadlineMs: 60_000,
  fetchParallel: 3,
  maxProvidersTried: 8
}

export interface GossipLimits {
  /** the largest envelope accepted. @default ENVELOPE_LIMITS.maxBytes (256 KiB) */
  maxEnvelopeBytes: number
  /** envelopes further than this from now are refused. @default ENVELOPE_LIMITS.freshnessMs (5 min) */
  freshnessMs: number
  /** gossipsub heartbeat. @default 1000 ms; tests use ~100 ms so meshes form quickly */
  heartbeatMs: number
}

export const DEFAULT_GOSSIP_LIMITS: GossipLimits = {
  maxEnvelopeBytes: ENVELOPE_LIMITS.maxBytes,
  freshnessMs: ENVELOPE_LIMITS.freshnessMs,
  heartbeatMs: 1000
}

export const DEFAULT_LISTEN = ['/ip4/127.0.0.1/tcp/0']

/** DHT queries (record get/put, providers) give up after this long. */
export const DEFAULT_DHT_TIMEOUT_MS = 15_000
