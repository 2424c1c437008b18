/**
 * The bytes a worker signs for a result, and that the contract rebuilds in `resolve_execution`.
 * Binary, fixed layout, so the AssemblyScript contract needs no JSON canonicaliser (see protocol/README.md):
 *
 *   digest = sha256( "outlayer-mesh/attestation/v1" ‖ 0x00
 *                    ‖ u8 len(contract_id) ‖ contract_id (utf8)
 *                    ‖ u64le request_id
 *                    ‖ u8 success (0 | 1)
 *                    ‖ sha256(output bytes)
 *                    ‖ sha256(error utf8)
 *                    ‖ u64le instructions )
 *   signature = ed25519(worker key, digest)
 */
import { concatBytes, sha256, toBytes, u64le } from './hash.js'
import { DOMAIN } from './ids.js'
import { ProtocolError } from './errors.js'
import { sign, verify } from './keys.js'

export interface AttestedResponse {
  /** the outlayer contract's account id: binds the signature to one deployment */
  contractId: string
  requestId: bigint | number
  success: boolean
  /** raw stdout bytes; empty when the run failed */
  output: Uint8Array
  /** '' on success, else responseError() */
  error: string
  /** fuel used */
  instructions: bigint
}

export function attestationDigest (r: AttestedResponse): Uint8Array {
  const contract = toBytes(r.contractId)
  if (contract.length === 0 || contract.length > 64) throw new ProtocolError('INVALID', 'contract id must be 1..64 bytes')
  return sha256(concatBytes(
    toBytes(DOMAIN.attestation), new Uint8Array([0]),
    new Uint8Array([contract.length]), contract,
    u64le(r.requestId),
    new Uint8Array([r.success ? 1 : 0]),
    sha256(r.output),
    sha256(toBytes(r.error)),
    u64le(r.instructions)
  ))
}

export function signAttestation (r: AttestedResponse, secretKey: Uint8Array): Uint8Array {
  return sign(attestationDigest(r), secretKey)
}

export function verifyAttestation (r: AttestedResponse, signature: Uint8Array, publicKey: Uint8Array): boolean {
  return verify(signature, attestationDigest(r), publicKey)
}
