/**
 * The client's batcher on a real localnet and contract: with one send of a kind in flight, the commits and
 * resolves that arrive meanwhile land in one commit_results / resolve_executions transaction, each caller gets its
 * own outcome, a raced item is refused to its caller as the single call would be, and a batch the contract refuses
 * whole is sent again item by item so that no good call is lost.
 */
import { strict as assert } from 'node:assert'
import { EMPTY_TRANSCRIPT_HASH, attestationDigestV2, commitHash, commitSalt, sign, toBytes, toHex } from '../../../protocol/index.js'
import { ChainError, createOutlayerClient, type OutlayerClient } from '../../chain/index.js'
import { contextOf } from '../../roles/worker/index.js'
import { startChain, type TestChain, type TestWorker } from '../roles/chain.js'

const CODE = 'ab'.repeat(32)
const SOURCE = { WasmUrl: { url: 'https://example.org/never.wasm', hash: CODE } }

async function refusedWith (p: Promise<unknown>, text: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof ChainError && err.code === 'CALL_REFUSED' && err.message.includes(text))
}

describe('chain client: batched commits and resolves', function () {
  this.timeout(120_000)
  let chain: TestChain
  let worker: TestWorker
  /** the worker's account, batching behind one send in flight per kind */
  let batching: OutlayerClient
  before(async () => {
    // one worker and R=1: it is the primary of every request
    chain = await startChain({ workers: 1 })
    worker = chain.workers[0]!
    const a = chain.net.accounts[1]!
    batching = createOutlayerClient({ rpcUrl: chain.net.rpcUrl, contractId: chain.contractId, accountId: a.accountId, secretKey: a.secretKey, batchInFlight: 1 })
  })
  after(async () => { await chain?.stop() })

  /** the worker's commit and reveal of `text` for the request (digest v2, derived salt) */
  async function sealed (requestId: string, text: string): Promise<{ commit: string, salt: string, signature: string }> {
    const view = (await chain.user.getRequest(requestId))!
    const digest = attestationDigestV2({
      ...contextOf(view.request!, chain.contractId, chain.networkId, worker.accountId),
      codeHash: CODE, success: true, output: toBytes(text), error: '', instructions: 7n, transcriptHash: EMPTY_TRANSCRIPT_HASH
    })
    const salt = commitSalt(worker.key.secretKey, BigInt(requestId))
    return { commit: toHex(commitHash(digest, salt)), salt: toHex(salt), signature: Buffer.from(sign(digest, worker.key.secretKey)).toString('base64') }
  }

  it('sends the first of concurrent commits alone and the rest as one transaction, refuses a repeat to its caller, and resolves likewise', async () => {
    const ids = [await chain.request({ source: SOURCE }), await chain.request({ source: SOURCE }), await chain.request({ source: SOURCE })]
    const seals = await Promise.all(ids.map(async id => await sealed(id, `out ${id}`)))
    const [a, b, c, repeat] = await Promise.allSettled([
      ...ids.map(async (id, i) => await batching.commitResult(id, seals[i]!.commit)),
      batching.commitResult(ids[0]!, seals[0]!.commit)
    ])
    for (const o of [a, b, c]) assert.equal(o!.status, 'fulfilled')
    const hashes = [a, b, c].map(o => (o as PromiseFulfilledResult<{ txHash: string }>).value.txHash)
    assert.notEqual(hashes[0], hashes[1], 'the first went alone, at once')
    assert.equal(hashes[1], hashes[2], 'the others, queued behind it, in one commit_results')
    assert.equal(repeat!.status, 'rejected')
    // R=1: the first commit closed the phase, so the contract skipped the repeat for that
    await refusedWith(Promise.reject((repeat as PromiseRejectedResult).reason), `the commit phase of request ${ids[0]!} is closed`)
    for (const id of ids) assert.equal((await chain.user.getAssignment(id))!.commits.length, 1)

    const resolved = await Promise.all(ids.map(async (id, i) => await batching.resolveExecution(id,
      { code_hash: CODE, success: true, output: Buffer.from(`out ${id}`).toString('base64'), error: '', resources_used: { instructions: '7' }, transcript_hash: EMPTY_TRANSCRIPT_HASH },
      [{ worker_id: worker.accountId, salt: seals[i]!.salt, signature: seals[i]!.signature }])))
    assert.deepEqual(resolved.map(o => o.txHash === resolved[0]!.txHash), [true, false, false])
    assert.equal(resolved[1]!.txHash, resolved[2]!.txHash, 'the two queued resolves in one resolve_executions')
    for (const id of ids) assert.notEqual((await chain.user.getRequest(id))?.status, 'pending')
  })

  it('sends a batch the contract refuses whole item by item: the good commits land, only the bad one fails', async () => {
    const ids = [await chain.request({ source: SOURCE }), await chain.request({ source: SOURCE }), await chain.request({ source: SOURCE })]
    const seals = await Promise.all(ids.map(async id => await sealed(id, 'x')))
    // the first goes alone; the bad one and the second queue behind it as one batch, which the contract refuses
    const [first, good1, bad, good2] = await Promise.allSettled([
      batching.commitResult(ids[2]!, seals[2]!.commit),
      batching.commitResult(ids[0]!, seals[0]!.commit),
      batching.commitResult(ids[0]!, 'zz'),
      batching.commitResult(ids[1]!, seals[1]!.commit)
    ])
    assert.equal(first!.status, 'fulfilled')
    assert.equal(good1!.status, 'fulfilled')
    assert.equal(good2!.status, 'fulfilled')
    await refusedWith(Promise.reject((bad as PromiseRejectedResult).reason), 'commit must be 64 lowercase hex characters')
    for (const [i, id] of ids.entries()) assert.deepEqual((await chain.user.getAssignment(id))!.commits.map(c => c.commit), [seals[i]!.commit])
  })
})
