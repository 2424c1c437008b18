/**
 * ECIES on ristretto255: ephemeral r, E = r·G, key = HKDF-SHA256(ikm r·P, salt E‖P, info label), then
 * ChaCha20-Poly1305 with the 45-byte header as associated data. One construction serves the secrets blob (to
 * the keystore group key, opened by t partials) and the keystore's replies (to a worker's one-time reply key).
 *
 *   offset  size   field
 *   0       1      version, 0x01
 *   1       32     E = r·G
 *   33      12     nonce (random)
 *   45      n+16   ciphertext ‖ Poly1305 tag
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { SecretsError } from './errors.js'
import { Point, decodePoint, scalarFromWide, type Point as PointT } from './group.js'

export const ECIES_VERSION = 0x01
export const HEADER_BYTES = 1 + 32 + 12
export const TAG_BYTES = 16
export const OVERHEAD_BYTES = HEADER_BYTES + TAG_BYTES

export interface EciesParts { version: number, ephemeral: Uint8Array, nonce: Uint8Array, body: Uint8Array, header: Uint8Array }

export function parseEcies (blob: Uint8Array): EciesParts {
  if (blob.length < OVERHEAD_BYTES) throw new SecretsError('MALFORMED', `an ECIES blob is at least ${OVERHEAD_BYTES} bytes`)
  if (blob[0] !== ECIES_VERSION) throw new SecretsError('UNSUPPORTED_VERSION', `ECIES version ${blob[0]!} (this code reads ${ECIES_VERSION})`)
  const ephemeral = blob.subarray(1, 33)
  decodePoint(ephemeral, 'ephemeral point E')
  return { version: blob[0]!, ephemeral, nonce: blob.subarray(33, 45), body: blob.subarray(45), header: blob.subarray(0, HEADER_BYTES) }
}

function aeadKey (shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array, label: Uint8Array): Uint8Array {
  const salt = new Uint8Array(64)
  salt.set(ephemeral, 0)
  salt.set(recipient, 32)
  return hkdf(sha256, shared, salt, label, 32)
}

export interface SealOptions {
  /** 64 bytes for r (wide-reduced) and 12 for the nonce; tests pass fixed bytes for a golden vector */
  ephemeralWide?: Uint8Array
  nonce?: Uint8Array
}

/** Encrypts to the point `recipient` (32 bytes) under `label`. */
export function seal (recipient: Uint8Array, label: Uint8Array, plaintext: Uint8Array, opts: SealOptions = {}): Uint8Array {
  const P = decodePoint(recipient, 'recipient key')
  const r = scalarFromWide(opts.ephemeralWide ?? randomBytes(64))
  const E = Point.BASE.multiply(r).toBytes()
  const shared = P.multiply(r).toBytes()
  const nonce = opts.nonce ?? randomBytes(12)
  if (nonce.length !== 12) throw new SecretsError('MALFORMED', 'nonce must be 12 bytes')
  const out = new Uint8Array(HEADER_BYTES + plaintext.length + TAG_BYTES)
  out[0] = ECIES_VERSION
  out.set(E, 1)
  out.set(nonce, 33)
  const key = aeadKey(shared, E, recipient, label)
  out.set(chacha20poly1305(key, nonce, out.subarray(0, HEADER_BYTES)).encrypt(plaintext), HEADER_BYTES)
  key.fill(0)
  shared.fill(0)
  return out
}

/** Decrypts with the shared point r·P = s·E already computed (by one key holder or by combining t partials). */
export function openWithShared (shared: Uint8Array, recipient: Uint8Array, label: Uint8Array, blob: Uint8Array): Uint8Array {
  const parts = parseEcies(blob)
  const key = aeadKey(shared, parts.ephemeral, recipient, label)
  try {
    return chacha20poly1305(key, parts.nonce, parts.header).decrypt(parts.body)
  } catch (err) {
    throw new SecretsError('DECRYPT_FAILED', 'the AEAD tag does not verify (wrong key, label or partials, or tampered bytes)', { cause: err })
  } finally {
    key.fill(0)
  }
}

/** Decrypts with the whole secret scalar (the worker's reply key, or the single-key baseline); `recipient` = secret·G if known. */
export function open (secret: bigint, label: Uint8Array, blob: Uint8Array, recipient: Uint8Array = Point.BASE.multiply(secret).toBytes()): Uint8Array {
  const parts = parseEcies(blob)
  const shared = decodePoint(parts.ephemeral).multiply(secret).toBytes()
  try { return openWithShared(shared, recipient, label, blob) } finally { shared.fill(0) }
}

export const ephemeralOf = (blob: Uint8Array): PointT => decodePoint(parseEcies(blob).ephemeral, 'ephemeral point E')
