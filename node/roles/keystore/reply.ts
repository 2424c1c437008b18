/**
 * The sealed reply of a release (member → worker): X25519 to the worker's one-time reply key W, with node's
 * native crypto (OpenSSL). Profiled in bench:keystore, the ristretto255 ECIES of @noble/curves (decode W, r·G,
 * r·W on the member; decode, w·E on the worker) was 23% of a 3-of-5 release's CPU, about 2 ms per seal and per
 * open; this costs about 0.13 ms. The reply key never touches the group key, so it need not be on ristretto255.
 *
 *   offset  size   field
 *   0       1      version, 0x02
 *   1       32     E, the member's ephemeral X25519 public key
 *   33      12     nonce (random)
 *   45      n+16   ChaCha20-Poly1305(key, nonce, aad = bytes 0..44)(body) ‖ tag
 *   key = HKDF-SHA256(ikm X25519(e, W), salt E ‖ W, info label)
 *
 * A low-order W (an all-zero shared secret) is refused. Not in protocol/: it imports node:crypto, and the
 * dashboard bundles protocol/ for the browser (the browser only encrypts to the group key).
 */
import {
  createCipheriv, createDecipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject
} from 'node:crypto'
import { KeystoreError } from './errors.js'

export const REPLY_VERSION = 0x02
const HEADER_BYTES = 1 + 32 + 12
const TAG_BYTES = 16

/** A one-time reply key: the raw public key W goes in the signed request, the private half opens the answers. */
export interface ReplyKey { publicKey: Uint8Array, privateKey: KeyObject }

export function newReplyKey (): ReplyKey {
  const { publicKey, privateKey } = generateKeyPairSync('x25519')
  return { publicKey: rawPublicKey(publicKey), privateKey }
}

/** DER SPKI of an X25519 public key: a fixed 12-byte prefix, then the raw 32 bytes (DER is cheaper than JWK both ways) */
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex')

const rawPublicKey = (key: KeyObject): Uint8Array => new Uint8Array(key.export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519.length))

function importPublicKey (raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new KeystoreError('BAD_MESSAGE', 'an X25519 key is 32 bytes')
  return createPublicKey({ key: Buffer.concat([SPKI_X25519, raw]), format: 'der', type: 'spki' })
}

function aeadKey (privateKey: KeyObject, peer: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array, label: Uint8Array): Buffer {
  let shared: Buffer
  // OpenSSL refuses an all-zero X25519 output (a low-order peer key); checked again rather than trusted
  try { shared = diffieHellman({ privateKey, publicKey: importPublicKey(peer) }) } catch (err) {
    throw new KeystoreError('BAD_MESSAGE', 'the reply key is not a usable X25519 key', { cause: err })
  }
  try {
    if (shared.every(b => b === 0)) throw new KeystoreError('BAD_MESSAGE', 'the reply key is of low order')
    return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeral, recipient]), label, 32))
  } finally {
    shared.fill(0)
  }
}

/** Seals `body` to the reply key W (raw X25519, 32 bytes) under `label`. */
export function sealReply (recipient: Uint8Array, label: Uint8Array, body: Uint8Array): Uint8Array {
  const ephemeral = newReplyKey()
  const key = aeadKey(ephemeral.privateKey, recipient, ephemeral.publicKey, recipient, label)
  try {
    const header = Buffer.alloc(HEADER_BYTES)
    header[0] = REPLY_VERSION
    header.set(ephemeral.publicKey, 1)
    randomBytes(12).copy(header, 33)
    const cipher = createCipheriv('chacha20-poly1305', key, header.subarray(33), { authTagLength: TAG_BYTES })
    cipher.setAAD(header, { plaintextLength: body.length })
    return Buffer.concat([header, cipher.update(body), cipher.final(), cipher.getAuthTag()])
  } finally {
    key.fill(0)
  }
}

/** Opens a reply with the reply key's private half; BAD_MESSAGE for anything that does not open. */
export function openReply (reply: ReplyKey, label: Uint8Array, sealed: Uint8Array): Uint8Array {
  if (sealed.length < HEADER_BYTES + TAG_BYTES || sealed[0] !== REPLY_VERSION) throw new KeystoreError('BAD_MESSAGE', `a reply is version ${REPLY_VERSION}, at least ${HEADER_BYTES + TAG_BYTES} bytes`)
  const header = sealed.subarray(0, HEADER_BYTES)
  const key = aeadKey(reply.privateKey, header.subarray(1, 33), header.subarray(1, 33), reply.publicKey, label)
  try {
    const decipher = createDecipheriv('chacha20-poly1305', key, header.subarray(33), { authTagLength: TAG_BYTES })
    decipher.setAAD(header, { plaintextLength: sealed.length - HEADER_BYTES - TAG_BYTES })
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
    // a plain Uint8Array: a Buffer's slice() is a view, and callers slice the body and zero it
    const out = decipher.update(sealed.subarray(HEADER_BYTES, sealed.length - TAG_BYTES))
    const body = new Uint8Array(out)
    out.fill(0)
    try { decipher.final() } catch (err) { body.fill(0); throw new KeystoreError('BAD_MESSAGE', 'the reply\'s AEAD tag does not verify', { cause: err }) }
    return body
  } finally {
    key.fill(0)
  }
}
