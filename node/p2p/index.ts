/**
 * node/p2p: the libp2p mesh. Gossip of signed envelopes on three topics, build records and wasm providers in
 * kad-dht, and wasm transfer between peers. Other folders import this file only.
 *
 *   const node = await createMeshNode({ network: 'localnet', signingKey, bootstrap: [addr] })
 *   node.on('task', (payload, envelope, from) => { ... })
 *   await node.publish('task', { contract_id, request_id, block_height })
 *   await node.stop()
 */
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import type { BuildAttestation, Envelope, GossipTopicName, KeyPair, MessageType, PayloadOf } from '../../protocol/index.js'
import type { Metrics } from '../metrics.js'
import type { MeshLogger } from './logger.js'
import { MeshNodeImpl } from './mesh-node.js'
import type { Libp2pStack } from './libp2p.js'
import type { GossipLimits, TransferLimits } from './options.js'
import type { MeshStats } from './stats.js'
import type { ArtifactSource } from './transfer/server.js'
import type { EnvelopeHandler } from './gossip.js'
import type { IsRegisteredKey } from './dht/build-record.js'
import type { GossipLookupGuard, LookupGuardInit } from './rate/lookup-guard.js'
import type { LookUpRequest } from './validation/hints.js'

export interface MeshNodeInit {
  /** network name in every wire id: topics `/outlayer/<network>/...`, DHT `/outlayer/<network>/kad/1.0.0` */
  network: string
  /** libp2p identity (peer id); a fresh Ed25519 key when omitted. Build one with @libp2p/crypto `generateKeyPair('Ed25519')`. */
  privateKey?: PrivateKey
  /** the node's ed25519 identity that signs envelopes (protocol/keys.ts) */
  signingKey: KeyPair
  /** @default ['/ip4/127.0.0.1/tcp/0'] */
  listen?: string[]
  /** multiaddrs with /p2p/<peer id>, dialled on start and redialled by the bootstrap service */
  bootstrap?: string[]
  metrics?: Metrics
  logger?: MeshLogger
  /** where served wasm comes from (the local artifact store); without it this node serves nothing */
  artifactSource?: ArtifactSource
  transferLimits?: Partial<TransferLimits>
  /** envelope size cap, freshness window, gossipsub heartbeat (tests: `{ heartbeatMs: 100 }`) */
  gossip?: Partial<GossipLimits>
  /** DHT queries give up after this long. @default 15 s */
  dhtTimeoutMs?: number
  /**
   * True for the `ed25519:` keys of workers registered on chain (a cached set the node refreshes from the
   * chain; p2p never imports the chain). Build records count only these builders; task and attestation
   * envelopes are accepted only from these senders. @default every key (tests and tools without a chain)
   */
  isRegisteredKey?: IsRegisteredKey
  /**
   * Does the request a task or attestation hint names exist (an RPC, e.g. `get_request` on this node's
   * contract)? With it, every such hint is checked before it is accepted or forwarded, through `lookupGuard`
   * (rate limits, negative cache, id window, miss budget). @default no check (every valid hint is accepted)
   */
  lookUpRequest?: LookUpRequest
  /** limits of `lookupGuard` @default rate/lookup-guard.ts DEFAULT_LOOKUP_GUARD */
  lookupGuard?: Omit<LookupGuardInit, 'onMisbehaving'>
  /** how long a peer banned for flooding is refused @default 10 min */
  banMs?: number
  /** start right away, like createLibp2p. @default true */
  start?: boolean
  /** transports, encrypters, muxers instead of tcp + noise + yamux (sim/ and tests only) */
  stack?: Libp2pStack
}

export interface FetchWasmOptions {
  /** refuse anything larger. @default transferLimits.maxBytes */
  maxBytes?: number
  /** peer ids to try before (or instead of) asking the DHT, e.g. the `peer_id` of a build gossip message */
  providers?: string[]
  /** the whole fetch gives up after this long @default transferLimits.fetchDeadlineMs (60 s) */
  deadlineMs?: number
  signal?: AbortSignal
}

export interface MeshNode {
  /** libp2p peer id (base58 `12D3Koo...`) */
  readonly peerId: string
  /** `ed25519:` public key that signs this node's envelopes */
  readonly sender: string
  /** listen addresses with /p2p/<peer id>, usable as someone else's bootstrap */
  multiaddrs: () => string[]
  /** idempotent; a failed start stops whatever had started */
  start: () => Promise<void>
  /** idempotent */
  stop: () => Promise<void>
  /** dial a peer by multiaddr (with /p2p/) */
  dial: (multiaddr: string, options?: { signal?: AbortSignal }) => Promise<void>
  /** sign and gossip; resolves with how many peers it was sent to; MeshError BAD_INPUT/TOO_LARGE before sending */
  publish: <T extends MessageType>(type: T, payload: PayloadOf<T>) => Promise<number>
  /** only validated envelopes; returns an unsubscribe function */
  on: <T extends MessageType>(type: T, handler: EnvelopeHandler<T>) => () => void
  /** merges the attestation (verified first) into `/outlayer-build/<build_key>`; returns how many peers stored it */
  putBuildRecord: (attestation: BuildAttestation, options?: { signal?: AbortSignal }) => Promise<number>
  /** every verified attestation the network holds for the build key (one per builder); [] when none */
  findBuildRecords: (buildKey: string, options?: { signal?: AbortSignal }) => Promise<BuildAttestation[]>
  /** announce that this node serves the wasm (its artifactSource must return it) */
  provideWasm: (wasmHash: string, options?: { signal?: AbortSignal }) => Promise<void>
  /** peer ids of other providers of the wasm */
  findWasmProviders: (wasmHash: string, options?: { signal?: AbortSignal }) => Promise<string[]>
  /**
   * fetch from providers, `fetchParallel` at once (hints, then the DHT; registered builders' peers first), at
   * most `maxProvidersTried`, within `deadlineMs`; sha256-verified; WasmFetchError NO_PROVIDERS, TIMEOUT or the
   * providers' common failure code
   */
  fetchWasm: (wasmHash: string, options?: FetchWasmOptions) => Promise<Uint8Array>
  /** connected peer ids */
  peers: () => string[]
  /** peers subscribed to one of our topics, as this node sees them */
  topicPeers: (topic: GossipTopicName) => string[]
  /** gossipsub score of a peer (negative after it sent invalid messages) */
  peerScore: (peerId: string) => number
  getStats: () => MeshStats
  /**
   * The guard in front of every gossip-triggered RPC. Roles that look something up because of gossip call
   * `admit(from, requestId)` first; the chain watcher calls `seen(requestId)` for every request it sees, which
   * moves the id window and clears a stale miss.
   */
  readonly lookupGuard: GossipLookupGuard
  /** disconnect a peer and refuse it for banMs */
  ban: (peerId: string, reason: string) => void
  /**
   * The raw libp2p, for units with their own stream protocol (the keystore role: handle/unhandle its protocol,
   * dialProtocol to keystore members). Nothing else of libp2p is meant to be used from outside p2p/.
   */
  readonly libp2p: MeshStreams
}

/** The part of libp2p that MeshNode lends to units with their own stream protocol. */
export type MeshStreams = Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol' | 'peerId'>

export async function createMeshNode (init: MeshNodeInit): Promise<MeshNode> {
  const node = await MeshNodeImpl.create(init)
  if (init.start !== false) await node.start()
  return node
}

export type { Envelope, EnvelopeHandler }
export type { ArtifactSource } from './transfer/server.js'
export type { MeshStats, TopicStats } from './stats.js'
export type { Libp2pStack } from './libp2p.js'
export type { MeshLogger } from './logger.js'
export { DEFAULT_TRANSFER_LIMITS, DEFAULT_GOSSIP_LIMITS, DEFAULT_LISTEN, type TransferLimits, type GossipLimits } from './options.js'
export { MeshError, WasmFetchError, GossipValidationError, type MeshErrorCode, type GossipValidationCode, type GossipAction } from './errors.js'
export { wasmCid } from './dht/records.js'
export { GossipLookupGuard, DEFAULT_LOOKUP_GUARD, TokenBucket, type Admission, type LookupGuardInit, type LookupRefusal } from './rate/index.js'
export type { LookUpRequest } from './validation/hints.js'
export { ANY_KEY, trustedWasmHash, type IsRegisteredKey, type TrustedWasm } from './dht/build-record.js'
