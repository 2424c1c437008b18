/** Checks an attestation before it counts: right contract, registered worker, output matching its hash, signature. */
import { parsePublicKey, sha256Hex, verifyAttestation, type AttestationPayload } from '../../../protocol/index.js'
import type { WorkerView } from '../../chain/index.js'

export type InvalidReason = 'WRONG_CONTRACT' | 'UNKNOWN_WORKER' | 'NO_OUTPUT' | 'OUTPUT_HASH' | 'BAD_SIGNATURE'

export function outputBytes (a: AttestationPayload): Uint8Array | undefined {
  return a.output != null ? new Uint8Array(Buffer.from(a.output, 'base64')) : a.success ? undefined : new Uint8Array(0)
}

export function checkAttestation (a: AttestationPayload, contractId: string, worker: WorkerView | null): InvalidReason | undefined {
  if (a.contract_id !== contractId) return 'WRONG_CONTRACT'
  if (worker == null) return 'UNKNOWN_WORKER'
  const output = outputBytes(a)
  // outputs above the gossip cap travel by hash only; the aggregator needs the bytes to resolve, so they cannot count
  if (output == null) return 'NO_OUTPUT'
  if (sha256Hex(output) !== a.output_hash) return 'OUTPUT_HASH'
  let publicKey: Uint8Array
  try { publicKey = parsePublicKey(worker.public_key) } catch { return 'UNKNOWN_WORKER' }
  const ok = verifyAttestation({
    contractId, requestId: BigInt(a.request_id), success: a.success, output, error: a.error, instructions: BigInt(a.instructions)
  }, new Uint8Array(Buffer.from(a.signature, 'base64')), publicKey)
  return ok ? undefined : 'BAD_SIGNATURE'
}
