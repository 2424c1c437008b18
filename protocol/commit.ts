/**
 * Commit–reveal (protocol/VERIFICATION-V2.md "Commit"): a worker commits on chain to a hash that binds its
 * digest v2, then reveals the salt and signature in the resolve. The salt is derived from the worker's secret
 * key seed, so a worker restarted after kill -9 rebuilds the same commit:
 *
 *   salt   = sha256( "outlayer-mesh/commit-salt/v1" ‖ 0x00 ‖ secret key seed (32) ‖ u64le request_id )
 *   commit = sha256( "outlayer-mesh/commit/v1" ‖ 0x00 ‖ digest (32) ‖ salt (32) )
 */
import { concatBytes, sha256, toBytes, u64le } from './hash.js'
import { DOMAIN } from './ids.js'
import { ProtocolError } from './errors.js'

function exact (bytes: Uint8Array, length: number, what: string): Uint8Array {
  if (bytes.length !== length) throw new ProtocolError('INVALID', `${what} must be ${length} bytes`)
  return bytes
}

/** `secretKey` is the 32-byte ed25519 seed (KeyPair.secretKey) or its 64-byte NEAR form (seed ‖ public key). */
export function commitSalt (secretKey: Uint8Array, requestId: bigint | number): Uint8Array {
  if (secretKey.length !== 32 && secretKey.length !== 64) throw new ProtocolError('INVALID', 'secret key must be 32 or 64 bytes')
  return sha256(concatBytes(toBytes(DOMAIN.commitSalt), new Uint8Array([0]), secretKey.subarray(0, 32), u64le(requestId)))
}

export function commitHash (digest: Uint8Array, salt: Uint8Array): Uint8Array {
  return sha256(concatBytes(toBytes(DOMAIN.commit), new Uint8Array([0]), exact(digest, 32, 'digest'), exact(salt, 32, 'salt')))
}
