/**
 * Gossip must cost the sender, not us (issue 17 §4): a task or attestation hint names a request id, and
 * checking it costs an RPC (`get_request`). The guard decides, before any such RPC, whether this hint may
 * trigger one:
 *
 *  - ids already found missing are not looked up again (negative cache, bounded LRU), nor are ids known to exist
 *    (seen by the chain watcher or found by a look-up: positive cache, bounded), so the several reveals of one
 *    request cost one look-up, not one each, and none is dropped because another's look-up is in flight;
 *  - request ids grow, so an id more than `maxIdsAhead` above the highest id seen (from the chain watcher or a
 *    successful look-up) is ignored without a look-up;
 *  - one look-up per id at a time (concurrent hints for it wait for the first answer);
 *  - a per-peer and a global token bucket bound the rate;
 *  - every miss is charged to the peer that delivered the hint; a peer with `missesToBan` misses (counting its
 *    look-ups still in flight, so the bound holds however fast it sends) gets no more look-ups and is reported
 *    through `onMisbehaving`, which the mesh node turns into a score penalty and a disconnect.
 *
 * So one flooding peer costs a node at most `missesToBan` look-ups, and any number of peers at most the global
 * bucket. Misses decay (`missDecayMs` per miss), so an honest peer that relays the odd stale hint is never banned.
 */
import { TokenBucket, type TokenBucketInit } from './token-bucket.js'

export interface LookupGuardInit {
  /** @default { capacity: 10, refillPerSecond: 0.5 } */
  perPeer?: TokenBucketInit
  /** @default { capacity: 50, refillPerSecond: 5 } */
  global?: TokenBucketInit
  /** @default 100 */
  maxIdsAhead?: bigint
  /** misses (plus look-ups in flight) after which a peer gets no look-ups @default 4 */
  missesToBan?: number
  /** one miss is forgotten after this long @default 60 s */
  missDecayMs?: number
  /** request ids remembered as missing @default 4096 */
  negativeCacheSize?: number
  /** request ids remembered as existing @default 4096 */
  positiveCacheSize?: number
  /** called once each time a peer reaches missesToBan */
  onMisbehaving?: (peer: string) => void
  now?: () => number
}

export type LookupRefusal =
  | 'BAD_ID' | 'KNOWN_MISSING' | 'TOO_FAR_AHEAD' | 'IN_FLIGHT' | 'PEER_BANNED' | 'PEER_RATE_LIMITED' | 'GLOBAL_RATE_LIMITED'

export type Admission = { ok: true, release: (outcome: 'found' | 'missing' | 'failed') => void } | { ok: false, reason: LookupRefusal }

interface PeerState { bucket: TokenBucket, misses: number[], inFlight: number }

export const DEFAULT_LOOKUP_GUARD = {
  perPeer: { capacity: 10, refillPerSecond: 0.5 },
  global: { capacity: 50, refillPerSecond: 5 },
  maxIdsAhead: 100n,
  missesToBan: 4,
  missDecayMs: 60_000,
  negativeCacheSize: 4096,
  positiveCacheSize: 4096
} as const

export class GossipLookupGuard {
  private readonly opts: Required<Omit<LookupGuardInit, 'onMisbehaving'>> & Pick<LookupGuardInit, 'onMisbehaving'>
  private readonly global: TokenBucket
  private readonly peers = new Map<string, PeerState>()
  private readonly missing = new Set<bigint>()
  private readonly existing = new Set<bigint>()
  private readonly inFlight = new Set<bigint>()
  private highest: bigint | undefined

  constructor (init: LookupGuardInit = {}) {
    this.opts = { ...DEFAULT_LOOKUP_GUARD, now: Date.now, ...init }
    this.global = new TokenBucket(this.opts.global, this.opts.now)
  }

  /** Before a gossip-triggered look-up of `requestId` for a hint `peer` delivered. Call release() with the answer. */
  admit (peer: string, requestId: string): Admission {
    const id = parseId(requestId)
    if (id == null) return { ok: false, reason: 'BAD_ID' }
    if (this.missing.has(id)) return { ok: false, reason: 'KNOWN_MISSING' }
    if (this.highest != null && id > this.highest + this.opts.maxIdsAhead) return { ok: false, reason: 'TOO_FAR_AHEAD' }
    if (this.inFlight.has(id)) return { ok: false, reason: 'IN_FLIGHT' }
    const state = this.peer(peer)
    if (this.recentMisses(state) + state.inFlight >= this.opts.missesToBan) return { ok: false, reason: 'PEER_BANNED' }
    if (!state.bucket.take()) return { ok: false, reason: 'PEER_RATE_LIMITED' }
    if (!this.global.take()) {
      state.bucket.giveBack()
      return { ok: false, reason: 'GLOBAL_RATE_LIMITED' }
    }
    state.inFlight++
    this.inFlight.add(id)
    let released = false
    return {
      ok: true,
      release: (outcome) => {
        if (released) return
        released = true
        state.inFlight--
        this.inFlight.delete(id)
        if (outcome === 'found') this.seen(requestId)
        if (outcome === 'missing') this.miss(peer, state, id)
      }
    }
  }

  /** A request id known to exist (the chain watcher saw it): raises the window and clears a stale miss. */
  seen (requestId: string): void {
    const id = parseId(requestId)
    if (id == null) return
    this.missing.delete(id)
    this.existing.delete(id) // re-inserted last: the set is kept in insertion order and trimmed from the front
    this.existing.add(id)
    if (this.existing.size > this.opts.positiveCacheSize) this.existing.delete(this.existing.values().next().value!)
    if (this.highest == null || id > this.highest) this.highest = id
  }

  /** True when the request is known to exist (seen, or found by a look-up): a hint for it needs no look-up. */
  known (requestId: string): boolean {
    const id = parseId(requestId)
    return id != null && this.existing.has(id)
  }

  /** True while the peer is over its miss budget. */
  banned (peer: string): boolean {
    const state = this.peers.get(peer)
    return state != null && this.recentMisses(state) >= this.opts.missesToBan
  }

  private miss (peer: string, state: PeerState, id: bigint): void {
    this.missing.add(id)
    if (this.missing.size > this.opts.negativeCacheSize) this.missing.delete(this.missing.values().next().value!)
    state.misses.push(this.opts.now())
    if (this.recentMisses(state) === this.opts.missesToBan) this.opts.onMisbehaving?.(peer)
  }

  private recentMisses (state: PeerState): number {
    const since = this.opts.now() - this.opts.missDecayMs
    while (state.misses.length > 0 && state.misses[0]! < since) state.misses.shift()
    return state.misses.length
  }

  private peer (peer: string): PeerState {
    let state = this.peers.get(peer)
    if (state == null) {
      this.forgetIdlePeers()
      state = { bucket: new TokenBucket(this.opts.perPeer, this.opts.now), misses: [], inFlight: 0 }
      this.peers.set(peer, state)
    }
    return state
  }

  /** Keeps the peer map from growing with every peer id ever seen. */
  private forgetIdlePeers (): void {
    if (this.peers.size < 1024) return
    for (const [p, s] of this.peers) if (s.inFlight === 0 && this.recentMisses(s) === 0 && s.bucket.full()) this.peers.delete(p)
  }
}

function parseId (requestId: string): bigint | undefined {
  return /^(0|[1-9][0-9]{0,19})$/.test(requestId) ? BigInt(requestId) : undefined
}
