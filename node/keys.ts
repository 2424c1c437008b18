/**
 * Key helpers for the node: the libp2p identity (base64 protobuf in config.json) and ed25519 keys in NEAR's
 * string form (the worker's NEAR account key and the envelope/attestation signing key).
 */
import { generateKeyPair as generateLibp2pKey, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair, parseSecretKey, publicKeyToString, secretKeyToString } from '../protocol/index.js'
import { CodedError } from './errors.js'

export class KeyError extends CodedError<'BAD_P2P_KEY' | 'BAD_ED25519_KEY'> { override readonly name = 'KeyError' }

/** A fresh libp2p Ed25519 identity, encoded as config.json stores it. */
export async function generateP2pKey (): Promise<string> {
  return encodeP2pKey(await generateLibp2pKey('Ed25519'))
}

export function encodeP2pKey (key: PrivateKey): string {
  return Buffer.from(privateKeyToProtobuf(key)).toString('base64')
}

/** Decodes `p2p.privateKey` from config.json; throws KeyError with a clear message when it is not a key. */
export function decodeP2pKey (base64: string): PrivateKey {
  if (typeof base64 !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    throw new KeyError('BAD_P2P_KEY', 'libp2p private key must be base64 (protobuf-encoded)')
  }
  try {
    return privateKeyFromProtobuf(Buffer.from(base64, 'base64'))
  } catch (err) {
    throw new KeyError('BAD_P2P_KEY', `libp2p private key is not a valid protobuf key: ${(err as Error).message}`)
  }
}

export function peerIdOfP2pKey (base64: string): string {
  return peerIdFromPrivateKey(decodeP2pKey(base64)).toString()
}

/** A fresh ed25519 key in NEAR's string form (64-byte secret: seed ‖ public key). */
export function generateNearKey (): { secretKey: string, publicKey: string } {
  const pair = generateKeyPair()
  return { secretKey: secretKeyToString(pair), publicKey: publicKeyToString(pair.publicKey) }
}

/** The `ed25519:` public key of an `ed25519:` secret key; throws KeyError when it is malformed. */
export function publicKeyOfNearKey (secretKey: string): string {
  try {
    return publicKeyToString(parseSecretKey(secretKey).publicKey)
  } catch (err) {
    throw new KeyError('BAD_ED25519_KEY', (err as Error).message)
  }
}
