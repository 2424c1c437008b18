/**
 * The recheck: from /attestations/:id, rebuild each worker's attestation digest here (protocol/attestation.ts,
 * the same code the node signs with) and verify its signature with @noble/ed25519 against the key the contract
 * registered for that worker. Nothing is taken on the node's word except the public data it relays.
 */
import * as ed from '@noble/ed25519'
import { base58 } from '@scure/base'
import { attestationDigest, attestationDigestV2FromHash } from '../../protocol/attestation.js'
import { EMPTY_TRANSCRIPT_HASH } from '../../protocol/transcript.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { Result } from './api.js'
import { fromBase64, hex32 } from './bytes.js'

export interface AttestationsDoc {
  request_id: string, contract_id: string
  context: { network_id: string, data_id: string, input_hash: string, seed: string }
  resolution: { code_hash: string } | null
  attestations: Array<{ worker_id: string, public_key: string | null, signature: string, salt: string | null, agreed: boolean, result: Result | null }>
}

export interface Verdict { worker_id: string, agreed: boolean, valid: boolean, reason: string }



export function recheck (doc: AttestationsDoc): Verdict[] {
  return doc.attestations.map(a => {
    const base = { worker_id: a.worker_id, agreed: a.agreed }
    try {
      if (a.public_key == null || !a.public_key.startsWith('ed25519:')) return { ...base, valid: false, reason: 'no registered key' }
      if (a.result == null) return { ...base, valid: false, reason: 'no result to check' }
      const output = a.result.output != null ? fromBase64(a.result.output) : new Uint8Array()
      // a stored blob (or a dissenter's result) is named by its hash: sign over sha256(output) either way
      const outputHash = a.result.output == null && a.result.output_hash != null ? hex32(a.result.output_hash, 'output_hash') : sha256(output)
      const common = { contractId: doc.contract_id, requestId: BigInt(doc.request_id), success: a.result.success, output, error: a.result.error ?? '', instructions: BigInt(a.result.instructions ?? '0') }
      // v2 when the reveal carries a salt (commit–reveal), v1 for the lease flow
      const digest = a.salt != null
        ? attestationDigestV2FromHash({
          ...common, networkId: doc.context.network_id, dataId: doc.context.data_id, inputHash: doc.context.input_hash, seed: doc.context.seed,
          workerId: a.worker_id, codeHash: a.result.code_hash ?? doc.resolution?.code_hash ?? '', transcriptHash: a.result.transcript_hash ?? EMPTY_TRANSCRIPT_HASH
        }, outputHash)
        : attestationDigest(common)
      const valid = ed.verify(fromBase64(a.signature), digest, base58.decode(a.public_key.slice('ed25519:'.length)))
      return { ...base, valid, reason: valid ? 'signature verifies' : 'signature does not verify' }
    } catch (err) {
      return { ...base, valid: false, reason: (err as Error).message }
    }
  })
}
