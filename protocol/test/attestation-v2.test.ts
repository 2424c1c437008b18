import assert from 'node:assert/strict'
import {
  attestationDigestV2, commitHash, commitSalt, keyPairFromSeed, sha256Hex, signAttestationV2, toHex, verifyAttestationV2,
  type AttestationV2
} from '../index.js'
import { GOLDEN_V2 } from './golden-v2.js'

const GOLDEN_DIGEST = 'aa8ee61c98d147b6ff842a093f6be80a7c205f4df9cad22cde4fde90580833c9'
const GOLDEN_SALT = 'ad385be169535599a1729d445ff7db69dbb3ea470bf9faf18f55969f673b73de'
const GOLDEN_COMMIT = 'ce1efb374ed8e528a7706cff4bc8beda5727e8a783013d7bfd7a5a5021c40139'

describe('protocol/attestation v2 and commit', () => {
  const worker = keyPairFromSeed(new Uint8Array(32).fill(7))

  it('matches the golden digest, salt and commit computed with Python hashlib', () => {
    const digest = attestationDigestV2(GOLDEN_V2)
    assert.equal(toHex(digest), GOLDEN_DIGEST)
    const salt = commitSalt(worker.secretKey, 42n)
    assert.equal(toHex(salt), GOLDEN_SALT)
    assert.equal(toHex(commitHash(digest, salt)), GOLDEN_COMMIT)
  })

  it('derives the same salt from the 32-byte seed and the 64-byte NEAR secret key, and a different one per request', () => {
    const full = new Uint8Array(64)
    full.set(worker.secretKey, 0)
    full.set(worker.publicKey, 32)
    assert.equal(toHex(commitSalt(full, 42n)), GOLDEN_SALT)
    assert.notEqual(toHex(commitSalt(worker.secretKey, 43n)), GOLDEN_SALT)
  })

  it('binds network, contract, request, data id, input, seed, worker, code, result and transcript', () => {
    const sig = signAttestationV2(GOLDEN_V2, worker.secretKey)
    assert.ok(verifyAttestationV2(GOLDEN_V2, sig, worker.publicKey))
    const variants: Array<Partial<AttestationV2>> = [
      { networkId: 'testnet' }, { contractId: 'other.test.near' }, { requestId: 43n }, { dataId: '12'.repeat(32) },
      { inputHash: sha256Hex('{"a":2}') }, { seed: '23'.repeat(32) }, { workerId: 'worker-1.test.near' },
      { codeHash: 'ac'.repeat(32) }, { success: false }, { output: new TextEncoder().encode('{"numbers":[1,2,4]}') },
      { error: 'x' }, { instructions: 1_234_568n }, { transcriptHash: '00'.repeat(32) }
    ]
    for (const v of variants) assert.equal(verifyAttestationV2({ ...GOLDEN_V2, ...v }, sig, worker.publicKey), false, JSON.stringify(Object.keys(v)))
  })

  it('refuses malformed hashes and ids with a typed error', () => {
    assert.throws(() => attestationDigestV2({ ...GOLDEN_V2, seed: 'AB'.repeat(32) }), { name: 'ProtocolError' })
    assert.throws(() => attestationDigestV2({ ...GOLDEN_V2, workerId: '' }), { name: 'ProtocolError' })
    assert.throws(() => commitHash(new Uint8Array(31), new Uint8Array(32)), { name: 'ProtocolError' })
  })
})
