/**
 * The one validator for every gossip topic: a message must be a protocol envelope whose type matches its topic.
 * Order is cheapest first and follows protocol/envelope.ts: size, JSON, shape, version, type, freshness,
 * signature, payload schema; then topic match and dedupe. Dedupe comes after the signature check on purpose:
 * only verified envelopes enter the seen-cache, so a forgery carrying a copied signature cannot shadow the real one.
 *
 * REJECT (sender's score drops): oversized, malformed, bad signature, wrong topic, stale.
 *   Stale is rejected, not ignored: the window is ±5 min, so a sender outside it is replaying or badly misconfigured.
 * IGNORE (dropped, no penalty): duplicate (honest races produce them), unknown future version.
 * REJECT UNREGISTERED_SENDER: task, attestation and response_vote envelopes count only from registered workers' keys (a key
 *   costs nothing, a bond does); builds stay open, their trust is decided by build-record.ts.
 */
import { decodeEnvelope, envelopeId, type Envelope, type GossipTopicName, type MessageType, type ProtocolErrorCode } from '../../../protocol/index.js'
import { GossipValidationError, type GossipAction, type GossipValidationCode } from '../errors.js'
import type { SeenCache } from './seen-cache.js'

export const TOPIC_MESSAGE_TYPE: Record<GossipTopicName, MessageType> = {
  tasks: 'task',
  attestations: 'attestation',
  builds: 'build',
  responses: 'response_vote'
}

export const MESSAGE_TYPE_TOPIC: Record<MessageType, GossipTopicName> = {
  task: 'tasks',
  attestation: 'attestations',
  build: 'builds',
  response_vote: 'responses'
}

export interface EnvelopeValidationArgs {
  data: Uint8Array
  topic: GossipTopicName
  seen: SeenCache
  maxBytes: number
  freshnessMs: number
  /** authors whose task and attestation envelopes we take @default every key */
  isRegisteredKey?: (key: string) => boolean
  now?: number
}

/** Returns the verified envelope and records it as seen, or throws GossipValidationError. */
export function validateGossipEnvelope ({ data, topic, seen, maxBytes, freshnessMs, isRegisteredKey, now = Date.now() }: EnvelopeValidationArgs): Envelope {
  const decoded = decodeEnvelope(data, { now, maxBytes, freshnessMs })
  if (!decoded.ok) {
    const [action, code] = verdictFor(decoded.error.code)
    throw new GossipValidationError(action, code, decoded.error.message)
  }
  const envelope = decoded.value
  if (TOPIC_MESSAGE_TYPE[topic] !== envelope.type) {
    throw new GossipValidationError('reject', 'WRONG_TOPIC', `a ${envelope.type} envelope does not belong on the ${topic} topic`)
  }
  if (envelope.type !== 'build' && isRegisteredKey != null && !isRegisteredKey(envelope.sender)) {
    throw new GossipValidationError('reject', 'UNREGISTERED_SENDER', `${envelope.type} from ${envelope.sender}, which is not a registered worker's key`)
  }
  const id = envelopeId(envelope)
  if (seen.has(id, now)) throw new GossipValidationError('ignore', 'DUPLICATE', 'envelope already seen')
  seen.add(id, now)
  return envelope
}

function verdictFor (code: ProtocolErrorCode): [GossipAction, GossipValidationCode] {
  switch (code) {
    case 'TOO_LARGE': return ['reject', 'TOO_LARGE']
    case 'STALE': return ['reject', 'STALE']
    case 'BAD_SIGNATURE':
    case 'BAD_KEY': return ['reject', 'BAD_SIGNATURE']
    case 'UNSUPPORTED_VERSION': return ['ignore', 'UNSUPPORTED_VERSION']
    case 'INVALID':
    case 'NOT_CANONICAL': return ['reject', 'INVALID']
    default:
      code satisfies never
      return ['reject', 'INVALID']
  }
}
