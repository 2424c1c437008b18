/** Versioned names on the wire. Changing any of these is a protocol change. */

export const PROTOCOL_VERSION = 1

/** NEP-297 event standard, kept from OutLayer so existing indexers keep matching. */
export const EVENT_STANDARD = 'near-outlayer'
export const EVENT_VERSION = '1.0.0'

/** Domain separators: every signed or hashed byte string starts with one, then a 0x00 byte. */
export const DOMAIN = {
  attestation: 'outlayer-mesh/attestation/v1',
  attestationV2: 'outlayer-mesh/attestation/v2',
  commit: 'outlayer-mesh/commit/v1',
  commitSalt: 'outlayer-mesh/commit-salt/v1',
  assignment: 'outlayer-mesh/assign/v1',
  envelope: 'outlayer-mesh/envelope/v1',
  build: 'outlayer-mesh/build/v1',
  result: 'outlayer-mesh/result/v1',
  seed: 'outlayer-mesh/seed/v1',
  responseVote: 'outlayer-mesh/response-vote/v1'
} as const

export const GOSSIP_TOPIC_NAMES = ['tasks', 'attestations', 'builds', 'responses'] as const
export type GossipTopicName = typeof GOSSIP_TOPIC_NAMES[number]

export function gossipTopic (network: string, name: GossipTopicName): string {
  return `/outlayer/${network}/${name}/1`
}

export function kadProtocol (network: string): string {
  return `/outlayer/${network}/kad/1.0.0`
}

/** Stream protocol for fetching a wasm by sha256 from a peer. */
export const WASM_TRANSFER_PROTOCOL = '/outlayer/wasm/1.0.0'

/** DHT record key for a build: `/outlayer-build/<build key hex>`. */
export function buildRecordKey (buildKey: string): string {
  return `/outlayer-build/${buildKey}`
}
