import assert from 'node:assert/strict'
import {
  MAX_CONSENSUS_FIELDS, MAX_RESPONSE_VOTE_BODY_BYTES, callHash, createEnvelope, decodeEnvelope, encodeEnvelope, generateKeyPair, responseConsensusOf,
  responseDigest, sha256Hex, validatePayload, type ResponseVotePayload
} from '../index.js'

const body = new TextEncoder().encode('{"price":100}')
const fields = { call_sha256: callHash('GET', 'https://api.example.com/price'), status: 200, content_type: 'application/json', body_sha256: sha256Hex(body) }
const vote: ResponseVotePayload = {
  contract_id: 'outlayer.test.near', request_id: '7', worker_id: 'w1.test.near', index: 0, ...fields,
  body: Buffer.from(body).toString('base64'), digest: responseDigest(fields)
}
const check = (v: unknown): string => { const r = validatePayload('response_vote', v); return r.ok ? 'ok' : `${r.error.code} ${r.error.message}` }

describe('protocol/response-vote', () => {
  it('a vote passes its schema and travels in a signed envelope', () => {
    assert.equal(check(vote), 'ok')
    const decoded = decodeEnvelope(encodeEnvelope(createEnvelope('response_vote', vote, generateKeyPair())))
    assert.ok(decoded.ok && decoded.value.type === 'response_vote')
  })

  it('the digest binds the call, the status, the content-type and the body', () => {
    const other = [
      { ...fields, call_sha256: callHash('GET', 'https://api.example.com/other') },
      { ...fields, status: 201 },
      { ...fields, content_type: null },
      { ...fields, body_sha256: sha256Hex('x') }
    ]
    assert.equal(new Set([responseDigest(fields), ...other.map(f => responseDigest({ ...f, content_type: f.content_type ?? null }))]).size, 5)
  })

  it('refuses a digest or a body that does not recompute, an oversized body, unknown fields and bad ranges, by name', () => {
    assert.match(check({ ...vote, digest: 'ab'.repeat(32) }), /^INVALID .*digest does not recompute/)
    assert.match(check({ ...vote, body: Buffer.from('{"price":1}').toString('base64') }), /^INVALID .*body does not hash/)
    assert.match(check({ ...vote, body: 'A'.repeat(Math.ceil(MAX_RESPONSE_VOTE_BODY_BYTES / 3) * 4 + 4) }), /^TOO_LARGE/)
    assert.match(check({ ...vote, extra: 1 }), /^INVALID .*unknown field "extra"/)
    assert.match(check({ ...vote, index: -1 }), /^INVALID .*index/)
    assert.match(check({ ...vote, status: 99 }), /^INVALID .*status/)
    // a body over the cap travels by digest alone
    const { body: _omitted, ...digestOnly } = vote
    assert.equal(check(digestOnly), 'ok')
  })

  it('params.response_consensus: absent is none; identical and median as a string or {mode}; per_field with its fields', () => {
    assert.deepEqual(responseConsensusOf(undefined), { ok: true, value: null })
    assert.deepEqual(responseConsensusOf({ response_consensus: 'identical' }), { ok: true, value: { mode: 'identical' } })
    assert.deepEqual(responseConsensusOf({ response_consensus: 'median' }), { ok: true, value: { mode: 'median' } })
    assert.deepEqual(responseConsensusOf({ response_consensus: { mode: 'median' } }), { ok: true, value: { mode: 'median' } })
    const fields = { price: 'median', source: 'mode', unit: 'identical' }
    assert.deepEqual(responseConsensusOf({ response_consensus: { mode: 'per_field', fields } }), { ok: true, value: { mode: 'per_field', fields } })
  })

  it('params.response_consensus: every malformed spec is refused with the field named', () => {
    const refused = (spec: unknown): string => {
      const r = responseConsensusOf({ response_consensus: spec })
      assert.ok(!r.ok, `${JSON.stringify(spec)} was accepted`)
      return r.error.message
    }
    assert.match(refused('majority'), /^params\.response_consensus: must be one of identical, median, per_field/)
    assert.match(refused(7), /^params\.response_consensus: /)
    assert.match(refused(['median']), /^params\.response_consensus: /)
    assert.match(refused({ mode: 'mean' }), /^params\.response_consensus\.mode: must be one of/)
    assert.match(refused({ mode: 'median', extra: 1 }), /^params\.response_consensus: unknown field "extra"/)
    assert.match(refused({ mode: 'median', fields: { a: 'median' } }), /^params\.response_consensus\.fields: only per_field/)
    assert.match(refused('per_field'), /^params\.response_consensus: per_field needs its fields/)
    assert.match(refused({ mode: 'per_field' }), /^params\.response_consensus\.fields: expected an object/)
    assert.match(refused({ mode: 'per_field', fields: {} }), /^params\.response_consensus\.fields: must name at least one field/)
    assert.match(refused({ mode: 'per_field', fields: { price: 'mean' } }), /^params\.response_consensus\.fields\.price: must be one of median, identical, mode/)
    assert.match(refused({ mode: 'per_field', fields: { 'a b': 'mode' } }), /^params\.response_consensus\.fields: field name "a b" must be 1\.\.32 characters/)
    assert.match(refused({ mode: 'per_field', fields: { 'a.b': 'mode' } }), /^params\.response_consensus\.fields: field name "a\.b"/)
    assert.match(refused({ mode: 'per_field', fields: { ['x'.repeat(33)]: 'mode' } }), /^params\.response_consensus\.fields: field name "x{33}"/)
    assert.match(refused({ mode: 'per_field', fields: JSON.parse('{"__proto__": "mode"}') }), /^params\.response_consensus\.fields: field name "__proto__"/)
    const many = Object.fromEntries(Array.from({ length: MAX_CONSENSUS_FIELDS + 1 }, (_, i) => [`f${i}`, 'mode']))
    assert.match(refused({ mode: 'per_field', fields: many }), new RegExp(`^params\\.response_consensus\\.fields: at most ${MAX_CONSENSUS_FIELDS} fields`))
  })
})
