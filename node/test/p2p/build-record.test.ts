import assert from 'node:assert/strict'
import { generateKeyPair, sha256Hex, signBuildAttestation, type BuildAttestation } from '../../../protocol/index.js'
import {
  MAX_RECORD_ATTESTATIONS, decodeBuildRecord, encodeBuildRecord, mergeAttestations, recordKeyBytes, selectBuildRecord, validateBuildRecord
} from '../../p2p/dht/build-record.js'
import { randomHex } from './helpers.js'

const input = { repo: 'outlayer/examples', commit: randomHex(20), build_target: 'wasm32-wasip1', builder_image: 'outlayer/builder:1' }

function attest (wasm: string): BuildAttestation {
  return signBuildAttestation({ ...input, wasm_hash: sha256Hex(wasm), size: wasm.length }, generateKeyPair())
}

describe('p2p build record (DHT value)', () => {
  const a = attest('wasm'); const b = attest('wasm'); const c = attest('other wasm')
  const key = recordKeyBytes(a.build_key)

  it('round-trips and verifies every attestation', () => {
    assert.deepEqual(new Set(decodeBuildRecord(encodeBuildRecord([a, b]), a.build_key)), new Set([a, b]))
  })

  it('merges to the same bytes whatever the input order, agreeing builders first', () => {
    const one = encodeBuildRecord(mergeAttestations([c, a], [b, a]))
    const two = encodeBuildRecord(mergeAttestations([b], [c], [a]))
    assert.deepEqual(one, two)
    assert.equal(decodeBuildRecord(one, a.build_key)[2]!.builder, c.builder, 'the lone wasm hash comes last')
  })

  it('validator refuses a record holding one tampered attestation among good ones', () => {
    const tampered = { ...b, size: b.size + 1 }
    assert.throws(() => { validateBuildRecord(key, encodeBuildRecord([a, tampered])) }, (err: Error & { code?: string }) => err.code === 'BAD_INPUT')
  })

  it('validator refuses an attestation filed under another build key', () => {
    const other = signBuildAttestation({ ...input, commit: randomHex(20), wasm_hash: sha256Hex('x'), size: 1 }, generateKeyPair())
    assert.throws(() => { validateBuildRecord(key, encodeBuildRecord([other])) })
  })

  it('selector prefers the record vouched for by more builders, and skips invalid ones', () => {
    const records = [encodeBuildRecord([a]), new TextEncoder().encode('garbage'), encodeBuildRecord([a, b]), encodeBuildRecord([b])]
    assert.equal(selectBuildRecord(key, records), 2)
  })

  it('caps a record at MAX_RECORD_ATTESTATIONS builders', () => {
    const many = Array.from({ length: MAX_RECORD_ATTESTATIONS + 3 }, () => attest('wasm'))
    assert.equal(mergeAttestations(many).length, MAX_RECORD_ATTESTATIONS)
  })
})
