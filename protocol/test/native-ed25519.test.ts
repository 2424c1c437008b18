/**
 * keys.ts verify takes OpenSSL's word for a valid signature (native-ed25519.ts fastVerifies) and asks the pure-JS
 * strict check otherwise: its answer must be the pure-JS answer on every input, valid or crafted. Checked against
 * noble's strict verify over honest signatures and the inputs where the two checks differ (small-order keys and
 * components, S ≥ L, non-canonical encodings, tampered bytes).
 */
import assert from 'node:assert/strict'
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha512 } from '@noble/hashes/sha2.js'
import { generateKeyPair, setSignatureConfirmer, sign, verify } from '../keys.js'
import { fastVerifies, signNative, verifyNative } from '../native-ed25519.js'

const noble = (sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): boolean => {
  try { return ed25519.verify(sig, msg, pk, { zip215: false }) } catch { return false }
}
const L = 2n ** 252n + 27742317777372353535851937790883648493n
const le = (n: bigint): Uint8Array => Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex').reverse())
const num = (b: Uint8Array): bigint => BigInt('0x' + Buffer.from(b).reverse().toString('hex'))
const { Point } = ed25519
/** the 8 points of small order (the torsion subgroup), as encodings */
const TORSION = (() => {
  // an order-8 point: the 8-torsion generator is any point T with [8]T = 0 and [4]T != 0; take one from a known encoding
  const t8 = Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a')
  const out: Uint8Array[] = []
  let p = Point.ZERO
  for (let i = 0; i < 8; i++) { out.push(p.toBytes()); p = p.add(t8) }
  return out
})()

/** an ed25519 signature whose R carries a torsion point T (what a signer who wants the two checks to disagree makes) */
function signWithTorsion (seed: Uint8Array, msg: Uint8Array, T: InstanceType<typeof Point>): Uint8Array {
  const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(seed)
  const r = num(sha512(msg).subarray(0, 32)) % L || 1n
  const R = Point.BASE.multiply(r).add(T).toBytes()
  const k = num(sha512(new Uint8Array([...R, ...pointBytes, ...msg]))) % L
  const sig = new Uint8Array(64)
  sig.set(R, 0)
  sig.set(le((r + k * scalar) % L), 32)
  return sig
}

function check (sig: Uint8Array, msg: Uint8Array, pk: Uint8Array, what: string): void {
  assert.equal(verify(sig, msg, pk), noble(sig, msg, pk), what)
  if (fastVerifies(sig, msg, pk)) assert.ok(noble(sig, msg, pk), `${what}: the fast path vouched for what the strict check refuses`)
}

describe('protocol native ed25519: the fast path never changes verify’s answer', () => {
  before(() => { setSignatureConfirmer(fastVerifies) })
  after(() => { setSignatureConfirmer(undefined) })

  it('agrees on 100 honest signatures and their tampered copies, and takes the fast path for the honest ones', () => {
    for (let i = 0; i < 100; i++) {
      const pair = generateKeyPair()
      const msg = new TextEncoder().encode(`message ${i}`)
      const sig = sign(msg, pair.secretKey)
      check(sig, msg, pair.publicKey, `honest ${i}`)
      assert.ok(fastVerifies(sig, msg, pair.publicKey), `honest ${i} takes the fast path`)
      const flipped = sig.slice(); flipped[i % 64]! ^= 1 << (i % 8)
      check(flipped, msg, pair.publicKey, `tampered signature ${i}`)
      const msg2 = msg.slice(); msg2[0]! ^= 1
      check(sig, msg2, pair.publicKey, `tampered message ${i}`)
      // S + L: the same scalar, not reduced; strict verification refuses it
      const unreduced = sig.slice(); unreduced.set(le(num(sig.subarray(32)) + L), 32)
      check(unreduced, msg, pair.publicKey, `S + L ${i}`)
    }
  })

  it('agrees where cofactored and cofactorless checks differ: a torsion component in R or in the key', () => {
    for (let i = 0; i < 8; i++) {
      const pair = generateKeyPair()
      const msg = new TextEncoder().encode(`torsion ${i}`)
      const sig = sign(msg, pair.secretKey)
      const T = Point.fromBytes(TORSION[i]!)
      // signed with R = [r]B + T (and k over that R): the cofactored equation holds ([8]T = 0), the cofactorless
      // one does not unless T = 0, so OpenSSL refuses what the strict check accepts; verify must still say true
      const withT = signWithTorsion(pair.secretKey, msg, T)
      check(withT, msg, pair.publicKey, `R + T${i}`)
      assert.ok(noble(withT, msg, pair.publicKey), `R + T${i}: the cofactored check accepts it`)
      assert.equal(verifyNative(withT, msg, pair.publicKey), i === 0, `R + T${i}: OpenSSL accepts it only for T = 0`)
      // a key with a torsion component: A' = A + T (the hash binds A', so the signature is for nothing; still no disagreement)
      const a = Point.fromBytes(pair.publicKey).add(T).toBytes()
      check(sig, msg, a, `A + T${i}`)
      // a small-order key with the all-zero signature's cousins
      check(new Uint8Array(64), msg, TORSION[i]!, `small-order key T${i}, zero signature`)
      const zeroS = new Uint8Array(64); zeroS.set(TORSION[i]!, 0)
      check(zeroS, msg, TORSION[i]!, `small-order key and R = T${i}, S = 0`)
    }
  })

  it('agrees on non-canonical key encodings (y ≥ p, x = 0 with the sign bit)', () => {
    const msg = new TextEncoder().encode('non-canonical')
    const p = 2n ** 255n - 19n
    for (const y of [p, p + 1n, p + 2n, 2n ** 255n - 1n]) check(new Uint8Array(64), msg, le(y), `y = ${y - p} + p`)
    const one = le(1n); one[31]! |= 0x80
    check(new Uint8Array(64), msg, one, 'y = 1 with the sign bit')
  })

  it('verifyNative is OpenSSL: an honest signature verifies, a bad key or length does not', () => {
    const pair = generateKeyPair()
    const msg = new Uint8Array([1, 2, 3])
    const sig = sign(msg, pair.secretKey)
    assert.ok(verifyNative(sig, msg, pair.publicKey))
    assert.equal(verifyNative(sig.slice(1), msg, pair.publicKey), false)
    assert.equal(verifyNative(sig, msg, new Uint8Array(31)), false)
    assert.equal(verifyNative(sig, msg, le(2n ** 255n - 19n)), false)
  })

  it('signNative gives byte for byte the signature keys.ts sign gives (ed25519 is deterministic)', () => {
    for (let i = 0; i < 20; i++) {
      const { secretKey } = generateKeyPair()
      const msg = sha512(new Uint8Array([i]))
      assert.deepEqual(signNative(msg, secretKey), sign(msg, secretKey), `key ${i}`)
      assert.deepEqual(signNative(msg, secretKey), sign(msg, secretKey), `key ${i}, cached KeyObject`)
    }
  })
})
