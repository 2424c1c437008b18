/**
 * Plain counters every node keeps, whether or not Prometheus metrics were given: tests, sim/ and `status`
 * read them through MeshNode.getStats().
 */
import type { GossipTopicName } from '../../protocol/index.js'
import type { GossipValidationCode } from './errors.js'

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

export function emptyStats (): MeshStats {
  const topic = (): TopicStats => ({ copies: 0, received: 0, published: 0, accepted: 0, refused: {} })
  return {
    peers: 0,
    gossip: { tasks: topic(), attestations: topic(), builds: topic() },
    dht: { routingTable: 0, recordsPut: 0, recordsFound: 0, provides: 0 },
    transfer: { served: 0, servedBytes: 0, refusedRequests: 0, fetched: 0, fetchedBytes: 0, fetchRefusals: 0 }
  }
}

/** A deep copy, so callers cannot mutate the live counters. */
export function snapshotStats (stats: MeshStats): MeshStats {
  return structuredClone(stats)
}
