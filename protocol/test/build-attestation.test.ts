import assert from 'node:assert/strict'
import { buildKey, generateKeyPair, normaliseRepo, signBuildAttestation, verifyBuildAttestation, canonicalHash } from '../index.js'

const input = { repo: 'zavodil/random-ark', commit: 'a'.repeat(40), build_target: 'wasm32-wasip1', builder_image: 'sha256:' + 'b'.repeat(64) }

describe('protocol/build-attestation', () => {
  it('normalises repos so one build has one key', () => {
    assert.equal(normaliseRepo('zavodil/random-ark'), 'https://github.com/zavodil/random-ark')
    assert.equal(normaliseRepo('HTTPS://GitHub.com/zavodil/random-ark.git/'), 'https://github.com/zavodil/random-ark')
    assert.equal(buildKey(input), buildKey({ ...input, repo: 'https://github.com/zavodil/random-ark.git' }))
    assert.equal(buildKey(input), canonicalHash({ ...input, repo: 'https://github.com/zavodil/random-ark' }))
    assert.notEqual(buildKey(input), buildKey({ ...input, builder_image: 'other' }))
  })

  it('signs and verifies build attestations, refusing any altered field', () => {
    const a = signBuildAttestation({ ...input, wasm_hash: 'c'.repeat(64), size: 1000 }, generateKeyPair())
    assert.ok(verifyBuildAttestation(a))
    assert.equal(verifyBuildAttestation({ ...a, wasm_hash: 'd'.repeat(64) }), false)
    assert.equal(verifyBuildAttestation({ ...a, size: 1001 }), false)
    assert.equal(verifyBuildAttestation({ ...a, commit: 'e'.repeat(40) }), false)
    assert.equal(verifyBuildAttestation({ ...a, builder: 'garbage' }), false)
  })
})
