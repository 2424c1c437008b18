/** The contract rebuilds digest v2 and the commit exactly: protocol's golden vector (Python hashlib), computed on chain. */
import assert from 'node:assert/strict'
import { attestationDigestV2, commitHash, commitSalt, keyPairFromSeed, sha256, toHex } from '../../protocol/index.js'
import { GOLDEN_V2 } from '../../protocol/test/golden-v2.js'
import { checkInvariant, startWorld, type World } from './world.js'

// protocol/test/golden-v2.py
const GOLDEN_DIGEST = 'aa8ee61c98d147b6ff842a093f6be80a7c205f4df9cad22cde4fde90580833c9'
const GOLDEN_COMMIT = 'ce1efb374ed8e528a7706cff4bc8beda5727e8a783013d7bfd7a5a5021c40139'

function viewArgs (a: typeof GOLDEN_V2, salt?: Uint8Array): Record<string, unknown> {
  return {
    request_id: a.requestId.toString(), data_id: a.dataId, input_hash: a.inputHash, seed: a.seed, worker_id: a.workerId,
    code_hash: a.codeHash, success: a.success, output: Buffer.from(a.output).toString('base64'), error: a.error,
    instructions: a.instructions.toString(), transcript_hash: a.transcriptHash, ...(salt != null ? { salt: toHex(salt) } : {})
  }
}

describe('contract attestation digest v2', function () {
  this.timeout(60_000)
  let w: World

  before(async () => { w = await startWorld({ workers: 0 }) })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => { await w?.stop() })

  it('matches the golden digest and commit (localnet, outlayer.test.near, request 42)', async () => {
    assert.equal(w.contractId, GOLDEN_V2.contractId)
    const salt = commitSalt(keyPairFromSeed(new Uint8Array(32).fill(7)).secretKey, 42n)
    const got = await w.view<{ digest: string, commit: string }>('get_attestation_digest', viewArgs(GOLDEN_V2, salt))
    assert.equal(got.digest, GOLDEN_DIGEST)
    assert.equal(got.commit, GOLDEN_COMMIT)
  })

  it('agrees with protocol/attestation.ts on failures, empty and large values, and outputs named by hash', async () => {
    const cases = [
      { ...GOLDEN_V2, requestId: 1n, success: false, output: new Uint8Array(), error: 'trap(unreachable)', instructions: 0n },
      { ...GOLDEN_V2, requestId: 2n ** 53n + 1n, output: new Uint8Array(5000).fill(7), instructions: 500_000_000_000n, workerId: 'a'.repeat(64) },
      { ...GOLDEN_V2, requestId: 7n, success: false, output: new Uint8Array(), error: 'exit(3) — ünïcode', instructions: 18_446_744_073_709_551_615n, transcriptHash: 'cd'.repeat(32) }
    ]
    for (const c of cases) {
      const got = await w.view<{ digest: string }>('get_attestation_digest', viewArgs(c))
      assert.equal(got.digest, toHex(attestationDigestV2(c)), `request ${c.requestId}`)
      const { output, ...rest } = viewArgs(c)
      const byHash = await w.view<{ digest: string }>('get_attestation_digest', { ...rest, output_hash: toHex(sha256(c.output)) })
      assert.equal(byHash.digest, got.digest, 'output_hash digests the same')
      assert.ok(output !== undefined)
    }
    assert.equal(toHex(commitHash(attestationDigestV2(GOLDEN_V2), commitSalt(new Uint8Array(32).fill(7), 42n))), GOLDEN_COMMIT)
  })
})
