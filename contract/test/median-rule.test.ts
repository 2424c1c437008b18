/**
 * The median rule is one rule: protocol/aggregation.ts (`aggregate` median, used by the node's resolver through
 * `numericValue` and `medianOf`) and the contract's decide() (contract/src/quorum.ts, which decides) pick the same
 * winner and refuse the same inputs. The contract's code is compiled as it is (asc, the contract's flags) into a
 * small harness (fixtures/quorum-harness.ts) and run in V8 with the two host functions it reaches.
 */
import assert from 'node:assert/strict'
import { aggregate, numericValue } from '../../protocol/index.js'
import { buildHarness, type Harness } from './quorum-harness.js'

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1')

describe('the median rule: protocol and contract agree', function () {
  this.timeout(60_000)
  let contract: Harness
  before(async () => { contract = await buildHarness() })

  const numbers = ['0', '-0', '7', '-7', '1.5', '-1.5', '2e-3', '1E+2', '20e-1', '123456789012345678901234567890', '1e308', '-1e-400',
    ' 1', '1\n', '01', '-01', '+1', '1.', '.5', '-', '1e', '1e+', 'NaN', 'Infinity', '1e400', '0x10', '"1"', '1'.repeat(64), '1'.repeat(65), '']
  it('parses the same strings as numbers, to the same value, and refuses the same ones', () => {
    for (const text of numbers) {
      const onChain = contract.numeric(text)
      const here = numericValue(b(text))
      assert.equal(here === undefined ? 'refused' : here, Number.isNaN(onChain) ? 'refused' : onChain, JSON.stringify(text))
    }
  })

  const cases: Array<[string, string[], number]> = [
    ['odd count', ['30', '10', '20.5'], 2],
    ['even count: the lower middle', ['4', '1', '3', '2'], 2],
    ['negative numbers', ['-1.5', '-10', '2e-3', '-3'], 2],
    ['ties keep input order', ['2.0', '1', '2', '20e-1'], 2],
    ['equal values, different bytes', ['1e2', '100', '100.0'], 2],
    ['a liar far out', ['100', '101', '1e300', '99', '-1e300'], 3],
    ['too few numbers, identical fallback', ['"x"', '"x"', '7'], 2],
    ['too few numbers, no identical group', ['1', '2', '"x"'], 2],
    ['non-numeric outputs refused as numbers', [' 1', '01', 'NaN', '2', '3', '4'], 2],
    ['quorum 1', ['5'], 1],
    ['nothing agrees', ['"a"', '"b"', '"c"'], 2]
  ]
  for (const [what, outputs, quorum] of cases) {
    it(`picks the same winner: ${what}`, () => {
      const here = aggregate(outputs.map(b), quorum, { mode: 'median' })
      const onChain = contract.decide(outputs, quorum)
      assert.equal(here.ok, onChain != null, `${what}: both accept or both refuse`)
      if (here.ok && onChain != null) {
        assert.equal(Buffer.from(here.value).toString('latin1'), outputs[onChain.winner], what)
        assert.equal(here.agreeing.length, onChain.agreeing, `${what}: agreeing count`)
      }
    })
  }

  it('a failed run is no candidate on chain (the resolver filters on success the same way)', () => {
    assert.equal(contract.decide(['1', '2', { failed: '3' }], 2), undefined, 'two numeric successes < 2Q−1')
  })
})
