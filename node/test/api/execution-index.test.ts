/**
 * The explorer's fold from feed blocks: steps with block and tx, reveals, slashes, and hostile items ignored; and
 * reorgs: served a neardata feed whose optimistic head is a fork that final blocks then replace, the index holds
 * only what final blocks carry.
 */
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createBlockFeed, type BlockFeed, type FeedBlock } from '../../chain/index.js'
import { ExecutionIndex } from '../../api/index.js'
import { workerStats } from '../../api/explorer/worker-stats.js'

const CONTRACT = 'outlayer.test.near'
const log = (event: string, data: unknown): string => `EVENT_JSON:${JSON.stringify({ standard: 'near-outlayer', version: '1.0.0', event, data })}`
const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64')

function block (height: number, receipts: Array<{ tx: string, logs?: string[], executor?: string, call?: { method: string, args: unknown } }>): FeedBlock {
  return {
    block: { header: { height } },
    shards: [{
      receipt_execution_outcomes: receipts.map(r => ({
        tx_hash: r.tx,
        execution_outcome: { outcome: { executor_id: r.executor ?? CONTRACT, logs: r.logs ?? [] } },
        receipt: { receipt: { Action: { actions: r.call != null ? [{ FunctionCall: { method_name: r.call.method, args: b64(r.call.args) } }] : [] } } }
      }))
    }]
  } as FeedBlock
}

const requested = (id: number): Record<string, unknown> => ({
  request_id: id, sender_id: 'alice.test.near', payer_account_id: 'alice.test.near', source: { WasmUrl: { url: 'http://x/a.wasm', hash: 'ab'.repeat(32) } },
  input_data: '{}', response_format: 'Text', redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' }, attached_deposit: '5',
  network_id: 'localnet', data_id: '00'.repeat(32), input_hash: '11'.repeat(32), seed: '22'.repeat(32), assigned: ['w0', 'w1', 'w2'], backups: ['w3']
})

describe('node/api explorer index', () => {
  const index = new ExecutionIndex({ feed: {} as BlockFeed }, { contractId: CONTRACT, maxRecords: 3 })

  it('folds a request from execution_requested to the callback, with block and tx per step', () => {
    index.fold(block(10, [{ tx: 'TxA', logs: [log('execution_requested', requested(1))] }]), 10)
    index.fold(block(11, [0, 1, 2].map(i => ({ tx: `TxC${i}`, logs: [log('result_committed', { request_id: 1, worker_id: `w${i}`, slot: i })] }))), 11)
    index.fold(block(13, [{
      tx: 'TxR',
      logs: [log('execution_resolved', { request_id: 1, resolution: { success: true, error: '', workers: ['w0', 'w1'], resolver_id: 'w0', code_hash: 'cc', output_hash: 'dd', resources_used: { instructions: 7 } } }),
        log('worker_disagreed', { request_id: 1, worker_id: 'w2', slashed: '100' })],
      call: {
        method: 'resolve_execution',
        args: {
          request_id: 1, response: { success: true, output: b64('ok'), resources_used: { instructions: '7' } },
          reveals: [{ worker_id: 'w0', salt: 'aa', signature: 'sig0' }, { worker_id: 'w1', salt: 'bb', signature: 'sig1' }, { worker_id: 'w2', salt: 'cc', signature: 'sig2', response: { success: true, output_hash: 'ee'.repeat(32), resources_used: { instructions: '9' } } }]
        }
      }
    }]), 13)
    index.fold(block(14, [{ tx: 'TxA', logs: [log('execution_completed', { request_id: 1, success: true, payment_charged: '3000000000000000000000000', payment_refunded: '2', workers: ['w0', 'w1'], timed_out: false })] }]), 14)
    const r = index.get('1')!
    assert.equal(r.status, 'completed')
    assert.deepEqual(r.steps, { requested: { block: 10, tx: 'TxA' }, assigned: { block: 10, tx: 'TxA' }, committed: { block: 11, tx: 'TxC0' }, revealed: { block: 13, tx: 'TxR' }, resolved: { block: 13, tx: 'TxR' }, callback: { block: 14, tx: 'TxA' } })
    assert.equal(r.blocks_taken, 4)
    assert.deepEqual(r.workers.map(w => [w.worker_id, w.role, w.agreed, w.revealed, w.signature]), [['w0', 'primary', true, true, 'sig0'], ['w1', 'primary', true, true, 'sig1'], ['w2', 'primary', false, true, 'sig2'], ['w3', 'backup', false, false, undefined]])
    assert.deepEqual(r.workers[2]!.dissent, { success: true, output_hash: 'ee'.repeat(32), instructions: '9' })
    assert.deepEqual(r.slashes, [{ worker_id: 'w2', kind: 'disagreed', amount: '100', block: 13, tx: 'TxR' }])
    assert.equal(index.byTxHash('TxA')?.request_id, '1')
    const stats = workerStats(index.list(), 10n ** 21n)
    assert.deepEqual([stats.get('w0')!.agreed, stats.get('w2')!.disagreed, stats.get('w2')!.slashes, stats.get('w3')!.assigned], [1, 1, 1, 0])
    // (3e24 − 1e21 resolve fee − 3e21 receipt fee) / 2 agreeing workers
    assert.equal(stats.get('w0')!.earned, ((3n * 10n ** 24n - 10n ** 21n - 3n * 10n ** 21n) / 2n).toString())
  })

  it('ignores other contracts, other standards, malformed items and events of unknown requests', () => {
    index.fold(block(20, [
      { tx: 'TxX', executor: 'evil.test.near', logs: [log('execution_requested', requested(2))] },
      { tx: 'TxY', logs: ['EVENT_JSON:{"standard":"other","version":"1","event":"execution_requested","data":{}}', 'EVENT_JSON:{not json', log('execution_requested', { request_id: 'x' }), log('execution_requested', [1, 2])] },
      { tx: 'TxZ', logs: [log('worker_disagreed', { request_id: 99, worker_id: 'w0', slashed: '5' }), log('execution_completed', { request_id: 1, success: 'yes' })] },
      { tx: 'TxW', call: { method: 'resolve_execution', args: 'not an object' } }
    ]), 20)
    assert.equal(index.get('2'), undefined)
    assert.equal(index.get('99'), undefined)
    assert.equal(index.list().length, 1)
    assert.equal(index.get('1')!.status, 'failed', 'a later completion event is still the chain\'s word')
  })

  it('takes the reveals of each item of resolve_executions, except the items the contract skipped', () => {
    const batched = new ExecutionIndex({ feed: {} as BlockFeed }, { contractId: CONTRACT })
    batched.fold(block(40, [7, 8].map(id => ({ tx: `T${id}`, logs: [log('execution_requested', requested(id))] }))), 40)
    const item = (id: number, sig: string): unknown => ({ request_id: id, response: { success: true, output: b64('ok'), resources_used: { instructions: '7' } }, reveals: [{ worker_id: 'w0', salt: 'aa', signature: sig }] })
    batched.fold(block(41, [{
      tx: 'TxB',
      logs: [log('execution_resolved', { request_id: 8, resolution: { success: true, error: '', workers: ['w0'], resolver_id: 'w0', code_hash: 'cc', output_hash: 'dd', resources_used: { instructions: 7 } } }),
        log('batch_item_skipped', { method: 'resolve_executions', index: 1, request_id: 7, reason: 'request 7 is resolved, not pending' })],
      call: { method: 'resolve_executions', args: { items: [item(8, 'sig8'), item(7, 'late')] } }
    }]), 41)
    assert.equal(batched.get('8')!.workers.find(w => w.worker_id === 'w0')!.signature, 'sig8')
    assert.equal(batched.get('7')!.workers.find(w => w.worker_id === 'w0')!.signature, undefined, 'a skipped item changed nothing')
  })

  it('lists an owner\'s secrets records from secrets_stored / secrets_deleted, canonical accessors, malformed ones ignored', () => {
    const hash = 'cd'.repeat(32)
    const stored = (owner: string, accessor: unknown, profile: string): string => log('secrets_stored', { owner, accessor, profile, storage_cost: '1' })
    index.fold(block(25, [{ tx: 'TxS', logs: [
      stored('alice.test.near', { WasmHash: { hash } }, 'default'), stored('alice.test.near', { Repo: { branch: 'main', repo: 'github.com/a/b' } }, 'p2'),
      stored('bob.test.near', { Project: { project_id: 'bob/x' } }, 'default'), stored('alice.test.near', { WasmHash: { hash: 'nothex' } }, 'default'),
      stored('alice.test.near', 'AllowAll', 'default'), log('secrets_stored', { owner: 5, accessor: { WasmHash: { hash } }, profile: 'x' })
    ] }]), 25)
    assert.deepEqual(index.secrets.list('alice.test.near').map(e => [e.accessor, e.profile, e.stored.block]), [
      [{ Repo: { repo: 'github.com/a/b', branch: 'main' } }, 'p2', 25], [{ WasmHash: { hash } }, 'default', 25]])
    // the delete names the accessor with its fields in another order: the same record
    index.fold(block(26, [{ tx: 'TxD', logs: [log('secrets_deleted', { owner: 'alice.test.near', accessor: { Repo: { repo: 'github.com/a/b', branch: 'main' } }, profile: 'p2', refunded: '1' })] }]), 26)
    assert.deepEqual(index.secrets.list('alice.test.near').map(e => e.profile), ['default'])
    assert.equal(index.secrets.list('bob.test.near').length, 1)
    assert.equal(index.list().length, 1, 'secrets events make no execution records')
  })

  it('keeps at most maxRecords, dropping the oldest', () => {
    for (let id = 3; id <= 6; id++) index.fold(block(30 + id, [{ tx: `T${id}`, logs: [log('execution_requested', requested(id))] }]), 30 + id)
    assert.deepEqual(index.list().map(r => r.request_id), ['6', '5', '4'])
    assert.equal(index.byTxHash('T3'), undefined)
  })
})

/** A neardata-shaped feed over HTTP with a final chain and an optimistic fork ahead of it (heights → blocks). */
async function forkedFeed (final: Map<number, FeedBlock>, optimistic: Map<number, FeedBlock>): Promise<{ url: string, server: Server }> {
  const server = createServer((req, res) => {
    const path = req.url ?? ''
    const top = (chain: Map<number, FeedBlock>): FeedBlock => chain.get(Math.max(...chain.keys()))!
    const m = /^\/v0\/(block|block_opt)\/(\d+)$/.exec(path)
    const body = path === '/v0/last_block/final' ? top(final)
      : path === '/v0/last_block/optimistic' ? top(optimistic)
        : m != null ? (m[1] === 'block' ? final : optimistic).get(Number(m[2])) ?? null : undefined
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? null))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

describe('node/api explorer index across a reorg', () => {
  it('indexes final blocks only: a request on an optimistic fork that final blocks replace never appears', async () => {
    const empty = (h: number): FeedBlock => block(h, [])
    const final = new Map<number, FeedBlock>([[1, empty(1)], [2, block(2, [{ tx: 'TxFinal', logs: [log('execution_requested', requested(8))] }])]])
    // the optimistic head: height 2 on another fork (request 7), and 3 on top of it
    const optimistic = new Map<number, FeedBlock>([[1, empty(1)], [2, block(2, [{ tx: 'TxFork', logs: [log('execution_requested', requested(7))] }])], [3, empty(3)]])
    const { url, server } = await forkedFeed(final, optimistic)
    const index = new ExecutionIndex({ feed: createBlockFeed(url) }, { contractId: CONTRACT, pollMs: 20 })
    try {
      await index.start()
      const reached = async (height: number): Promise<void> => { while (index.height() < height) await new Promise(resolve => setTimeout(resolve, 20)) }
      await reached(2)
      assert.deepEqual(index.list().map(r => r.request_id), ['8'])
      assert.equal(index.byTxHash('TxFork'), undefined)
      // the chain finalizes height 3 on the final fork, carrying request 9
      final.set(3, block(3, [{ tx: 'TxNext', logs: [log('execution_requested', requested(9))] }]))
      await reached(3)
      assert.deepEqual(index.list().map(r => r.request_id), ['9', '8'])
      assert.equal(index.headHeight(), 3)
    } finally {
      await index.stop()
      server.close()
    }
  })
})
