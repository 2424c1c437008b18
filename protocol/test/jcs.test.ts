import assert from 'node:assert/strict'
import { canonicalize, ProtocolError } from '../index.js'

describe('protocol/jcs (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and drops whitespace', () => {
    assert.equal(canonicalize({ b: 1, a: [true, null, 'x'], A: {} }), '{"A":{},"a":[true,null,"x"],"b":1}')
    // RFC 8785 §3.2.3 sorting example: code-unit order, not code-point order
    assert.equal(canonicalize({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '1': 4, '\u0080': 5, 'ö': 6 }),
      '{"\\r":2,"1":4,"\u0080":5,"ö":6,"\u20ac":1,"\ud83d\ude00":3}')
  })

  it('formats numbers like ECMAScript (RFC 8785 §3.2.2.3 vectors)', () => {
    const vectors: Array<[number, string]> = [[0, '0'], [-0, '0'], [1e21, '1e+21'], [1e-7, '1e-7'], [333333333.3333333, '333333333.3333333'], [9007199254740991, '9007199254740991'], [5e-324, '5e-324']]
    for (const [n, text] of vectors) assert.equal(canonicalize(n), text)
  })

  it('escapes strings minimally', () => {
    assert.equal(canonicalize('"\\\n\u0001é'), '"\\"\\\\\\n\\u0001é"')
  })

  it('refuses values with no canonical form, naming the path', () => {
    for (const bad of [NaN, Infinity, 1n, new Uint8Array(1), () => 1]) {
      assert.throws(() => canonicalize({ x: [bad] }), (e: unknown) => e instanceof ProtocolError && e.code === 'NOT_CANONICAL' && e.message.startsWith('$.x[0]'))
    }
  })

  it('omits undefined fields, like JSON.stringify', () => {
    assert.equal(canonicalize({ a: undefined, b: 2 }), '{"b":2}')
  })
})
