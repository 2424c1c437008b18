/**
 * The single adapter between our envelope validator and gossipsub: turns a verdict into Accept / Ignore / Reject,
 * counts it (P2pCounters, labelled by fixed codes), and never lets an unexpected error escape:
 * a bug in validation becomes Ignore and a log line, never a crashed node or a forwarded message.
 */
import { TopicValidatorResult, type TopicValidatorFn } from '@libp2p/gossipsub'
import type { Envelope, GossipTopicName } from '../../../protocol/index.js'
import { GossipValidationError } from '../errors.js'
import type { MeshLogger } from '../logger.js'
import type { P2pCounters } from '../stats.js'
import { validateGossipEnvelope } from './envelope.js'
import type { SeenCache } from './seen-cache.js'

export interface TopicValidatorArgs {
  topic: GossipTopicName
  seen: SeenCache
  maxBytes: number
  freshnessMs: number
  isRegisteredKey?: (key: string) => boolean
  /** a further, asynchronous check (hints.ts); throws GossipValidationError to refuse */
  check?: (envelope: Envelope, from: string) => Promise<void>
  counters: P2pCounters
  log: MeshLogger
  /** called with every accepted envelope before gossipsub delivers and forwards it */
  onAccepted: (envelope: Envelope, from: string) => void
}

export function createTopicValidator (args: TopicValidatorArgs): TopicValidatorFn {
  const { topic, counters, log } = args
  return async (peer, message) => {
    counters.gossipReceived(topic)
    try {
      const envelope = validateGossipEnvelope({
        data: message.data, topic, seen: args.seen, maxBytes: args.maxBytes, freshnessMs: args.freshnessMs,
        ...(args.isRegisteredKey != null ? { isRegisteredKey: args.isRegisteredKey } : {})
      })
      await args.check?.(envelope, peer.toString())
      counters.gossipAccepted(topic, envelope.timestamp_ms)
      args.onAccepted(envelope, peer.toString())
      return TopicValidatorResult.Accept
    } catch (err) {
      const refusal = err instanceof GossipValidationError
        ? err
        : new GossipValidationError('ignore', 'INTERNAL', err instanceof Error ? err.message : String(err))
      counters.gossipRefused(topic, refusal.action, refusal.code)
      const level = refusal.code === 'INTERNAL' ? 'error' : 'debug'
      log[level]({ topic, peer: peer.toString(), action: refusal.action, code: refusal.code, reason: refusal.message }, 'gossip message refused')
      return refusal.action === 'reject' ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore
    }
  }
}
