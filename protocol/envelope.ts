/**
 * The signed gossip envelope. Nothing unsigned is accepted on any topic.
 * signature = ed25519(key, "outlayer-mesh/envelope/v1" ‖ 0x00 ‖ JCS{v, type, sender, timestamp_ms, payload})
 */
import { canonicalBytes } from './jcs.js'
import { concatBytes, toBytes } from './hash.js'
import { DOMAIN, PROTOCOL_VERSION } from './ids.js'
import { fail, ok, type Result } from './errors.js'
import { parsePublicKey, parseSignature, publicKeyToString, sign, signatureToString, verify, type KeyPair } from './keys.js'
import { MESSAGE_TYPES, validatePayload, type MessageType, type PayloadOf } from './messages.js'

export interface Envelope<T extends MessageType = MessageType> {
  v: number
  type: T
  /** `ed25519:<base58>` public key of the signing node */
  sender: string
  timestamp_ms: number
  payload: PayloadOf<T>
  /** `ed25519:<base58>` signature */
  signature: string
}

export const ENVELOPE_LIMITS = {
  /** the largest encoded envelope accepted on any topic: an attestation with the largest output, in base64 */
  maxBytes: 384 * 1024,
  /** how far a timestamp may lie in the past or future */
  freshnessMs: 5 * 60_000
} as const

function signedBytes (e: Omit<Envelope, 'signature'>): Uint8Array {
  return concatBytes(toBytes(DOMAIN.envelope), new Uint8Array([0]),
    canonicalBytes({ v: e.v, type: e.type, sender: e.sender, timestamp_ms: e.timestamp_ms, payload: e.payload }))
}

export function createEnvelope<T extends MessageType> (type: T, payload: PayloadOf<T>, key: KeyPair, timestampMs = Date.now()): Envelope<T> {
  const unsigned = { v: PROTOCOL_VERSION, type, sender: publicKeyToString(key.publicKey), timestamp_ms: timestampMs, payload }
  return { ...unsigned, signature: signatureToString(sign(signedBytes(unsigned), key.secretKey)) }
}

export function encodeEnvelope (e: Envelope): Uint8Array {
  return toBytes(JSON.stringify(e))
}

export interface DecodeOptions {
  now?: number
  maxBytes?: number
  freshnessMs?: number
}

/** Validates cheapest first: size, JSON, shape, version, type, freshness, signature, payload schema. */
export function decodeEnvelope (bytes: Uint8Array, opts: DecodeOptions = {}): Result<Envelope> {
  const maxBytes = opts.maxBytes ?? ENVELOPE_LIMITS.maxBytes
  if (bytes.length > maxBytes) return fail('TOO_LARGE', `envelope is ${bytes.length} bytes, the cap is ${maxBytes}`)
  let raw: unknown
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return fail('INVALID', 'envelope is not UTF-8 JSON')
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('INVALID', 'envelope is not an object')
  const e = raw as Record<string, unknown>
  const extra = Object.keys(e).find(k => !['v', 'type', 'sender', 'timestamp_ms', 'payload', 'signature'].includes(k))
  if (extra != null) return fail('INVALID', `envelope has unknown field "${extra}"`)
  if (e.v !== PROTOCOL_VERSION) return fail('UNSUPPORTED_VERSION', `envelope version ${String(e.v)} is not ${PROTOCOL_VERSION}`)
  if (typeof e.type !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(e.type)) return fail('INVALID', `unknown message type ${String(e.type)}`)
  if (typeof e.timestamp_ms !== 'number' || !Number.isSafeInteger(e.timestamp_ms)) return fail('INVALID', 'timestamp_ms must be an integer')
  const now = opts.now ?? Date.now()
  if (Math.abs(now - e.timestamp_ms) > (opts.freshnessMs ?? ENVELOPE_LIMITS.freshnessMs)) return fail('STALE', 'envelope timestamp is outside the freshness window')
  if (typeof e.sender !== 'string' || typeof e.signature !== 'string') return fail('INVALID', 'sender and signature must be strings')
  let sender: Uint8Array, signature: Uint8Array
  try {
    sender = parsePublicKey(e.sender)
    signature = parseSignature(e.signature)
  } catch (err) {
    return fail('BAD_SIGNATURE', (err as Error).message)
  }
  const envelope = e as unknown as Envelope
  if (!verify(signature, signedBytes(envelope), sender)) return fail('BAD_SIGNATURE', 'envelope signature does not verify')
  const payload = validatePayload(envelope.type, e.payload)
  if (!payload.ok) return payload
  return ok({ ...envelope, payload: payload.value })
}

/** The id used for dedupe: the signature is unique per (sender, content). */
export function envelopeId (e: Envelope): string {
  return e.signature
}
