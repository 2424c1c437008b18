/**
 * Batched commits and resolves (commit_results, resolve_executions) on localnet. An item that another call or the
 * height got to first is skipped with `batch_item_skipped` and changes nothing while the good items go on; a
 * malformed item refuses the whole batch with state and balances unchanged to the yocto; the same request twice
 * in one batch, or in two batches of one block, is committed and resolved once and paid once.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { base58 } from '@scure/base'
import { Account, KeyPair, KeyPairSigner, actions, encodeTransaction, type SignedTransaction } from 'near-api-js'
import {
  MAX_GAS, NEAR, WASM_SOURCE, assignment, call, checkInvariant, decodeOutcome, events, ok, refusedNoLoss, request,
  resolve, responseOf, reveal, seal, startWorld, type CallResult, type PendingRequest, type Sealed, type World, type Worker
} from './world.js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }
const R3 = { replicas: 3, quorum: 2, aggregation: 'identical' }

/** The batch caps of contract/src/limits.ts. */
const MAX_BATCH_COMMITS = 32
const MAX_BATCH_RESOLVES = 8

interface Skip { method: string, index: number, request_id: number, reason: string }

function skips (logs: string[]): Skip[] {
  return events(logs, 'batch_item_skipped') as unknown as Skip[]
}

describe('batched commits and resolves', function () {
  this.timeout(240_000)
  let w: World
  // three workers and R=3: every worker is a primary of every request
  before(async () => { w = await startWorld({ workers: 3, blockTimeMs: 0 }) })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => { await w?.stop() })

  const result = ok('42')
  const newRequest = async (): Promise<PendingRequest> => await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: R3 }, NEAR)
  const cancel = async (r: PendingRequest): Promise<void> => {
    await call(w, w.root, 'emergency_cancel_execution', { request_id: r.requestId })
    await r.done
  }

  /** Every worker commits `result` for each request in one commit_results; returns the seals by request. */
  async function commitAll (reqs: PendingRequest[]): Promise<Sealed[][]> {
    const sealed: Sealed[][] = reqs.map(() => [])
    for (const worker of w.workers) {
      const items = []
      for (const [i, r] of reqs.entries()) {
        const s = await seal(w, worker, r.requestId, result)
        sealed[i]!.push(s)
        items.push({ request_id: r.requestId, commit: s.commit })
      }
      await call(w, worker.account, 'commit_results', { items })
    }
    return sealed
  }

  const item = (r: PendingRequest, sealed: Sealed[]): Record<string, unknown> => ({ request_id: r.requestId, response: responseOf(result), reveals: sealed.map(s => reveal(s)) })

  it('commits the good items of a batch and skips the raced ones (cancelled, phase closed, the same request twice), changing nothing of them', async () => {
    const [x, y, z] = w.workers as [Worker, Worker, Worker]
    const open = await newRequest()
    const gone = await newRequest()
    const closed = await newRequest()
    await cancel(gone)
    for (const p of [x, y, z]) await call(w, p.account, 'commit_result', { request_id: closed.requestId, commit: (await seal(w, p, closed.requestId, result)).commit })
    const closedBefore = await assignment(w, closed.requestId)
    const s = await seal(w, x, open.requestId, result)
    const other = await seal(w, x, open.requestId, ok('43'))
    const out = await call(w, x.account, 'commit_results', {
      items: [
        { request_id: open.requestId, commit: s.commit },
        { request_id: gone.requestId, commit: s.commit },
        { request_id: closed.requestId, commit: s.commit },
        { request_id: open.requestId, commit: other.commit }
      ]
    })
    const committed = events(out.logs, 'result_committed')
    assert.deepEqual(committed.map(e => e.request_id), [open.requestId], 'only the open request took a commit')
    assert.deepEqual(skips(out.logs).map(e => [e.method, e.index, e.request_id]), [
      ['commit_results', 1, gone.requestId], ['commit_results', 2, closed.requestId], ['commit_results', 3, open.requestId]
    ])
    const reasons = skips(out.logs).map(e => e.reason)
    assert.match(reasons[0]!, /does not exist any more \(cancelled\)/)
    assert.match(reasons[1]!, /the commit phase of request \d+ is closed/)
    assert.match(reasons[2]!, /already committed to request/)
    const commits = (await assignment(w, open.requestId)).commits
    assert.deepEqual(commits.map(c => [c.worker_id, c.commit]), [[x.id, s.commit]], 'the first commit of the batch stands, the repeat changed nothing')
    assert.deepEqual(await assignment(w, closed.requestId), closedBefore)
    // the single call refuses what the batch skips, with the same message
    await refusedNoLoss(w, x.account, 'commit_result', { request_id: open.requestId, commit: other.commit }, reasons[2]!)
    await cancel(open)
    await cancel(closed)
  })

  it('refuses a whole commit batch with a malformed item, an unknown request or a caller that is no worker, with nothing changed', async () => {
    const x = w.workers[0]!
    const r = await newRequest()
    const s = await seal(w, x, r.requestId, result)
    const good = { request_id: r.requestId, commit: s.commit }
    const before = JSON.stringify(await assignment(w, r.requestId))
    const batch = (...bad: unknown[]): Record<string, unknown> => ({ items: [good, ...bad] })
    await refusedNoLoss(w, x.account, 'commit_results', batch({ request_id: r.requestId, commit: 'zz' }), 'commit must be 64 lowercase hex characters')
    await refusedNoLoss(w, x.account, 'commit_results', batch({ ...good, slot: 0 }), 'unknown field \\"slot\\" in item')
    await refusedNoLoss(w, x.account, 'commit_results', batch({ request_id: 9999, commit: s.commit }), 'request 9999 does not exist')
    await refusedNoLoss(w, x.account, 'commit_results', { ...batch(), extra: 1 }, 'unknown field \\"extra\\" in commit_results')
    await refusedNoLoss(w, w.users[1]!, 'commit_results', batch(), 'is not a registered worker')
    await refusedNoLoss(w, x.account, 'commit_results', { items: [] }, 'commit_results needs at least one item')
    await refusedNoLoss(w, x.account, 'commit_results', { items: Array.from({ length: MAX_BATCH_COMMITS + 1 }, () => good) }, `commit_results takes at most ${MAX_BATCH_COMMITS} items, got ${MAX_BATCH_COMMITS + 1}`)
    assert.equal(JSON.stringify(await assignment(w, r.requestId)), before, 'the good item was not committed either')
    await cancel(r)
  })

  it('resolves the good items of a batch and skips the raced ones (completed, cancelled, the same request twice); each resolved request is paid once', async () => {
    const [a, b, c] = [await newRequest(), await newRequest(), await newRequest()]
    const sealed = await commitAll([a, b, c])
    await resolve(w, w.users[1]!, b.requestId, responseOf(result), sealed[1]!.map(s => reveal(s)))
    await b.done
    await cancel(c)
    const statsBefore = await w.view<{ succeeded: number, resolve_fees: string }>('get_stats')
    const out = await call(w, w.users[2]!, 'resolve_executions', { items: [item(a, sealed[0]!), item(b, sealed[1]!), item(c, sealed[2]!), item(a, sealed[0]!)] })
    assert.deepEqual(events(out.logs, 'execution_resolved').map(e => e.request_id), [a.requestId])
    assert.deepEqual(skips(out.logs).map(e => [e.index, e.request_id]), [[1, b.requestId], [2, c.requestId], [3, a.requestId]])
    const reasons = skips(out.logs).map(e => e.reason)
    assert.match(reasons[0]!, /is completed, not pending/)
    assert.match(reasons[1]!, /does not exist any more \(cancelled\)/)
    assert.match(reasons[2]!, /is resolved, not pending/)
    const done = await a.done
    assert.equal(done.value, '42')
    const completed = events(done.logs, 'execution_completed')
    assert.equal(completed.length, 1)
    assert.equal(completed[0]!.resolver_id, w.users[2]!.accountId)
    const stats = await w.view<{ succeeded: number, resolve_fees: string }>('get_stats')
    assert.equal(stats.succeeded, statsBefore.succeeded + 1)
    const fee = BigInt((await w.view<{ resolve_fee: string }>('get_pricing')).resolve_fee)
    assert.equal(BigInt(stats.resolve_fees), BigInt(statsBefore.resolve_fees) + fee, 'one resolve fee for one resolved request')
  })

  it('refuses a whole resolve batch with a malformed item, a deposit, too many items or a result too big to batch, with state and balances unchanged to the yocto', async () => {
    const [a, b] = [await newRequest(), await newRequest()]
    const sealed = await commitAll([a, b])
    const snapshot = async (): Promise<string> => JSON.stringify([
      await w.view('get_request', { request_id: a.requestId }), await w.view('get_request', { request_id: b.requestId }),
      await w.view('list_workers', { from_index: 0, limit: 10 })
    ])
    const before = await snapshot()
    const resolver = w.users[1]!
    const forged = { ...item(b, sealed[1]!), reveals: [reveal(sealed[1]![0]!), { ...reveal(sealed[1]![1]!), signature: Buffer.from(sealed[1]![0]!.signature).toString('base64') }] }
    await refusedNoLoss(w, resolver, 'resolve_executions', { items: [item(a, sealed[0]!), forged] }, `invalid signature from ${sealed[1]![1]!.worker.id}`)
    await refusedNoLoss(w, resolver, 'resolve_executions', { items: [item(a, sealed[0]!), { ...item(b, sealed[1]!), response: responseOf(ok('43')) }] }, `the reveal of ${sealed[1]![0]!.worker.id} does not match its commit`)
    await refusedNoLoss(w, resolver, 'resolve_executions', { items: [item(a, sealed[0]!), { ...item(b, sealed[1]!), request_id: 9999 }] }, 'request 9999 does not exist')
    await refusedNoLoss(w, resolver, 'resolve_executions', { items: [item(a, sealed[0]!), { ...item(b, sealed[1]!), tip: 1 }] }, 'unknown field \\"tip\\" in item')
    await refusedNoLoss(w, resolver, 'resolve_executions', { items: [item(a, sealed[0]!)] }, 'resolve_executions takes no deposit', 1n)
    await refusedNoLoss(w, resolver, 'resolve_executions', { items: Array.from({ length: MAX_BATCH_RESOLVES + 1 }, () => item(a, sealed[0]!)) }, `resolve_executions takes at most ${MAX_BATCH_RESOLVES} items`)
    const failure = { success: false, output: new Uint8Array(0), error: 'e'.repeat(257), instructions: 1n }
    await refusedNoLoss(w, resolver, 'resolve_executions', { items: [item(a, sealed[0]!), { ...item(b, sealed[1]!), response: responseOf(failure) }] }, 'an error of 257 bytes as logged is resolved alone (resolve_execution)')
    await refusedNoLoss(w, resolver, 'resolve_executions', { items: [item(a, sealed[0]!)], pad: 'x'.repeat(64 * 1024) }, 'resolve_executions takes at most 65536 bytes of arguments')
    assert.equal(await snapshot(), before)
    // the same two items, well formed, resolve both
    const out = await call(w, resolver, 'resolve_executions', { items: [item(a, sealed[0]!), item(b, sealed[1]!)] })
    assert.deepEqual(events(out.logs, 'execution_resolved').map(e => e.request_id), [a.requestId, b.requestId])
    assert.equal((await a.done).value, '42')
    assert.equal((await b.done).value, '42')
  })

  /** Signs now (nonce from the key's view), sends after, with blocks paused, so that several land in one block. */
  async function inOneBlock (txs: SignedTransaction[]): Promise<CallResult[]> {
    w.blocks.pause()
    try {
      for (const tx of txs) await w.provider.sendTransactionUntil(tx, 'NONE')
      await w.net.produceBlocks(1)
    } finally { w.blocks.resume() }
    return await Promise.all(txs.map(async tx => {
      const hash = base58.encode(createHash('sha256').update(encodeTransaction(tx.transaction)).digest())
      return decodeOutcome(await w.provider.viewTransactionStatus({ txHash: hash, accountId: tx.transaction.signerId, waitUntil: 'FINAL' }))
    }))
  }

  it('never commits twice nor resolves twice nor pays twice when two batches over the same requests land in one block', async () => {
    const [a, b] = [await newRequest(), await newRequest()]
    const [x, ...rest] = w.workers as [Worker, ...Worker[]]
    // x holds a second key, so its two batches do not share a nonce
    const second = KeyPair.fromRandom('ed25519')
    await x.account.addFullAccessKey(second.getPublicKey())
    const x2 = new Account(x.id, w.provider, new KeyPairSigner(second))
    const sa = await seal(w, x, a.requestId, result)
    const sb = await seal(w, x, b.requestId, result)
    const commitTx = async (from: Account, items: unknown[]): Promise<SignedTransaction> =>
      await from.createSignedTransaction({ receiverId: w.contractId, actions: [actions.functionCall('commit_results', { items }, MAX_GAS, 0n)] })
    const commits = await inOneBlock([
      await commitTx(x.account, [{ request_id: a.requestId, commit: sa.commit }, { request_id: b.requestId, commit: sb.commit }]),
      await commitTx(x2, [{ request_id: b.requestId, commit: sb.commit }, { request_id: a.requestId, commit: sa.commit }])
    ])
    assert.equal(commits.flatMap(o => events(o.logs, 'result_committed')).length, 2, 'one commit per request')
    assert.equal(commits.flatMap(o => skips(o.logs)).length, 2, 'the other batch skipped both')
    for (const r of [a, b]) assert.equal((await assignment(w, r.requestId)).commits.filter(c => c.worker_id === x.id).length, 1)
    const sealed: Sealed[][] = [[sa], [sb]]
    for (const p of rest) {
      for (const [i, r] of [a, b].entries()) {
        const s = await seal(w, p, r.requestId, result)
        await call(w, p.account, 'commit_result', { request_id: r.requestId, commit: s.commit })
        sealed[i]!.push(s)
      }
    }

    const statsBefore = await w.view<{ succeeded: number, resolve_fees: string, paid_to_workers: string }>('get_stats')
    const workersBefore = await w.view<Array<{ completed: number }>>('list_workers', { from_index: 0, limit: 10 })
    const resolveTx = async (from: Account, reqs: number[]): Promise<SignedTransaction> => await from.createSignedTransaction({
      receiverId: w.contractId, actions: [actions.functionCall('resolve_executions', { items: reqs.map(i => item([a, b][i]!, sealed[i]!)) }, MAX_GAS, 0n)]
    })
    const resolves = await inOneBlock([await resolveTx(w.users[1]!, [0, 1]), await resolveTx(w.users[2]!, [1, 0])])
    const resolved = resolves.flatMap(o => events(o.logs, 'execution_resolved').map(e => e.request_id))
    assert.deepEqual(resolved.sort(), [a.requestId, b.requestId], 'each request resolved once')
    assert.equal(resolves.flatMap(o => skips(o.logs)).length, 2)
    const dones = [await a.done, await b.done]
    for (const d of dones) assert.equal(events(d.logs, 'execution_completed').length, 1)
    const stats = await w.view<{ succeeded: number, resolve_fees: string, paid_to_workers: string }>('get_stats')
    assert.equal(stats.succeeded, statsBefore.succeeded + 2)
    const fee = BigInt((await w.view<{ resolve_fee: string }>('get_pricing')).resolve_fee)
    assert.equal(BigInt(stats.resolve_fees), BigInt(statsBefore.resolve_fees) + 2n * fee, 'two resolve fees, not four')
    const paid = dones.reduce((n, d) => n + BigInt(String(events(d.logs, 'execution_completed')[0]!.payment_charged)), 0n)
    assert.ok(BigInt(stats.paid_to_workers) - BigInt(statsBefore.paid_to_workers) <= paid - 2n * fee, 'workers were paid out of the two charges only')
    const workersAfter = await w.view<Array<{ completed: number }>>('list_workers', { from_index: 0, limit: 10 })
    assert.deepEqual(workersAfter.map(x => x.completed), workersBefore.map(x => x.completed + 2), 'each worker credited once per request')
  })
})
