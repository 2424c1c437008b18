/** The contract rebuilds protocol/README.md's attestation bytes exactly: protocol's golden digest, computed on chain. */
import assert from 'node:assert/strict'
import { attestationDigest, toHex } from '../../protocol/index.js'
import { startWorld, type World } from './world.js'

// protocol/test/attestation.test.ts GOLDEN_DIGEST, recomputed there with Python's hashlib
const GOLDEN_DIGEST = 'da66a548958f49ea6ef99328766aa40fedd6e3f5bd71907b679bb9bf34a689da'

describe('contract attestation digest', function () {
  this.timeout(60_000)
  let w: World

  before(async () => { w = await startWorld({ workers: 0 }) })
  after(async () => { await w?.stop() })

  it('matches the golden vector (outlayer.test.near, request 42)', async () => {
    assert.equal(w.contractId, 'outlayer.test.near')
    const digest = await w.view<{ digest: string }>('get_attestation_digest', {
      request_id: 42, success: true, output: Buffer.from('{"numbers":[1,2,3]}').toString('base64'), error: '', instructions: 1234567
    })
    assert.equal(digest.digest, GOLDEN_DIGEST)
  })

  it('agrees with protocol/attestation.ts on failures, empty and large values', async () => {
    const cases = [
      { requestId: 1n, success: false, output: new Uint8Array(), error: 'trap(unreachable)', instructions: 0n },
      { requestId: 2n ** 53n + 1n, success: true, output: new Uint8Array(5000).fill(7), error: '', instructions: 500_000_000_000n },
      { requestId: 7n, success: false, output: new Uint8Array(), error: 'exit(3) — ünïcode', instructions: 18_446_744_073_709_551_615n }
    ]
    for (const c of cases) {
      const expected = toHex(attestationDigest({ contractId: w.contractId, ...c }))
      const got = await w.view<{ digest: string }>('get_attestation_digest', {
        request_id: c.requestId.toString(), success: c.success, output: Buffer.from(c.output).toString('base64'), error: c.error, instructions: c.instructions.toString()
      })
      assert.equal(got.digest, expected, `request ${c.requestId}`)
    }
  })
})
