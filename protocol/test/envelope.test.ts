import assert from 'node:assert/strict'
import {
  createEnvelope, decodeEnvelope, encodeEnvelope, generateKeyPair, ENVELOPE_LIMITS, MAX_GOSSIP_OUTPUT_BYTES, type TaskPayload, type ProtocolErrorCode
} from '../index.js'

const task: TaskPayload = { contract_id: 'outlayer.test.near', request_id: '7', block_height: '120' }
const key = generateKeyPair()

function code (bytes: Uint8Array, now?: number): ProtocolErrorCode | 'ok' {
  const r = decodeEnvelope(bytes, now != null ? { now } : {})
  return r.ok ? 'ok' : r.error.code
}

function reencode (mutate: (e: Record<string, unknown>) => void): Uint8Array {
  const e = JSON.parse(JSON.stringify(createEnvelope('task', task, key))) as Record<string, unknown>
  mutate(e)
  return new TextEncoder().encode(JSON.stringify(e))
}

describe('protocol/envelope', () => {
  it('round-trips a signed message', () => {
    const e = createEnvelope('task', task, key)
    const r = decodeEnvelope(encodeEnvelope(e))
    assert.ok(r.ok)
    assert.deepEqual(r.value.payload, task)
    assert.equal(r.value.sender, e.sender)
  })

  it('carries an attestation with the largest output the contract accepts', () => {
    const output = Buffer.alloc(MAX_GOSSIP_OUTPUT_BYTES, 0xff).toString('base64')
    const attestation = {
      contract_id: 'outlayer.test.near', request_id: '18446744073709551615', worker_id: 'a'.repeat(64), success: true, output,
      output_hash: '00'.repeat(32), error: '', instructions: '500000000000', time_ms: 180_000, result_hash: '00'.repeat(32),
      signature: Buffer.alloc(64).toString('base64')
    }
    const r = decodeEnvelope(encodeEnvelope(createEnvelope('attestation', attestation, key)))
    assert.ok(r.ok, r.ok ? '' : r.error.message)
  })

  it('refuses forged, altered, stale, oversized and malformed envelopes with a typed code', () => {
    const other = generateKeyPair()
    const forged = createEnvelope('task', task, other)
    assert.equal(code(reencode(e => { e.signature = forged.signature })), 'BAD_SIGNATURE')
    assert.equal(code(reencode(e => { (e.payload as TaskPayload).request_id = '8' })), 'BAD_SIGNATURE')
    assert.equal(code(reencode(e => { e.sender = forged.sender })), 'BAD_SIGNATURE')
    assert.equal(code(encodeEnvelope(createEnvelope('task', task, key, Date.now() - ENVELOPE_LIMITS.freshnessMs - 1000))), 'STALE')
    assert.equal(code(new Uint8Array(ENVELOPE_LIMITS.maxBytes + 1)), 'TOO_LARGE')
    assert.equal(code(new TextEncoder().encode('{"v":1')), 'INVALID')
    assert.equal(code(new Uint8Array([0xff, 0xfe])), 'INVALID')
    assert.equal(code(reencode(e => { e.v = 2 })), 'UNSUPPORTED_VERSION')
    assert.equal(code(reencode(e => { e.type = 'gossip' })), 'INVALID')
    assert.equal(code(reencode(e => { e.extra = 1 })), 'INVALID')
    assert.equal(code(reencode(e => { e.signature = 'ed25519:xyz' })), 'BAD_SIGNATURE')
  })

  it('checks the payload schema after the signature', () => {
    const bad = createEnvelope('task', { ...task, request_id: '-1' }, key)
    const r = decodeEnvelope(encodeEnvelope(bad))
    assert.ok(!r.ok)
    assert.equal(r.error.code, 'INVALID')
    assert.match(r.error.message, /payload\(task\)\.request_id/)
  })
})
