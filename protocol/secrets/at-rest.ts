/**
 * A keystore share sealed at rest under the node's own key: key = HKDF-SHA256(node key seed, salt —,
 * info "outlayer-mesh/keystore/share-at-rest/v1"), ChaCha20-Poly1305, random nonce, the group key and the
 * member identifier as associated data (a sealed share moved to another group or slot does not open).
 *
 *   0  1   version 0x01 · 1  12  nonce · 13  n+16  ciphertext ‖ tag   (plaintext: the 32-byte share)
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { hexToBytes, randomBytes } from '@noble/hashes/utils.js'
import { SecretsError } from './errors.js'

const INFO = new TextEncoder().encode('outlayer-mesh/keystore/share-at-rest/v1')

function keyOf (nodeSeed: Uint8Array): Uint8Array {
  if (nodeSeed.length !== 32) throw new SecretsError('MALFORMED', 'node key seed must be 32 bytes')
  return hkdf(sha256, nodeSeed, undefined, INFO, 32)
}

function aad (groupKey: Uint8Array, identifier: string): Uint8Array {
  const out = new Uint8Array(64)
  out.set(groupKey, 0)
  out.set(hexToBytes(identifier), 32)
  return out
}

export function sealShare (nodeSeed: Uint8Array, groupKey: Uint8Array, identifier: string, share: Uint8Array): Uint8Array {
  const key = keyOf(nodeSeed)
  const nonce = randomBytes(12)
  const ct = chacha20poly1305(key, nonce, aad(groupKey, identifier)).encrypt(share)
  key.fill(0)
  const out = new Uint8Array(1 + 12 + ct.length)
  out[0] = 1
  out.set(nonce, 1)
  out.set(ct, 13)
  return out
}

export function openShare (nodeSeed: Uint8Array, groupKey: Uint8Array, identifier: string, sealed: Uint8Array): Uint8Array {
  if (sealed.length !== 1 + 12 + 32 + 16) throw new SecretsError('MALFORMED', 'a sealed share is 61 bytes')
  if (sealed[0] !== 1) throw new SecretsError('UNSUPPORTED_VERSION', `sealed share version ${sealed[0]!}`)
  const key = keyOf(nodeSeed)
  try {
    return chacha20poly1305(key, sealed.subarray(1, 13), aad(groupKey, identifier)).decrypt(sealed.subarray(13))
  } catch (err) {
    throw new SecretsError('DECRYPT_FAILED', 'the sealed share does not open under this node key', { cause: err })
  } finally {
    key.fill(0)
  }
}
