import assert from 'node:assert/strict'
import { validateExecutionRequest, codeSourceCheck, validateAccountId } from '../index.js'
import { EXAMPLE_REQUEST, GITHUB_SOURCE } from './fixtures.js'

const valid = { ...EXAMPLE_REQUEST, source: GITHUB_SOURCE }

function errorOf (value: unknown): string {
  const r = validateExecutionRequest(value)
  assert.ok(!r.ok, 'expected a refusal')
  return r.error.message
}

describe('protocol/request', () => {
  it('accepts the request our contract emits, with u64s as bigint', () => {
    const r = validateExecutionRequest(valid)
    assert.ok(r.ok, r.ok ? '' : r.error.message)
    assert.equal(r.value.timestamp_ns, 1700000000000000000n)
    assert.equal(r.value.resource_limits.max_instructions, 1_000_000_000n)
  })

  it('takes the attached deposit as a u128 yocto amount, and refuses one above u128', () => {
    const deposit = (10n ** 24n * 1000n).toString() // 1000 NEAR: 28 digits, far above u64
    const r = validateExecutionRequest({ ...valid, attached_deposit: deposit })
    assert.ok(r.ok, r.ok ? '' : r.error.message)
    assert.equal(r.value.attached_deposit, 10n ** 27n)
    assert.match(errorOf({ ...valid, attached_deposit: (1n << 128n).toString() }), /attached_deposit/)
    assert.match(errorOf({ ...valid, block_height: (1n << 64n).toString() }), /block_height: must be ≤ u64 max/)
  })

  it('names the field of each refusal', () => {
    assert.match(errorOf({ ...valid, sender_id: 'Bad..Id' }), /request\.sender_id/)
    assert.match(errorOf({ ...valid, redundancy: { replicas: 3, quorum: 1, aggregation: 'identical' } }), /quorum must be > replicas\/2/)
    assert.match(errorOf({ ...valid, redundancy: { replicas: 8, quorum: 5, aggregation: 'identical' } }), /replicas: must be ≤ 7/)
    assert.match(errorOf({ ...valid, resource_limits: { ...valid.resource_limits, max_instructions: '600000000000' } }), /max_instructions/)
    assert.match(errorOf({ ...valid, source: { Docker: {} } }), /exactly one of GitHub, WasmUrl, Project/)
    assert.match(errorOf({ ...valid, seed: 'xyz' }), /request\.seed/)
    assert.match(errorOf({ ...valid, response_format: 'Xml' }), /one of Bytes, Text, Json/)
    assert.match(errorOf('nope'), /expected an object/)
  })

  it('per_field: the contract\'s rules for fields, with the same messages', () => {
    const red = (r: Record<string, unknown>): unknown => ({ ...valid, redundancy: { replicas: 3, quorum: 2, aggregation: 'per_field', ...r } })
    const ok = validateExecutionRequest(red({ fields: { temp: 'median', city: 'identical', sky: 'mode' } }))
    assert.ok(ok.ok, ok.ok ? '' : ok.error.message)
    assert.deepEqual(ok.value.redundancy.fields, { temp: 'median', city: 'identical', sky: 'mode' })
    assert.match(errorOf(red({})), /fields is given with, and only with, aggregation per_field/)
    assert.match(errorOf({ ...valid, redundancy: { replicas: 3, quorum: 2, aggregation: 'median', fields: { a: 'mode' } } }), /only with, aggregation per_field/)
    assert.match(errorOf(red({ fields: {} })), /fields must name 1..16 fields/)
    assert.match(errorOf(red({ fields: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`f${i}`, 'mode'])) })), /1..16 fields/)
    assert.match(errorOf(red({ fields: { 'a.b': 'mode' } })), /a field name must be 1..32 characters of A-Z a-z 0-9 _/)
    assert.match(errorOf(red({ fields: { ['x'.repeat(33)]: 'mode' } })), /1..32 characters/)
    assert.match(errorOf(red({ fields: { a: 'mean' } })), /fields.a must be median, identical or mode/)
    assert.match(errorOf({ ...valid, redundancy: { replicas: 4, quorum: 3, aggregation: 'per_field', fields: { a: 'median' } } }), /median needs replicas ≥ 2·quorum − 1/)
    assert.ok(validateExecutionRequest({ ...valid, redundancy: { replicas: 4, quorum: 3, aggregation: 'per_field', fields: { a: 'mode' } } }).ok, 'no median field: no 2Q−1 rule')
  })

  it('accepts each code source form', () => {
    for (const source of [
      { WasmUrl: { url: 'https://example.org/a.wasm', hash: '00'.repeat(32) } },
      { Project: { project_id: 'alice.near/random', version_key: 'v1' } }
    ]) assert.ok(codeSourceCheck(source, 'source').ok)
  })

  it('checks account ids as nearcore does', () => {
    for (const id of ['a1', 'alice.near', 'test-net_1.near', 'f'.repeat(64)]) assert.ok(validateAccountId(id).ok, id)
    for (const id of ['a', 'A.near', 'alice..near', '-alice.near', 'alice.near.', 'a'.repeat(65), 'al ice']) assert.ok(!validateAccountId(id).ok, id)
  })
})
