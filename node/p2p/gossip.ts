/**
 * Our three gossipsub topics. Every outgoing message is a signed protocol envelope; every incoming one passes
 * the topic validator (validation/) before gossipsub forwards it, and only accepted envelopes reach handlers.
 */
import type { GossipSub } from '@libp2p/gossipsub'
import {
  createEnvelope, encodeEnvelope, envelopeId, gossipTopic, validatePayload,
  type Envelope, type GossipTopicName, type KeyPair, type MessageType, type PayloadOf
} from '../../protocol/index.js'
import { MeshError } from './errors.js'
import type { MeshLogger } from './logger.js'
import type { GossipLimits } from './options.js'
import type { P2pCounters } from './stats.js'
import { MESSAGE_TYPE_TOPIC, TOPIC_MESSAGE_TYPE } from './validation/envelope.js'
import { SeenCache } from './validation/seen-cache.js'
import { createTopicValidator } from './validation/validator-fn.js'

export type EnvelopeHandler<T extends MessageType> = (payload: PayloadOf<T>, envelope: Envelope<T>, from: string) => void | Promise<void>

export interface GossipRouterArgs {
  network: string
  pubsub: GossipSub
  signingKey: KeyPair
  limits: GossipLimits
  counters: P2pCounters
  log: MeshLogger
  /** authors whose task and attestation envelopes are taken */
  isRegisteredKey?: (key: string) => boolean
  /** the hint check (validation/hints.ts) for the tasks and attestations topics */
  checkHint?: (envelope: Envelope, from: string) => Promise<void>
}

export class GossipRouter {
  private readonly seen: SeenCache
  private readonly handlers = new Map<MessageType, Set<EnvelopeHandler<any>>>()
  private readonly topics: Array<[GossipTopicName, string]>
  private started = false

  constructor (private readonly args: GossipRouterArgs) {
    this.seen = new SeenCache(2 * args.limits.freshnessMs)
    this.topics = (Object.keys(TOPIC_MESSAGE_TYPE) as GossipTopicName[]).map(name => [name, gossipTopic(args.network, name)])
    this.countCopies()
  }

  /** gossipsub drops duplicates before validation and emits nothing for them: count every copy at its receive path */
  private countCopies (): void {
    const pubsub = this.args.pubsub as unknown as { handleReceivedMessage?: (from: unknown, msg: { topic?: string }) => Promise<void> }
    const receive = pubsub.handleReceivedMessage?.bind(pubsub)
    if (receive == null) return
    const names = new Map(this.topics.map(([name, topic]) => [topic, name]))
    pubsub.handleReceivedMessage = async (from, msg) => {
      const name = names.get(msg.topic ?? '')
      if (name != null) this.args.counters.gossipCopy(name)
      await receive(from, msg)
    }
  }

  start (): void {
    if (this.started) return
    const { pubsub, limits, counters, log } = this.args
    for (const [name, topic] of this.topics) {
      pubsub.topicValidators.set(topic, createTopicValidator({
        topic: name, seen: this.seen, maxBytes: limits.maxEnvelopeBytes, freshnessMs: limits.freshnessMs,
        ...(this.args.isRegisteredKey != null ? { isRegisteredKey: this.args.isRegisteredKey } : {}),
        ...(this.args.checkHint != null && name !== 'builds' ? { check: this.args.checkHint } : {}),
        counters, log, onAccepted: (envelope, from) => { this.deliver(envelope, from) }
      }))
      pubsub.subscribe(topic)
    }
    this.started = true
  }

  stop (): void {
    if (!this.started) return
    for (const [, topic] of this.topics) {
      this.args.pubsub.topicValidators.delete(topic)
      this.args.pubsub.unsubscribe(topic)
    }
    this.started = false
  }

  /** Signs and publishes; returns how many peers it was sent to. Refuses payloads peers would reject. */
  async publish<T extends MessageType> (type: T, payload: PayloadOf<T>): Promise<number> {
    if (!this.started) throw new MeshError('NOT_STARTED', 'the mesh node is not started')
    const checked = validatePayload(type, payload)
    if (!checked.ok) throw new MeshError('BAD_INPUT', checked.error.message)
    const envelope = createEnvelope(type, checked.value, this.args.signingKey)
    const bytes = encodeEnvelope(envelope)
    if (bytes.length > this.args.limits.maxEnvelopeBytes) {
      throw new MeshError('TOO_LARGE', `envelope is ${bytes.length} bytes, the cap is ${this.args.limits.maxEnvelopeBytes}`)
    }
    const id = envelopeId(envelope)
    // the same payload signed in the same millisecond gives the same envelope: publishing it twice is a no-op
    if (this.seen.has(id)) return 0
    this.seen.add(id)
    const name = MESSAGE_TYPE_TOPIC[type]
    try {
      const { recipients } = await this.args.pubsub.publish(gossipTopic(this.args.network, name), bytes)
      this.args.counters.gossipPublished(name)
      return recipients.length
    } catch (err) {
      throw new MeshError('PUBLISH_FAILED', (err as Error).message, { cause: err })
    }
  }

  /** Registers a handler for accepted envelopes of one type; returns a function that removes it. */
  on<T extends MessageType> (type: T, handler: EnvelopeHandler<T>): () => void {
    let set = this.handlers.get(type)
    if (set == null) this.handlers.set(type, set = new Set())
    set.add(handler)
    return () => { set.delete(handler) }
  }

  /** Handlers run after the validator returns, so a slow or failing handler never delays or breaks forwarding. */
  private deliver (envelope: Envelope, from: string): void {
    const set = this.handlers.get(envelope.type)
    if (set == null || set.size === 0) return
    setImmediate(() => {
      for (const handler of set) {
        Promise.resolve()
          .then(async () => { await handler(envelope.payload, envelope, from) })
          .catch(err => { this.args.log.error({ type: envelope.type, from, err: (err as Error).message }, 'gossip handler failed') })
      }
    })
  }
}
