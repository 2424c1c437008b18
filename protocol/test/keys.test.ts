import assert from 'node:assert/strict'
import { KeyPair as NearKeyPair } from 'near-api-js'
import {
  generateKeyPair, keyPairFromSeed, parsePublicKey, parseSecretKey, parseSignature, publicKeyToString, secretKeyToString,
  sign, signatureToString, verify, ProtocolError, fromHex
} from '../index.js'

describe('protocol/keys', () => {
  it('round-trips NEAR key strings and matches near-api-js', () => {
    const pair = generateKeyPair()
    const text = secretKeyToString(pair)
    const near = NearKeyPair.fromString(text as `ed25519:${string}`)
    assert.equal(near.getPublicKey().toString(), publicKeyToString(pair.publicKey))
    assert.deepEqual(parseSecretKey(text).publicKey, pair.publicKey)
    assert.deepEqual(parsePublicKey(publicKeyToString(pair.publicKey)), pair.publicKey)
  })

  it('signs like near-api-js (RFC 8032 test vector 1)', () => {
    const pair = keyPairFromSeed(fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'))
    assert.equal(Buffer.from(pair.publicKey).toString('hex'), 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
    const sig = sign(new Uint8Array(0), pair.secretKey)
    assert.equal(Buffer.from(sig).toString('hex').slice(0, 32), 'e5564300c360ac729086e2cc806e828a')
    assert.ok(verify(parseSignature(signatureToString(sig)), new Uint8Array(0), pair.publicKey))
  })

  it('verify is false, never a throw, for tampered or malformed input', () => {
    const pair = generateKeyPair()
    const msg = new TextEncoder().encode('hello')
    const sig = sign(msg, pair.secretKey)
    assert.equal(verify(sig, new TextEncoder().encode('hellp'), pair.publicKey), false)
    assert.equal(verify(sig.slice(1), msg, pair.publicKey), false)
    assert.equal(verify(new Uint8Array(64).fill(255), msg, pair.publicKey), false)
    assert.equal(verify(sig, msg, new Uint8Array(32)), false)
  })

  it('names what is wrong with a bad key string', () => {
    for (const bad of ['abc', 'ed25519:0OIl', 'ed25519:' + '1'.repeat(10)]) {
      assert.throws(() => parsePublicKey(bad), (e: unknown) => e instanceof ProtocolError && e.code === 'BAD_KEY')
    }
    const pair = generateKeyPair()
    const other = generateKeyPair()
    const mismatched = secretKeyToString({ secretKey: pair.secretKey, publicKey: other.publicKey })
    assert.throws(() => parseSecretKey(mismatched), /does not match/)
  })
})
