/**
 * ed25519 with node's native crypto (OpenSSL, RFC 8032, cofactorless): ~30x faster than pure JS. Building a
 * KeyObject costs about as much as a verification, so the last few hundred keys' are kept, with what the pure-JS
 * check thinks of the key (see fastVerifies). Not exported from protocol/index.ts: it imports node:crypto, and the
 * dashboard bundles protocol/ files for the browser. Node-side roots install it: setSignatureConfirmer(fastVerifies).
 */
import { createPrivateKey, createPublicKey, sign as opensslSign, verify as opensslVerify, type KeyObject } from 'node:crypto'
import { ed25519 } from '@noble/curves/ed25519.js'

/** DER PKCS#8 of an ed25519 private key: a fixed 16-byte prefix, then the 32-byte seed */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex')
/** DER SPKI of an ed25519 public key: a fixed 12-byte prefix, then the raw 32 bytes */
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex')
const MAX_KEYS = 256
/** the group order L, little-endian: a signature's S must be below it (RFC 8032 §5.1.7) */
const L_LE = Buffer.from((2n ** 252n + 27742317777372353535851937790883648493n).toString(16).padStart(64, '0'), 'hex').reverse()

/** S (the signature's second half, little-endian) < L */
function reducedS (signature: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const s = signature[32 + i]!
    if (s !== L_LE[i]) return s < L_LE[i]!
  }
  return false
}

interface KnownKey {
  /** null: OpenSSL does not take it */
  object: KeyObject | null
  /** keys.ts verify would accept signatures under it: a canonical encoding (y < p, no x=0 with the sign bit) of a point that is not of small order */
  strictOk: boolean
}
const keys = new Map<string, KnownKey>()

function known (publicKey: Uint8Array): KnownKey {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('latin1')
  let key = keys.get(id)
  if (key == null) {
    let object: KeyObject | null = null
    try { object = createPublicKey({ key: Buffer.concat([SPKI_ED25519, publicKey]), format: 'der', type: 'spki' }) } catch {}
    let strictOk = false
    try { strictOk = !ed25519.Point.fromBytes(publicKey, false).isSmallOrder() } catch {}
    key = { object, strictOk }
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!)
    keys.set(id, key)
  }
  return key
}

/** OpenSSL's answer. Never throws: a malformed key or signature is simply not valid. */
export function verifyNative (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false
  const { object } = known(publicKey)
  if (object == null) return false
  try {
    return opensslVerify(null, message, object, signature)
  } catch {
    return false
  }
}

/**
 * True only where the strict, cofactored pure-JS check (keys.ts verify without a confirmer) is sure to say true as well: OpenSSL's
 * cofactorless equation [S]B = R + [k]A implies the cofactored one, OpenSSL accepts R only as the canonical
 * encoding of the point it computes, and the rest of the strict rules (a canonical key not of small order, S < L)
 * are checked here. False means "not shown here", never "invalid": the caller then asks the pure-JS check.
 */
export function fastVerifies (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false
  if (!known(publicKey).strictOk) return false
  if (!reducedS(signature)) return false
  return verifyNative(signature, message, publicKey)
}

const signers = new Map<string, KeyObject>()

/**
 * RFC 8032 signing with OpenSSL (deterministic, so byte for byte what keys.ts sign gives), ~20x faster than pure
 * JS. The last few secret keys' KeyObjects are kept (a worker signs with one key all its life).
 */
export function signNative (message: Uint8Array, seed: Uint8Array): Uint8Array {
  const id = Buffer.from(seed.buffer, seed.byteOffset, seed.byteLength).toString('latin1')
  let key = signers.get(id)
  if (key == null) {
    key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' })
    if (signers.size >= 16) signers.delete(signers.keys().next().value!)
    signers.set(id, key)
  }
  return new Uint8Array(opensslSign(null, message, key))
}
