/**
 * The p2p layer's counters: each fact is counted once, where it happens, by one call here, which keeps the plain
 * numbers every node has (tests, sim/ and `status` read them through MeshNode.getStats()) and, when Prometheus
 * metrics were given, the labelled series. No call site touches either sink itself, so they cannot drift apart.
 */
import type { GossipTopicName } from '../../protocol/index.js'
import type { Metrics } from '../metrics.js'
import type { GossipValidationCode } from './errors.js'
import type { TransferStatus } from './transfer/wire.js'

export interface TopicStats {
  /** every gossipsub copy that arrived, duplicates included (before dedup and validation) */
  copies: number
  received: number
  published: number
  accepted: number
  /** refused messages by validation code */
  refused: Partial<Record<GossipValidationCode, number>>
}

export interface MeshStats {
  peers: number
  gossip: Record<GossipTopicName, TopicStats>
  /** routingTable: peers in the kad-dht routing table (0 until identify has run with a DHT peer) */
  dht: { routingTable: number, recordsPut: number, recordsFound: number, provides: number }
  transfer: { served: number, servedBytes: number, refusedRequests: number, fetched: number, fetchedBytes: number, fetchRefusals: number }
}

/** how one artifact fetch attempt ended, as the metric labels it */
export type FetchOutcome = 'ok' | 'no_provider' | 'hash_mismatch' | 'too_large' | 'rate_limited' | 'not_found' | 'error'

function emptyStats (): MeshStats {
  const topic = (): TopicStats => ({ copies: 0, received: 0, published: 0, accepted: 0, refused: {} })
  return {
    peers: 0,
    gossip: { tasks: topic(), attestations: topic(), builds: topic(), responses: topic() },
    dht: { routingTable: 0, recordsPut: 0, recordsFound: 0, provides: 0 },
    transfer: { served: 0, servedBytes: 0, refusedRequests: 0, fetched: 0, fetchedBytes: 0, fetchRefusals: 0 }
  }
}

export class P2pCounters {
  private readonly stats = emptyStats()
  constructor (private readonly metrics?: Metrics) {}

  peers (count: number): void {
    this.stats.peers = count
    this.metrics?.peers.set(count)
  }

  /** a gossipsub copy, duplicates included (only the plain count: gossipsub's own metrics cover the rest) */
  gossipCopy (topic: GossipTopicName): void { this.stats.gossip[topic].copies++ }

  gossipReceived (topic: GossipTopicName): void {
    this.stats.gossip[topic].received++
    this.metrics?.gossipIn.inc({ topic })
  }

  gossipAccepted (topic: GossipTopicName, sentAtMs: number): void {
    this.stats.gossip[topic].accepted++
    this.metrics?.gossipAccepted.inc({ topic })
    this.metrics?.gossipDelaySeconds.observe(Math.max(0, Date.now() - sentAtMs) / 1000)
  }

  gossipRefused (topic: GossipTopicName, action: 'reject' | 'ignore', code: GossipValidationCode): void {
    const refused = this.stats.gossip[topic].refused
    refused[code] = (refused[code] ?? 0) + 1
    this.metrics?.gossipRejected.inc({ topic, action, reason: code })
  }

  gossipPublished (topic: GossipTopicName): void {
    this.stats.gossip[topic].published++
    this.metrics?.gossipOut.inc({ topic })
  }

  dhtPut (): void {
    this.stats.dht.recordsPut++
    this.metrics?.dhtRecords.inc({ op: 'put', outcome: 'ok' })
  }

  dhtGet (found: boolean): void {
    if (found) this.stats.dht.recordsFound++
    this.metrics?.dhtRecords.inc({ op: 'get', outcome: found ? 'ok' : 'not_found' })
  }

  dhtProvide (): void { this.stats.dht.provides++ }

  /** an artifact request from a peer answered with a refusal */
  transferRefused (status: Exclude<TransferStatus, 'ok'>): void {
    this.stats.transfer.refusedRequests++
    this.metrics?.wasmServed.inc({ outcome: status })
  }

  transferServed (bytes: number): void {
    this.stats.transfer.served++
    this.stats.transfer.servedBytes += bytes
    this.metrics?.wasmServed.inc({ outcome: 'ok' })
    this.metrics?.wasmServedBytes.inc(bytes)
  }

  /** a transfer to a peer that broke off (stream error, timeout): only the metric, it served nothing */
  transferFailed (): void { this.metrics?.wasmServed.inc({ outcome: 'error' }) }

  /** one provider of a fetch refused or failed */
  fetchAttemptFailed (outcome: Exclude<FetchOutcome, 'ok' | 'no_provider'>): void {
    this.stats.transfer.fetchRefusals++
    this.metrics?.artifactFetches.inc({ outcome })
  }

  fetchFoundNoProvider (): void { this.metrics?.artifactFetches.inc({ outcome: 'no_provider' }) }

  fetched (bytes: number, startedMs: number): void {
    this.stats.transfer.fetched++
    this.stats.transfer.fetchedBytes += bytes
    this.metrics?.artifactFetches.inc({ outcome: 'ok' })
    this.metrics?.artifactFetchBytes.inc(bytes)
    this.metrics?.artifactFetchSeconds.observe((Date.now() - startedMs) / 1000)
  }

  /** A deep copy with the live figures read at call time, so callers cannot mutate the counters. */
  snapshot (live: { peers: number, routingTable: number }): MeshStats {
    this.stats.peers = live.peers
    this.stats.dht.routingTable = live.routingTable
    return structuredClone(this.stats)
  }
}
