import assert from 'node:assert/strict'
import {
  MAX_RESPONSE_VOTE_BODY_BYTES, callHash, createEnvelope, decodeEnvelope, encodeEnvelope, generateKeyPair, responseConsensusOf,
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

  it('params.response_consensus: absent is none, "identical" is the mode, anything else is refused by name', () => {
    assert.deepEqual(responseConsensusOf(undefined), { ok: true, value: null })
    assert.deepEqual(responseConsensusOf({ response_consensus: 'identical' }), { ok: true, value: 'identical' })
    const bad = responseConsensusOf({ response_consensus: 'median' })
    assert.ok(!bad.ok && bad.error.message.includes('params.response_consensus'))
  })
})
