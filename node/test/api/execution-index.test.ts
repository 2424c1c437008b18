/** The explorer's fold from feed blocks: steps with block and tx, reveals, slashes, and hostile items ignored. */
import assert from 'node:assert/strict'
import type { BlockFeed, FeedBlock } from '../../chain/index.js'
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

  it('keeps at most maxRecords, dropping the oldest', () => {
    for (let id = 3; id <= 6; id++) index.fold(block(30 + id, [{ tx: `T${id}`, logs: [log('execution_requested', requested(id))] }]), 30 + id)
    assert.deepEqual(index.list().map(r => r.request_id), ['6', '5', '4'])
    assert.equal(index.byTxHash('T3'), undefined)
  })
})
