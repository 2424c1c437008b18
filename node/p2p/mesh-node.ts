/**
 * The MeshNode: one libp2p node plus our gossip router, DHT records and wasm transfer, wired in order and torn
 * down in reverse. Public surface and options are documented in index.ts.
 */
import type { SingleKadDHT } from '@libp2p/kad-dht'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { WASM_TRANSFER_PROTOCOL, gossipTopic, isHex, publicKeyToString, type BuildAttestation, type GossipTopicName, type MessageType, type PayloadOf } from '../../protocol/index.js'
import type { FetchWasmOptions, IsRegisteredKey, MeshNode, MeshNodeInit } from './index.js'
import { ANY_KEY, BUILD_RECORD_NAMESPACE, buildRecordSelector, validateBuildRecord } from './dht/build-record.js'
import * as records from './dht/records.js'
import { MeshError, WasmFetchError, type MeshErrorCode } from './errors.js'
import { GossipRouter, type EnvelopeHandler } from './gossip.js'
import { buildLibp2p, type MeshLibp2p } from './libp2p.js'
import { silentLogger, type MeshLogger } from './logger.js'
import { DEFAULT_DHT_TIMEOUT_MS, DEFAULT_GOSSIP_LIMITS, DEFAULT_LISTEN, DEFAULT_TRANSFER_LIMITS, type TransferLimits } from './options.js'
import { P2pCounters, type FetchOutcome, type MeshStats } from './stats.js'
import { fetchFromPeer } from './transfer/client.js'
import { raceProviders } from './transfer/provider-race.js'
import { PeerRateLimiter } from './transfer/rate-limit.js'
import { createTransferHandler } from './transfer/server.js'
import { GossipLookupGuard } from './rate/lookup-guard.js'
import { createHintCheck } from './validation/hints.js'

export class MeshNodeImpl implements MeshNode {
  readonly peerId: string
  readonly sender: string
  private readonly counters: P2pCounters
  private readonly gossip: GossipRouter
  private readonly transferLimits: TransferLimits
  private readonly log: MeshLogger
  private readonly dhtTimeoutMs: number
  private readonly isRegisteredKey: IsRegisteredKey
  readonly lookupGuard: GossipLookupGuard
  /** peer ids that serve registered builders' wasm (from build gossip): fetches try them first */
  private readonly builderPeers = new Set<string>()
  private running = false

  static async create (init: MeshNodeInit): Promise<MeshNodeImpl> {
    const gossipLimits = { ...DEFAULT_GOSSIP_LIMITS, ...init.gossip }
    const bans = new Map<string, number>()
    const isBanned = (peer: string): boolean => (bans.get(peer) ?? 0) > Date.now()
    const libp2p = await buildLibp2p({
      network: init.network,
      privateKey: init.privateKey,
      listen: init.listen ?? DEFAULT_LISTEN,
      bootstrap: init.bootstrap ?? [],
      heartbeatMs: gossipLimits.heartbeatMs,
      // an RPC frame may batch a few envelopes plus control messages
      maxRpcBytes: 4 * gossipLimits.maxEnvelopeBytes + 64 * 1024,
      dhtValidators: { [BUILD_RECORD_NAMESPACE]: validateBuildRecord },
      dhtSelectors: { [BUILD_RECORD_NAMESPACE]: buildRecordSelector(safeKeyCheck(init.isRegisteredKey ?? ANY_KEY)) },
      isBanned,
      appScore: peer => isBanned(peer) ? BANNED_SCORE : 0,
      ...(init.stack != null ? { stack: init.stack } : {})
    })
    return new MeshNodeImpl(libp2p, init, bans)
  }

  private constructor (readonly libp2p: MeshLibp2p, private readonly init: MeshNodeInit, private readonly bans: Map<string, number>) {
    this.peerId = libp2p.peerId.toString()
    this.sender = publicKeyToString(init.signingKey.publicKey)
    this.log = init.logger ?? silentLogger
    this.counters = new P2pCounters(init.metrics)
    this.transferLimits = { ...DEFAULT_TRANSFER_LIMITS, ...init.transferLimits }
    this.dhtTimeoutMs = init.dhtTimeoutMs ?? DEFAULT_DHT_TIMEOUT_MS
    this.isRegisteredKey = safeKeyCheck(init.isRegisteredKey ?? ANY_KEY)
    this.lookupGuard = new GossipLookupGuard({ ...init.lookupGuard, onMisbehaving: peer => { this.ban(peer, 'gossip hints that name no request') } })
    this.gossip = new GossipRouter({
      ...(init.isRegisteredKey != null ? { isRegisteredKey: this.isRegisteredKey } : {}),
      ...(init.lookUpRequest != null ? { checkHint: createHintCheck(this.lookupGuard, init.lookUpRequest) } : {}),
      network: init.network,
      pubsub: libp2p.services.pubsub,
      signingKey: init.signingKey,
      limits: { ...DEFAULT_GOSSIP_LIMITS, ...init.gossip },
      counters: this.counters,
      log: this.log
    })
    this.gossip.on('build', (payload) => { this.noteBuilderPeer(payload.builder, payload.peer_id) })
  }

  async start (): Promise<void> {
    if (this.running) return
    try {
      await this.libp2p.start()
      await this.libp2p.handle(WASM_TRANSFER_PROTOCOL, createTransferHandler({
        artifactSource: this.init.artifactSource,
        limits: this.transferLimits,
        limiter: new PeerRateLimiter({ windowMs: this.transferLimits.windowMs, maxRequests: this.transferLimits.requestsPerWindow, maxBytes: this.transferLimits.bytesPerWindow }),
        counters: this.counters,
        log: this.log
      }), { maxInboundStreams: this.transferLimits.maxInboundStreams })
      this.gossip.start()
      this.libp2p.addEventListener('peer:connect', this.onPeersChanged)
      this.libp2p.addEventListener('peer:disconnect', this.onPeersChanged)
      this.running = true
      this.log.info({ peerId: this.peerId, addrs: this.multiaddrs() }, 'mesh node started')
    } catch (err) {
      try { await this.libp2p.stop() } catch {}
      throw err
    }
  }

  async stop (): Promise<void> {
    if (!this.running) return
    this.running = false
    this.libp2p.removeEventListener('peer:connect', this.onPeersChanged)
    this.libp2p.removeEventListener('peer:disconnect', this.onPeersChanged)
    this.gossip.stop()
    await Promise.resolve(this.libp2p.unhandle(WASM_TRANSFER_PROTOCOL)).catch(() => {})
    await this.libp2p.stop()
    this.log.info({ peerId: this.peerId }, 'mesh node stopped')
  }

  private readonly onPeersChanged = (): void => {
    this.counters.peers(this.libp2p.getPeers().length)
  }

  multiaddrs (): string[] {
    return this.libp2p.getMultiaddrs().map(a => a.toString())
  }

  async dial (address: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    this.assertRunning()
    let target
    try {
      target = multiaddr(address)
    } catch (err) {
      throw new MeshError('BAD_INPUT', `not a multiaddr: ${address}`, { cause: err })
    }
    await this.libp2p.dial(target, options)
  }

  async publish<T extends MessageType> (type: T, payload: PayloadOf<T>): Promise<number> {
    return await this.gossip.publish(type, payload)
  }

  on<T extends MessageType> (type: T, handler: EnvelopeHandler<T>): () => void {
    return this.gossip.on(type, handler)
  }

  async putBuildRecord (attestation: BuildAttestation, options: { signal?: AbortSignal } = {}): Promise<number> {
    this.assertRunning()
    const stored = await records.putBuildRecord(this.libp2p.services.dht, attestation, this.log, { signal: this.dhtSignal(options.signal), isRegisteredKey: this.isRegisteredKey })
    this.counters.dhtPut()
    return stored
  }

  async findBuildRecords (buildKey: string, options: { signal?: AbortSignal } = {}): Promise<BuildAttestation[]> {
    this.assertRunning()
    const found = await records.findBuildRecords(this.libp2p.services.dht, buildKey, this.log, { signal: this.dhtSignal(options.signal), isRegisteredKey: this.isRegisteredKey })
    this.counters.dhtGet(found.length > 0)
    return found
  }

  async provideWasm (wasmHash: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    this.assertRunning()
    await records.provideWasm(this.libp2p.services.dht, wasmHash, { signal: this.dhtSignal(options.signal) })
    this.counters.dhtProvide()
  }

  async findWasmProviders (wasmHash: string, options: { signal?: AbortSignal } = {}): Promise<string[]> {
    this.assertRunning()
    const found = await records.findWasmProviders(this.libp2p.services.dht, wasmHash, this.libp2p.peerId, this.log, { signal: this.dhtSignal(options.signal) })
    for (const p of found) {
      if (p.multiaddrs.length > 0) await this.libp2p.peerStore.merge(p.id, { multiaddrs: p.multiaddrs }).catch(() => {})
    }
    return found.map(p => p.id.toString())
  }

  async fetchWasm (wasmHash: string, options: FetchWasmOptions = {}): Promise<Uint8Array> {
    this.assertRunning()
    if (!isHex(wasmHash, 32)) throw new MeshError('BAD_INPUT', 'a wasm hash is 32 bytes of lowercase hex')
    const limits = this.transferLimits
    const maxBytes = Math.min(options.maxBytes ?? limits.maxBytes, limits.maxBytes)
    const started = Date.now()
    const deadline = withTimeout(options.deadlineMs ?? limits.fetchDeadlineMs, options.signal)
    // the caller's hints first (e.g. the builder named in a build gossip); the DHT only once they are used up
    const race = await raceProviders({
      hinted: options.providers ?? [],
      discover: async (signal) => await this.findWasmProviders(wasmHash, { signal }),
      attempt: async (peer, signal) => await fetchFromPeer({ libp2p: this.libp2p, peer: peerIdFromString(peer), wasmHash, maxBytes, signal: withTimeout(limits.timeoutMs, signal) }),
      preferred: peer => this.builderPeers.has(peer),
      exclude: new Set([this.peerId]),
      parallel: limits.fetchParallel,
      maxProviders: limits.maxProvidersTried,
      signal: deadline
    })
    const attempts: WasmFetchError['attempts'] = race.failures.map(({ peer, error }) => {
      const code: MeshErrorCode = error instanceof MeshError ? error.code : 'FETCH_FAILED'
      this.counters.fetchAttemptFailed(fetchOutcome(code))
      this.log.warn({ wasmHash, peer, code, err: (error as Error).message }, 'wasm fetch from provider refused')
      return { peer, code, message: (error as Error).message }
    })
    if (race.bytes != null) {
      this.counters.fetched(race.bytes.length, started)
      return race.bytes
    }
    if (options.signal?.aborted === true) throw new WasmFetchError('FETCH_FAILED', `fetch of wasm ${wasmHash} aborted`, attempts)
    if (deadline.aborted) throw new WasmFetchError('TIMEOUT', `fetch of wasm ${wasmHash} ran past its deadline (${race.tried.length} provider(s) tried)`, attempts)
    if (attempts.length === 0) {
      this.counters.fetchFoundNoProvider()
      throw new WasmFetchError('NO_PROVIDERS', `no provider found for wasm ${wasmHash}`)
    }
    throw new WasmFetchError(attempts.every(a => a.code === attempts[0]!.code) ? attempts[0]!.code : 'FETCH_FAILED',
      `every provider of wasm ${wasmHash} tried failed (${race.tried.length} of at most ${limits.maxProvidersTried}): ${attempts.map(a => `${a.peer.slice(-8)}: ${a.code}`).join(', ')}`, attempts)
  }

  private noteBuilderPeer (builder: string, peerId: string | undefined): void {
    if (peerId == null || !this.isRegisteredKey(builder)) return
    if (this.builderPeers.size >= 1024) this.builderPeers.delete(this.builderPeers.values().next().value!)
    this.builderPeers.add(peerId)
  }

  /** Disconnects the peer and refuses it for banMs (connection gater), its gossip score far below the graylist. */
  ban (peer: string, reason: string): void {
    this.bans.set(peer, Date.now() + (this.init.banMs ?? DEFAULT_BAN_MS))
    this.log.warn({ peer, reason }, 'peer banned')
    let id
    try {
      id = peerIdFromString(peer)
    } catch {
      return
    }
    this.libp2p.hangUp(id).catch(err => { this.log.debug({ peer, err: (err as Error).message }, 'hang-up of a banned peer failed') })
  }

  peers (): string[] {
    return this.libp2p.getPeers().map(p => p.toString())
  }

  topicPeers (topic: GossipTopicName): string[] {
    return this.libp2p.services.pubsub.getSubscribers(gossipTopic(this.init.network, topic)).map(p => p.toString())
  }

  peerScore (peerId: string): number {
    return (this.libp2p.services.pubsub as unknown as { getScore: (id: string) => number }).getScore(peerId)
  }

  getStats (): MeshStats {
    const routingTable = (this.libp2p.services.dht as Partial<SingleKadDHT>).routingTable?.size ?? 0
    return this.counters.snapshot({ peers: this.libp2p.getPeers().length, routingTable })
  }

  private assertRunning (): void {
    if (!this.running) throw new MeshError('NOT_STARTED', 'the mesh node is not started')
  }

  private dhtSignal (signal?: AbortSignal): AbortSignal {
    return withTimeout(this.dhtTimeoutMs, signal)
  }
}

/** far below the graylist (-80): gossipsub ignores and prunes the peer */
const BANNED_SCORE = -1000
const DEFAULT_BAN_MS = 10 * 60_000

/** A throwing key check counts as "not registered": a bug there must not let sybils in or crash a validator. */
function safeKeyCheck (check: IsRegisteredKey): IsRegisteredKey {
  return key => {
    try {
      return check(key)
    } catch {
      return false
    }
  }
}

/** The caller's signal, bounded by our own timeout. */
function withTimeout (ms: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(ms)
  return signal != null ? AbortSignal.any([signal, timeout]) : timeout
}

function fetchOutcome (code: MeshErrorCode): Exclude<FetchOutcome, 'ok' | 'no_provider'> {
  switch (code) {
    case 'HASH_MISMATCH': return 'hash_mismatch'
    case 'TOO_LARGE': return 'too_large'
    case 'RATE_LIMITED': return 'rate_limited'
    case 'NOT_FOUND': return 'not_found'
    default: return 'error'
  }
}
