/**
 * Inputs `npm run fuzz -- --seed 1 --target request` found: protocol's validators looked variant and field
 * names up with `in`, which also sees Object.prototype, so a source tagged `constructor` or `__proto__` reached
 * Object's own functions (a thrown TypeError, or a "Result" without `ok`), and an unknown `constructor` field
 * passed the no-unknown-fields rule of signed payloads.
 */
import assert from 'node:assert/strict'
import { codeSourceCheck, validateExecutionRequest, validatePayload } from '../../../protocol/index.js'
import { VALID_REQUEST } from '../../../scripts/fuzz/targets.js'

const request = VALID_REQUEST

describe('fuzz findings: protocol validators and Object.prototype names', () => {
  it('refuses sources tagged with Object.prototype names, with a Result, without throwing', () => {
    const sources = [
      JSON.parse('{"constructor":[24,null,"297925"]}'),
      JSON.parse('{"constructor":"18446744073709551616"}'),
      JSON.parse('{"__proto__":[18446744073709552000,null,null]}'),
      JSON.parse('{"constructor":{"a":[46]}}'),
      JSON.parse('{"toString":{}}'),
      JSON.parse('{"hasOwnProperty":{}}')
    ]
    for (const source of sources) {
      const r = codeSourceCheck(source, 'source')
      assert.equal(r.ok, false, JSON.stringify(source))
      const whole = validateExecutionRequest({ ...request, source })
      assert.equal(whole.ok, false, JSON.stringify(source))
      if (!whole.ok) assert.match(whole.error.message, /source/)
    }
  })

  it('refuses a request whose source is {"__proto__": 0} (found as iteration 2744)', () => {
    const only = validateExecutionRequest({ ...request, source: JSON.parse('{"__proto__":0}') })
    assert.equal(only.ok, false)
  })

  it('refuses unknown fields named like Object.prototype members in signed payloads', () => {
    const task = { contract_id: 'outlayer.test.near', request_id: '5', block_height: '120' }
    assert.equal(validatePayload('task', task).ok, true)
    for (const name of ['constructor', '__proto__', 'toString']) {
      const r = validatePayload('task', JSON.parse(JSON.stringify(task).replace('{', `{"${name}":1,`)))
      assert.equal(r.ok, false, name)
    }
  })
})
