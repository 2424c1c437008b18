/**
 * gossipsub peer scoring for our topics. The penalty that matters is P4 (invalid message deliveries): every
 * Reject from our validator adds one, the score term is weight × count², so one invalid message puts the peer
 * at the gossip threshold (-10: no more gossip to/from it) and three put it past the graylist (-80: its RPCs are
 * ignored). Counters decay by 0.9 per second, so an honest peer caught by a one-off clock skew recovers in ~30 s.
 *
 * Mesh-delivery penalties (P3, P3b) are off: our topics are sparse (a few tasks per minute), so "delivered too
 * few messages" says nothing about a peer. IP colocation stays on for the internet but loopback is whitelisted,
 * because every local test and sim run puts all nodes on 127.0.0.1.
 */
import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from '@libp2p/gossipsub/score'

export const INVALID_MESSAGE_WEIGHT = -10

export const SCORE_THRESHOLDS: Partial<PeerScoreThresholds> = {
  gossipThreshold: -10,
  publishThreshold: -50,
  graylistThreshold: -80,
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 5
}

const TOPIC_PARAMS: Partial<TopicScoreParams> = {
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1000,
  timeInMeshCap: 300,
  firstMessageDeliveriesWeight: 1,
  firstMessageDeliveriesDecay: 0.5,
  firstMessageDeliveriesCap: 5,
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  invalidMessageDeliveriesWeight: INVALID_MESSAGE_WEIGHT,
  invalidMessageDeliveriesDecay: 0.9
}

/**
 * `appScore` is our own penalty (rate/lookup-guard.ts: hints that name nothing); weight 1, so a banned peer's
 * -1000 puts it far below the graylist and gossipsub prunes it from every mesh.
 */
export function scoreParams (topics: string[], appScore?: (peerId: string) => number): Partial<PeerScoreParams> {
  return {
    ...(appScore != null ? { appSpecificScore: appScore, appSpecificWeight: 1 } : {}),
    topics: Object.fromEntries(topics.map(t => [t, { ...TOPIC_PARAMS } as TopicScoreParams])),
    topicScoreCap: 10,
    IPColocationFactorWeight: -5,
    IPColocationFactorThreshold: 10,
    IPColocationFactorWhitelist: new Set(['127.0.0.1', '::1']),
    decayInterval: 1000,
    decayToZero: 0.01
  }
}
