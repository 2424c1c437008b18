/**
 * Gossip payloads. Gossip is a hint, the chain is the truth: a `task` only names a request, which a worker
 * then reads from the contract; an `attestation` carries a signature the contract itself checks; a
 * `response_vote` (response-vote.ts) is one replica's copy of an outside response during a consensus run.
 */
import type { Result } from './errors.js'
import { base64, bool, hex, int, object, optional, str, type Check } from './validate.js'
import { validateAccountId } from './near.js'
import { responseVotePayloadCheck, type ResponseVotePayload } from './response-vote.js'

export const MESSAGE_TYPES = ['task', 'attestation', 'build', 'response_vote'] as const
export type MessageType = typeof MESSAGE_TYPES[number]

const accountId: Check<string> = (v, path) => validateAccountId(v, path)
/** u64 kept as a decimal string, so payloads stay plain JSON after validation */
const decimal = str({ min: 1, max: 20, pattern: /^(0|[1-9][0-9]*)$/ })
const publicKey = str({ min: 40, max: 60, pattern: /^ed25519:[1-9A-HJ-NP-Za-km-z]+$/ })

/**
 * Largest output carried inline in an attestation message: the contract's own output cap (256 KiB), so the
 * aggregator can resolve every output the contract accepts. Larger outputs travel by hash only.
 */
export const MAX_GOSSIP_OUTPUT_BYTES = 256 * 1024

export const taskPayloadCheck = object({
  contract_id: accountId,
  request_id: decimal,
  block_height: decimal
})
export type TaskPayload = typeof taskPayloadCheck extends Check<infer T> ? T : never

export const attestationPayloadCheck = object({
  contract_id: accountId,
  request_id: decimal,
  worker_id: accountId,
  success: bool,
  /** raw stdout, base64; omitted when larger than MAX_GOSSIP_OUTPUT_BYTES */
  output: optional(base64(MAX_GOSSIP_OUTPUT_BYTES)),
  output_hash: hex(32),
  error: str({ max: 256 }),
  instructions: decimal,
  time_ms: int({ min: 0 }),
  result_hash: hex(32),
  // verification v2 reveal (protocol/VERIFICATION-V2.md): the code that ran, the transcript, and the commit's salt;
  // gossiped only once the commit phase closed. Optional so that v1 envelopes still parse; the resolver needs them.
  code_hash: optional(hex(32)),
  transcript_hash: optional(hex(32)),
  salt: optional(hex(32)),
  /** base64 of the 64-byte ed25519 signature over the attestation digest (protocol/attestation.ts) */
  signature: base64(64)
})
type CheckedAttestation = typeof attestationPayloadCheck extends Check<infer T> ? T : never
/** the v2 reveal fields are optional keys, so v1-shaped payloads still type-check (and are refused by the resolver) */
export type AttestationPayload = Omit<CheckedAttestation, 'code_hash' | 'transcript_hash' | 'salt'> & { code_hash?: string, transcript_hash?: string, salt?: string }

export const buildPayloadCheck = object({
  build_key: hex(32),
  repo: str({ min: 1, max: 512 }),
  commit: hex(20),
  build_target: str({ min: 1, max: 64 }),
  builder_image: str({ min: 1, max: 128 }),
  wasm_hash: hex(32),
  size: int({ min: 1 }),
  builder: publicKey,
  signature: str({ min: 60, max: 120 }),
  /** libp2p peer id that serves the wasm, if the sender provides it */
  peer_id: optional(str({ max: 128 }))
})
export type BuildPayload = typeof buildPayloadCheck extends Check<infer T> ? T : never

export type PayloadOf<T extends MessageType> =
  T extends 'task' ? TaskPayload : T extends 'attestation' ? AttestationPayload : T extends 'build' ? BuildPayload : T extends 'response_vote' ? ResponseVotePayload : never

const CHECKS: { [T in MessageType]: Check<PayloadOf<T>> } = {
  task: taskPayloadCheck,
  attestation: attestationPayloadCheck,
  build: buildPayloadCheck,
  response_vote: responseVotePayloadCheck
}

export function validatePayload<T extends MessageType> (type: T, payload: unknown): Result<PayloadOf<T>> {
  return (CHECKS[type] as Check<PayloadOf<T>>)(payload, `payload(${type})`)
}
