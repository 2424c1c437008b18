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
