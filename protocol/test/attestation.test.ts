import assert from 'node:assert/strict'
import {
  attestationDigest, keyPairFromSeed, signAttestation, verifyAttestation, toHex, resultHash, responseError, type AttestedResponse
} from '../index.js'

const worker = keyPairFromSeed(new Uint8Array(32).fill(7))
const response: AttestedResponse = {
  contractId: 'outlayer.test.near',
  requestId: 42n,
  success: true,
  output: new TextEncoder().encode('{"numbers":[1,2,3]}'),
  error: '',
  instructions: 1_234_567n
}

describe('protocol/attestation', () => {
  it('has a stable digest (golden vector shared with the contract tests)', () => {
    assert.equal(toHex(attestationDigest(response)), GOLDEN_DIGEST)
  })

  it('binds every field: contract, request, success, output, error, instructions', () => {
    const sig = signAttestation(response, worker.secretKey)
    assert.ok(verifyAttestation(response, sig, worker.publicKey))
    const variants: AttestedResponse[] = [
      { ...response, contractId: 'other.test.near' },
      { ...response, requestId: 43n },
      { ...response, success: false },
      { ...response, output: new TextEncoder().encode('{"numbers":[1,2,4]}') },
      { ...response, error: 'x' },
      { ...response, instructions: 1_234_568n }
    ]
    for (const v of variants) assert.equal(verifyAttestation(v, sig, worker.publicKey), false)
  })

  it('hashes results over deterministic fields only', () => {
    const base = { status: 'ok' as const, exit_code: 0, trap: null, stdout: new Uint8Array([1]), fuel_used: 10n, instrumenter_version: 'v1' }
    assert.equal(resultHash(base), resultHash({ ...base }))
    assert.notEqual(resultHash(base), resultHash({ ...base, fuel_used: 11n }))
    assert.notEqual(resultHash(base), resultHash({ ...base, instrumenter_version: 'v2' }))
    assert.equal(responseError({ status: 'exit', exit_code: 3, trap: null }), 'exit(3)')
    assert.equal(responseError({ status: 'trap', exit_code: null, trap: 'unreachable' }), 'trap(unreachable)')
  })
})

// recomputed independently with Python's hashlib from the layout in protocol/README.md
const GOLDEN_DIGEST = 'da66a548958f49ea6ef99328766aa40fedd6e3f5bd71907b679bb9bf34a689da'
