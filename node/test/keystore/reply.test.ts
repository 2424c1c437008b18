/** The sealed reply (member → worker) over X25519: opens only with its key and label, refuses tampering and low-order keys. */
import assert from 'node:assert/strict'
import { KeystoreError } from '../../roles/keystore/index.js'
import { REPLY_VERSION, newReplyKey, openReply, sealReply } from '../../roles/keystore/reply.js'

const label = new TextEncoder().encode('outlayer-mesh/keystore/reply/v1\0ctx')
const body = Uint8Array.from({ length: 96 }, (_, i) => i)
const refusedAs = (code: string) => (err: unknown): boolean => err instanceof KeystoreError && err.code === code

describe('keystore reply (X25519, ChaCha20-Poly1305)', () => {
  it('opens with the reply key and the same label', () => {
    const key = newReplyKey()
    const sealed = sealReply(key.publicKey, label, body)
    assert.equal(sealed[0], REPLY_VERSION)
    assert.equal(sealed.length, 45 + body.length + 16)
    assert.deepEqual(openReply(key, label, sealed), body)
  })

  it('refuses another key, another label, a flipped byte and another version', () => {
    const key = newReplyKey()
    const sealed = sealReply(key.publicKey, label, body)
    assert.throws(() => openReply(newReplyKey(), label, sealed), refusedAs('BAD_MESSAGE'))
    assert.throws(() => openReply(key, new TextEncoder().encode('another'), sealed), refusedAs('BAD_MESSAGE'))
    for (const at of [0, 1, 33, 45, sealed.length - 1]) {
      const bad = Uint8Array.from(sealed)
      bad[at] = bad[at]! ^ 1
      assert.throws(() => openReply(key, label, bad), refusedAs('BAD_MESSAGE'), `byte ${at} flipped`)
    }
    assert.throws(() => openReply(key, label, sealed.subarray(0, 60)), refusedAs('BAD_MESSAGE'))
  })

  it('refuses to seal to a low-order reply key (the shared secret would be known to all)', () => {
    // u = 0 and u = 1 are of small order on curve25519: X25519 with any scalar gives the all-zero output
    for (const u of [0, 1]) {
      const key = new Uint8Array(32)
      key[0] = u
      assert.throws(() => sealReply(key, label, body), refusedAs('BAD_MESSAGE'), `u = ${u}`)
    }
  })
})
