/**
 * Chaum–Pedersen proof that a partial D = s_i·E uses the same s_i as the member's verifying share Y = s_i·G,
 * bound to a context (the request, the worker, the blob), so a wrong partial names its keystore node.
 *
 *   c = H("outlayer-mesh/keystore/dleq/v1" ‖ 0x00 ‖ Y ‖ E ‖ D ‖ A1 ‖ A2 ‖ u32be len(ctx) ‖ ctx) mod ℓ  (SHA-512, wide)
 *   proof = c (32 LE) ‖ z (32 LE), z = k + c·s_i;  verify: A1 = z·G − c·Y, A2 = z·E − c·D, c recomputed.
 *   k = H("…/dleq-nonce/v1" ‖ s_i ‖ 32 random bytes ‖ E ‖ ctx) (hedged: a bad RNG alone does not leak s_i)
 */
import { sha512 } from '@noble/hashes/sha2.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { SecretsError } from './errors.js'
import { Fn, Point, decodePoint, decodeScalar, encodeScalar, scalarFromWide, type Point as PointT } from './group.js'

const utf8 = new TextEncoder()
const DOMAIN = utf8.encode('outlayer-mesh/keystore/dleq/v1\0')
const NONCE_DOMAIN = utf8.encode('outlayer-mesh/keystore/dleq-nonce/v1\0')
export const DLEQ_PROOF_BYTES = 64

function u32be (n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff])
}

function challenge (Y: Uint8Array, E: Uint8Array, D: Uint8Array, A1: Uint8Array, A2: Uint8Array, ctx: Uint8Array): bigint {
  const h = sha512.create().update(DOMAIN)
  for (const part of [Y, E, D, A1, A2, u32be(ctx.length), ctx]) h.update(part)
  return scalarFromWide(h.digest())
}

export interface PartialWithProof { partial: Uint8Array, proof: Uint8Array }

/**
 * What the prover may already know: Y = s·G; E decoded (with a precomputed table: E is fixed per record, so a
 * keystore node keeps it per blob, and k·E then costs a fraction of a plain multiplication); D = s·E.
 */
export interface KnownPoints { verifyingShare?: Uint8Array, ephemeralPoint?: PointT, partial?: Uint8Array }

/** D = s·E and its proof. `share` is the member's scalar; E the blob's ephemeral point. */
export function provePartial (share: bigint, ephemeral: Uint8Array, ctx: Uint8Array, known: KnownPoints = {}): PartialWithProof {
  const E = known.ephemeralPoint ?? decodePoint(ephemeral, 'ephemeral point E')
  const Y = known.verifyingShare ?? Point.BASE.multiply(share).toBytes()
  const D = known.partial ?? E.multiply(share).toBytes()
  const shareBytes = encodeScalar(share)
  const k = scalarFromWide(sha512.create().update(NONCE_DOMAIN).update(shareBytes).update(randomBytes(32)).update(ephemeral).update(ctx).digest())
  shareBytes.fill(0)
  const A1 = Point.BASE.multiply(k).toBytes()
  const A2 = E.multiply(k).toBytes()
  const c = challenge(Y, ephemeral, D, A1, A2, ctx)
  const z = Fn.add(k, Fn.mul(c, share))
  const proof = new Uint8Array(DLEQ_PROOF_BYTES)
  proof.set(encodeScalar(c), 0)
  proof.set(encodeScalar(z), 32)
  return { partial: D, proof }
}

/** true when `partial` = s·E for the s with verifyingShare = s·G; false for any bad or malformed input. */
export function verifyPartial (verifyingShare: Uint8Array, ephemeral: Uint8Array, partial: Uint8Array, proof: Uint8Array, ctx: Uint8Array): boolean {
  try {
    if (proof.length !== DLEQ_PROOF_BYTES) return false
    const Y = decodePoint(verifyingShare, 'verifying share')
    const E = decodePoint(ephemeral, 'ephemeral point E')
    const D = decodePoint(partial, 'partial')
    const c = decodeScalar(proof.subarray(0, 32), 'challenge')
    const z = decodeScalar(proof.subarray(32, 64), 'response')
    // c or z of 0 happens with probability 2^-252 for an honest prover: refused rather than special-cased
    if (c === 0n || z === 0n) return false
    const A1 = Point.BASE.multiplyUnsafe(z).subtract(Y.multiplyUnsafe(c))
    const A2 = E.multiplyUnsafe(z).subtract(D.multiplyUnsafe(c))
    return challenge(verifyingShare, ephemeral, partial, A1.toBytes(), A2.toBytes(), ctx) === c
  } catch (err) {
    if (err instanceof SecretsError) return false
    throw err
  }
}
