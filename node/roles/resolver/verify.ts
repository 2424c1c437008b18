/**
 * Checks a reveal before it counts (verification v2): right contract, registered worker, output matching its hash,
 * a signature over digest v2 in the request's context, and a salt that opens the worker's commit on chain.
 */
import {
  attestationDigestV2, commitHash, fromHex, isHex, parsePublicKey, sha256Hex, toHex, verify,
  type AttestationPayload, type ExecutionRequest
} from '../../../protocol/index.js'
import type { AssignmentView, WorkerView } from '../../chain/index.js'
import { contextOf } from '../worker/attest.js'

export type InvalidReason =
  | 'WRONG_CONTRACT' | 'UNKNOWN_WORKER' | 'NO_REVEAL' | 'NO_OUTPUT' | 'OUTPUT_HASH' | 'BAD_SIGNATURE' | 'NOT_COMMITTED' | 'COMMIT_MISMATCH'

export function outputBytes (a: AttestationPayload): Uint8Array | undefined {
  return a.output != null ? new Uint8Array(Buffer.from(a.output, 'base64')) : a.success ? undefined : new Uint8Array(0)
}

/** The digest v2 a reveal claims to sign, or undefined when it lacks the v2 fields or its output. */
export function revealDigest (a: AttestationPayload, request: ExecutionRequest, networkId: string): Uint8Array | undefined {
  const output = outputBytes(a)
  if (output == null || !isHex(a.code_hash, 32) || !isHex(a.transcript_hash, 32)) return undefined
  return attestationDigestV2({
    ...contextOf(request, a.contract_id, networkId, a.worker_id),
    codeHash: a.code_hash, success: a.success, output, error: a.error, instructions: BigInt(a.instructions), transcriptHash: a.transcript_hash
  })
}

export interface RevealCheck {
  contractId: string
  networkId: string
  request: ExecutionRequest
  worker: WorkerView | null
  assignment: AssignmentView
}

/** undefined when the reveal counts; `signed` tells whether the signature itself verified (equivocation evidence). */
export function checkReveal (a: AttestationPayload, c: RevealCheck): { reason?: InvalidReason, signed: boolean } {
  if (a.contract_id !== c.contractId) return { reason: 'WRONG_CONTRACT', signed: false }
  if (c.worker == null) return { reason: 'UNKNOWN_WORKER', signed: false }
  if (!isHex(a.salt, 32) || !isHex(a.code_hash, 32) || !isHex(a.transcript_hash, 32)) return { reason: 'NO_REVEAL', signed: false }
  const output = outputBytes(a)
  // outputs above the gossip cap travel by hash only; the resolver needs the bytes to resolve, so they cannot count
  if (output == null) return { reason: 'NO_OUTPUT', signed: false }
  if (sha256Hex(output) !== a.output_hash) return { reason: 'OUTPUT_HASH', signed: false }
  let publicKey: Uint8Array
  try { publicKey = parsePublicKey(c.worker.public_key) } catch { return { reason: 'UNKNOWN_WORKER', signed: false } }
  const digest = revealDigest(a, c.request, c.networkId)!
  if (!verify(new Uint8Array(Buffer.from(a.signature, 'base64')), digest, publicKey)) return { reason: 'BAD_SIGNATURE', signed: false }
  const commit = c.assignment.commits.find(x => x.worker_id === a.worker_id)
  if (commit == null) return { reason: 'NOT_COMMITTED', signed: true }
  if (toHex(commitHash(digest, fromHex(a.salt))) !== commit.commit) return { reason: 'COMMIT_MISMATCH', signed: true }
  return { signed: true }
}
