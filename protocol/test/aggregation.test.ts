import assert from 'node:assert/strict'
import { aggregate, agreeOnResponse, numericValue } from '../index.js'

const b = (s: string): Uint8Array => new TextEncoder().encode(s)
const t = (u: Uint8Array): string => new TextDecoder().decode(u)

describe('protocol/aggregation', () => {
  it('identical: the biggest byte-identical group with at least Q members; otherwise no_agreement', () => {
    const r = aggregate([b('a'), b('b'), b('a')], 2, { mode: 'identical' })
    assert.ok(r.ok)
    assert.equal(t(r.value), 'a')
    assert.deepEqual(r.agreeing, [0, 2])
    const none = aggregate([b('a'), b('b'), b('c')], 2, { mode: 'identical' })
    assert.deepEqual(none.ok ? null : none.reason, 'no_agreement')
  })

  it('median: the contract\'s rule: 2Q−1 strict JSON numbers, the lower median byte for byte, else identical', () => {
    const r = aggregate([b('100.5'), b('1e9'), b('99')], 2, { mode: 'median' })
    assert.ok(r.ok)
    assert.equal(t(r.value), '100.5', 'one liar cannot move it past an honest value')
    const even = aggregate([b('4'), b('1'), b('3'), b('2')], 2, { mode: 'median' })
    assert.ok(even.ok)
    assert.equal(t(even.value), '2', 'even count: the lower middle, always one of the inputs')
    const negative = aggregate([b('-1.5'), b('-10'), b('2e-3')], 2, { mode: 'median' })
    assert.ok(negative.ok)
    assert.equal(t(negative.value), '-1.5')
    const ties = aggregate([b('2.0'), b('1'), b('2'), b('20e-1')], 2, { mode: 'median' })
    assert.ok(ties.ok)
    assert.equal(t(ties.value), '2.0', 'equal values keep input order: the first of them wins, byte for byte')
    assert.deepEqual(ties.agreeing, [0, 1, 2, 3])
    const few = aggregate([b('1'), b('2'), b('"x"')], 2, { mode: 'median' })
    assert.equal(few.ok, false, 'two numbers are fewer than 2Q−1 = 3: the lower median of two is set by one worker')
    const same = aggregate([b('"x"'), b('"x"'), b('7')], 2, { mode: 'median' })
    assert.ok(same.ok, 'too few numbers: the identical rule applies, as on chain')
    assert.equal(t(same.value), '"x"')
    for (const refused of [' 1', '1\n', '01', '+1', '1.', '.5', '-', 'NaN', 'Infinity', '1e400', '0x10', '"1"', '1'.repeat(65), '']) {
      assert.equal(numericValue(b(refused)), undefined, JSON.stringify(refused))
    }
    assert.equal(numericValue(b('-0')), -0)
    assert.equal(numericValue(b('1E+2')), 100)
  })

  it('per_field: each field by its own rule, composed in name order; a missing quorum on any field fails', () => {
    const outputs = [
      b('{"temp":20.5,"city":"Oslo","sky":"rain","noise":1}'),
      b('{"temp":21,"city":"Oslo","sky":"cloud"}'),
      b('{"temp":-40,"city":"Oslo","sky":"rain"}')
    ]
    const r = aggregate(outputs, 2, { mode: 'per_field', fields: { temp: 'median', city: 'identical', sky: 'mode' } })
    assert.ok(r.ok)
    assert.equal(t(r.value), '{"city":"Oslo","sky":"rain","temp":20.5}')
    const split = aggregate(outputs, 3, { mode: 'per_field', fields: { sky: 'identical' } })
    assert.equal(split.ok, false)
    const junk = aggregate([b('[1]'), b('not json'), b('{"temp":"hot"}')], 2, { mode: 'per_field', fields: { temp: 'median' } })
    assert.equal(junk.ok, false)
    const tie = aggregate([b('{"k":"b"}'), b('{"k":"a"}')], 2, { mode: 'per_field', fields: { k: 'mode' } })
    assert.ok(tie.ok)
    assert.equal(t(tie.value), '{"k":"a"}', 'mode ties break on the smallest JCS text, not on order')
    assert.equal(aggregate(outputs, 2, { mode: 'per_field', fields: {} }).ok, false)
    assert.equal(aggregate(outputs, 0, { mode: 'identical' }).ok, false)
  })

  it('per_field: values are their compact raw text, never reformatted; who agrees is who agrees on every field', () => {
    const outputs = [
      b('{ "t" : 1.50 , "c" : [ "a b" , 2 ] }\n'),
      b('{"c":["a b",2],"t":1.5e0}'),
      b('{"t":7,"c":["a b",3]}')
    ]
    const r = aggregate(outputs, 2, { mode: 'per_field', fields: { t: 'median', c: 'identical' } })
    assert.ok(r.ok)
    assert.equal(t(r.value), '{"c":["a b",2],"t":1.5e0}', 'the middle of 1.50, 1.5e0, 7 (equal values keep input order), byte for byte; whitespace in strings kept')
    assert.deepEqual(r.agreeing, [0, 1], 'the third has a number for t but another c')
    const dup = aggregate([b('{"t":1,"t":2}'), b('{"t":1}'), b('{"t":1}')], 2, { mode: 'per_field', fields: { t: 'mode' } })
    assert.ok(dup.ok)
    assert.deepEqual(dup.agreeing, [1, 2], 'a named field twice: no candidate')
    const escaped = aggregate([b('{"\\u0074":5}'), b('{"t":1}')], 2, { mode: 'per_field', fields: { t: 'mode' } })
    assert.equal(escaped.ok, false, 'an escaped key: no candidate')
    const big = `{"t":1,"pad":"${'x'.repeat(1024)}"}`
    assert.equal(aggregate([b(big), b(big)], 2, { mode: 'per_field', fields: { t: 'mode' } }).ok, true, 'over 1024 bytes: no candidate, but the identical rule still applies')
    assert.equal(aggregate([b(big), b('{"t":1}')], 2, { mode: 'per_field', fields: { t: 'mode' } }).ok, false)
    assert.equal(aggregate(outputs, 2, { mode: 'per_field', fields: { 'a-b': 'mode' } }).ok, false, 'names are [A-Za-z0-9_]')
  })

  it('consensus-on-responses: one vote per replica in replica order, so every replica picks the same response', () => {
    const votes = [
      { replica: 'w3', value: b('{"price":101}') },
      { replica: 'w1', value: b('{"price":100}') },
      { replica: 'w1', value: b('{"price":1}') }, // a second vote from w1 is ignored
      { replica: 'w2', value: b('{"price":100}') }
    ]
    const r = agreeOnResponse(votes, 2, { mode: 'identical' })
    assert.ok(r.ok)
    assert.equal(t(r.value), '{"price":100}')
    assert.deepEqual(r.replicas, ['w1', 'w2'])
    const shuffled = agreeOnResponse([...votes].reverse().filter(v => t(v.value) !== '{"price":1}'), 2, { mode: 'identical' })
    assert.ok(shuffled.ok)
    assert.equal(t(shuffled.value), t(r.value), 'arrival order does not matter')
    const med = agreeOnResponse(votes, 2, { mode: 'per_field', fields: { price: 'median' } })
    assert.ok(med.ok)
    assert.equal(t(med.value), '{"price":100}')
    assert.equal(agreeOnResponse(votes, 3, { mode: 'per_field', fields: { price: 'median' } }).ok, false, '3 replicas are fewer than 2Q−1 = 5')
    assert.equal(agreeOnResponse(votes.slice(0, 2), 3, { mode: 'identical' }).ok, false, 'fewer than Q replicas: deterministic failure')
  })
})
