/**
 * ed25519 keys in NEAR's string form: `ed25519:<base58>`.
 * A secret key string holds 64 bytes (seed ‖ public key), as near-api-js and near-cli write it.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { base58 } from '@scure/base'
import { ProtocolError } from './errors.js'

const PREFIX = 'ed25519:'

export interface KeyPair {
  /** 32-byte seed */
  readonly secretKey: Uint8Array
  readonly publicKey: Uint8Array
}

export function generateKeyPair (): KeyPair {
  const secretKey = ed25519.utils.randomSecretKey()
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) }
}

export function keyPairFromSeed (seed: Uint8Array): KeyPair {
  if (seed.length !== 32) throw new ProtocolError('BAD_KEY', `an ed25519 seed is 32 bytes, got ${seed.length}`)
  return { secretKey: seed, publicKey: ed25519.getPublicKey(seed) }
}

export function sign (message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey)
}

type Confirmer = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean
let confirmer: Confirmer | undefined

/**
 * Installs a faster check that may confirm a valid signature, never refute one: true only where the pure-JS check
 * says true as well (node and localnet install native-ed25519.ts `fastVerifies`, OpenSSL; this file stays free of
 * node: imports, since the dashboard bundles it for the browser). undefined removes it.
 */
export function setSignatureConfirmer (fn: Confirmer | undefined): void {
  confirmer = fn
}

/**
 * RFC 8032 strict (canonical encodings, S < L, no small-order key), cofactored. Never throws: a malformed key or
 * signature is simply not valid. A signature the installed confirmer vouches for is valid (the same answer, ~30x
 * faster); anything else gets the pure-JS check, whose answer is final.
 */
export function verify (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false
  if (confirmer?.(signature, message, publicKey) === true) return true
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false })
  } catch {
    return false
  }
}

export function publicKeyToString (publicKey: Uint8Array): string {
  return PREFIX + base58.encode(publicKey)
}

export function secretKeyToString (pair: KeyPair): string {
  const full = new Uint8Array(64)
  full.set(pair.secretKey, 0)
  full.set(pair.publicKey, 32)
  return PREFIX + base58.encode(full)
}

export function signatureToString (signature: Uint8Array): string {
  return PREFIX + base58.encode(signature)
}

export function parsePublicKey (text: string): Uint8Array {
  const bytes = decodePrefixed(text, 'public key')
  if (bytes.length !== 32) throw new ProtocolError('BAD_KEY', `an ed25519 public key is 32 bytes, got ${bytes.length}`)
  return bytes
}

export function parseSignature (text: string): Uint8Array {
  const bytes = decodePrefixed(text, 'signature')
  if (bytes.length !== 64) throw new ProtocolError('BAD_SIGNATURE', `an ed25519 signature is 64 bytes, got ${bytes.length}`)
  return bytes
}

/** Accepts the 64-byte NEAR form (seed ‖ public key, checked) or a bare 32-byte seed. */
export function parseSecretKey (text: string): KeyPair {
  const bytes = decodePrefixed(text, 'secret key')
  if (bytes.length === 32) return keyPairFromSeed(bytes)
  if (bytes.length !== 64) throw new ProtocolError('BAD_KEY', `an ed25519 secret key is 64 bytes, got ${bytes.length}`)
  const pair = keyPairFromSeed(bytes.slice(0, 32))
  if (!equalBytes(pair.publicKey, bytes.slice(32))) throw new ProtocolError('BAD_KEY', 'secret key does not match its public half')
  return pair
}

function decodePrefixed (text: string, what: string): Uint8Array {
  if (typeof text !== 'string' || !text.startsWith(PREFIX)) {
    throw new ProtocolError('BAD_KEY', `${what} must look like "${PREFIX}<base58>"`)
  }
  try {
    return base58.decode(text.slice(PREFIX.length))
  } catch {
    throw new ProtocolError('BAD_KEY', `${what} is not valid base58`)
  }
}

export function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}
