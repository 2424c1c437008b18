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
 *
 * v1 is kept only until the node signs v2 (below); the contract checks v2 alone.
 */
import { concatBytes, fromHex, isHex, sha256, toBytes, u64le } from './hash.js'
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

/**
 * Digest v2 (protocol/README.md "Attestation v2", protocol/VERIFICATION-V2.md): binds the network, the
 * deployment, the request (id, yield data id, input, seed), the signer and the code as well as the result.
 *
 *   digest = sha256( "outlayer-mesh/attestation/v2" ‖ 0x00
 *                    ‖ u8 len(network_id) ‖ network_id ‖ u8 len(contract_id) ‖ contract_id ‖ u64le request_id
 *                    ‖ data_id (32) ‖ input_hash (32) ‖ seed (32) ‖ u8 len(worker_id) ‖ worker_id
 *                    ‖ code_hash (32) ‖ u8 success ‖ sha256(output) ‖ sha256(error utf8) ‖ u64le instructions
 *                    ‖ transcript_hash (32) )
 */
export interface AttestationContext {
  networkId: string
  contractId: string
  requestId: bigint | number
  /** hex32 of the yield's data id (execution_requested.data_id) */
  dataId: string
  /** hex32 sha256 of input_data's utf8 bytes (execution_requested.input_hash) */
  inputHash: string
  /** hex32 execution seed (execution_requested.seed) */
  seed: string
  /** the signer's account id */
  workerId: string
}

/** What two agreeing workers have in common (everything after worker_id in the digest). */
export interface AttestedResultV2 {
  /** hex32 sha256 of the wasm that ran (or was compiled) */
  codeHash: string
  success: boolean
  output: Uint8Array
  error: string
  instructions: bigint
  /** hex32 sha256 of the run's I/O transcript; EMPTY_TRANSCRIPT_HASH when the run made no I/O */
  transcriptHash: string
}

export type AttestationV2 = AttestationContext & AttestedResultV2

function shortText (text: string, what: string): Uint8Array {
  const bytes = toBytes(text)
  if (bytes.length === 0 || bytes.length > 64) throw new ProtocolError('INVALID', `${what} must be 1..64 bytes`)
  return concatBytes(new Uint8Array([bytes.length]), bytes)
}

function hex32 (value: string, what: string): Uint8Array {
  if (!isHex(value, 32)) throw new ProtocolError('INVALID', `${what} must be 64 lowercase hex characters`)
  return fromHex(value)
}

/** The digest from sha256(output) rather than the output: what report_equivocation and the contract use. */
export function attestationDigestV2FromHash (a: AttestationContext & Omit<AttestedResultV2, 'output'>, outputHash: Uint8Array): Uint8Array {
  return sha256(concatBytes(
    toBytes(DOMAIN.attestationV2), new Uint8Array([0]),
    shortText(a.networkId, 'network id'), shortText(a.contractId, 'contract id'), u64le(a.requestId),
    hex32(a.dataId, 'data_id'), hex32(a.inputHash, 'input_hash'), hex32(a.seed, 'seed'),
    shortText(a.workerId, 'worker id'),
    hex32(a.codeHash, 'code_hash'), new Uint8Array([a.success ? 1 : 0]), outputHash, sha256(toBytes(a.error)),
    u64le(a.instructions), hex32(a.transcriptHash, 'transcript_hash')
  ))
}

export function attestationDigestV2 (a: AttestationV2): Uint8Array {
  return attestationDigestV2FromHash(a, sha256(a.output))
}

export function signAttestationV2 (a: AttestationV2, secretKey: Uint8Array): Uint8Array {
  return sign(attestationDigestV2(a), secretKey)
}

export function verifyAttestationV2 (a: AttestationV2, signature: Uint8Array, publicKey: Uint8Array): boolean {
  return verify(signature, attestationDigestV2(a), publicKey)
}
