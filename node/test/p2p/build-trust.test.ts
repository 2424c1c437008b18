import assert from 'node:assert/strict'
import { generateKeyPair, publicKeyToString, sha256Hex, signBuildAttestation, type BuildAttestation, type KeyPair } from '../../../protocol/index.js'
import {
  MAX_RECORD_ATTESTATIONS, buildRecordSelector, encodeBuildRecord, mergeAttestations, mergeRegistered, recordKeyBytes, trustedWasmHash
} from '../../p2p/dht/build-record.js'
import { randomHex } from './helpers.js'

const input = { repo: 'outlayer/examples', commit: randomHex(20), build_target: 'wasm32-wasip1', builder_image: `outlayer-builder:2@sha256:${'c'.repeat(64)}` }
const HONEST = 'honest wasm'
const ATTACK = 'attacker wasm'

function attest (wasm: string, key: KeyPair = generateKeyPair()): BuildAttestation {
  return signBuildAttestation({ ...input, wasm_hash: sha256Hex(wasm), size: wasm.length }, key)
}

/** n registered (bonded) builders, and the chain's view of who is registered. */
function registeredBuilders (n: number): { keys: KeyPair[], isRegisteredKey: (k: string) => boolean } {
  const keys = Array.from({ length: n }, () => generateKeyPair())
  const set = new Set(keys.map(k => publicKeyToString(k.publicKey)))
  return { keys, isRegisteredKey: k => set.has(k) }
}

describe('p2p build trust: only registered builders count (sybil records, issue 17 §1)', () => {
  const buildKey = attest(HONEST).build_key

  /** The worker's decision on what the DHT would hold after honest and sybil puts were merged. */
  function decide (honest: BuildAttestation[], sybils: BuildAttestation[], isRegisteredKey: (k: string) => boolean, k: number): ReturnType<typeof trustedWasmHash> {
    const merged = mergeRegistered(isRegisteredKey, sybils, honest)
    return trustedWasmHash({ buildKey, attestations: merged }, isRegisteredKey, k)
  }

  const scenarios: Array<{ k: number, sybils: number, honest: number }> = [
    { k: 1, sybils: 2, honest: 0 }, { k: 1, sybils: 2, honest: 1 },
    { k: 3, sybils: 3, honest: 2 }, { k: 3, sybils: 3, honest: 3 },
    { k: 3, sybils: 16, honest: 1 }, { k: 3, sybils: 16, honest: 3 }
  ]
  for (const { k, sybils, honest } of scenarios) {
    it(`trustBuilders ${k}, ${sybils} sybils, ${honest} honest registered builder(s): ${honest >= k ? 'the honest wasm' : 'a refusal'}, never the attacker's`, () => {
      const reg = registeredBuilders(honest)
      const decision = decide(reg.keys.map(key => attest(HONEST, key)), Array.from({ length: sybils }, () => attest(ATTACK)), reg.isRegisteredKey, k)
      if (honest >= k) {
        assert.ok(decision.ok, JSON.stringify(decision))
        assert.equal(decision.wasmHash, sha256Hex(HONEST))
        assert.equal(decision.builders.length, honest)
      } else {
        assert.ok(!decision.ok)
        assert.equal(decision.code, 'NO_QUORUM')
        assert.ok(!(sha256Hex(ATTACK) in decision.hashes), 'sybils were counted')
      }
    })
  }

  it('filters before the cap: 16 agreeing sybils would push the honest entry out of an unfiltered record, not out of ours', () => {
    const reg = registeredBuilders(1)
    const honest = attest(HONEST, reg.keys[0])
    const sybils = Array.from({ length: MAX_RECORD_ATTESTATIONS }, () => attest(ATTACK))
    assert.ok(!mergeAttestations(sybils, [honest]).includes(honest), 'the unfiltered merge keeps the larger sybil group (why the filter exists)')
    assert.deepEqual(mergeRegistered(reg.isRegisteredKey, sybils, [honest]), [honest])
  })

  it('the DHT selector prefers one registered builder over 16 sybils, so kad-dht correction spreads the honest record', () => {
    const reg = registeredBuilders(1)
    const sybilRecord = encodeBuildRecord(Array.from({ length: MAX_RECORD_ATTESTATIONS }, () => attest(ATTACK)))
    const honestRecord = encodeBuildRecord([attest(HONEST, reg.keys[0])])
    assert.equal(buildRecordSelector(reg.isRegisteredKey)(recordKeyBytes(buildKey), [sybilRecord, honestRecord]), 1)
  })

  it('registered builders that disagree are a refusal (the caller rebuilds when it is a builder), whatever the counts', () => {
    const reg = registeredBuilders(4)
    const record = [attest(HONEST, reg.keys[0]), attest(HONEST, reg.keys[1]), attest(HONEST, reg.keys[2]), attest(ATTACK, reg.keys[3])]
    const decision = trustedWasmHash({ buildKey, attestations: record }, reg.isRegisteredKey, 1)
    assert.ok(!decision.ok)
    assert.equal(decision.code, 'DISAGREEMENT')
    assert.deepEqual(Object.keys(decision.hashes).sort(), [sha256Hex(HONEST), sha256Hex(ATTACK)].sort())
  })

  it('a registered builder that signed two hashes is a disagreement too', () => {
    const reg = registeredBuilders(2)
    const record = [attest(HONEST, reg.keys[0]), attest(HONEST, reg.keys[1]), attest(ATTACK, reg.keys[1])]
    const decision = trustedWasmHash({ buildKey, attestations: record }, reg.isRegisteredKey, 2)
    assert.ok(!decision.ok && decision.code === 'DISAGREEMENT')
  })

  it('ignores attestations that do not verify or belong to another build key, even from registered keys', () => {
    const reg = registeredBuilders(2)
    const forged = { ...attest(ATTACK, reg.keys[0]), wasm_hash: sha256Hex('x') }
    const other = signBuildAttestation({ ...input, commit: randomHex(20), wasm_hash: sha256Hex(ATTACK), size: 1 }, reg.keys[1])
    const honest = attest(HONEST, reg.keys[1])
    const decision = trustedWasmHash({ buildKey, attestations: [forged, other, honest] }, reg.isRegisteredKey, 1)
    assert.ok(decision.ok)
    assert.equal(decision.wasmHash, sha256Hex(HONEST))
    assert.deepEqual(trustedWasmHash({ buildKey, attestations: [honest] }, reg.isRegisteredKey, 2).ok, false)
  })
})
