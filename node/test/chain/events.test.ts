import { strict as assert } from 'node:assert'
import { logsOf, parseOutlayerEvents, type FeedBlock } from '../../chain/index.js'

const request = {
  request_id: '3',
  data_id: 'ab'.repeat(32),
  sender_id: 'user0.test.near',
  predecessor_id: 'user0.test.near',
  payer_account_id: 'user0.test.near',
  source: { WasmUrl: { url: 'http://127.0.0.1:1/random.wasm', hash: 'cd'.repeat(32) } },
  resource_limits: { max_instructions: '1000000000', max_memory_mb: 128, max_execution_seconds: 60 },
  input_data: '{}',
  response_format: 'Text',
  redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' },
  block_height: '10',
  timestamp_ns: '1700000000000000000',
  seed: 'ef'.repeat(32)
}
const event = (name: string, data: unknown, standard = 'near-outlayer'): string =>
  'EVENT_JSON:' + JSON.stringify({ standard, version: '1.0.0', event: name, data })

describe('chain events', () => {
  it('parses execution_requested with the request inline or as a JSON string', () => {
    const inline = parseOutlayerEvents([event('execution_requested', [request])])
    const nested = parseOutlayerEvents([event('execution_requested', [{ request_data: JSON.stringify(request), data_id: request.data_id }])])
    for (const parsed of [inline, nested]) {
      assert.equal(parsed.length, 1)
      const e = parsed[0]!
      assert.equal(e.event, 'execution_requested')
      if (e.event === 'execution_requested') assert.equal(e.request.request_id, 3n)
    }
  })

  it('parses commit, completion and disagreement events', () => {
    const events = parseOutlayerEvents([
      event('result_committed', [{ request_id: 3, worker_id: 'w1.test.near', slot: 0, committed: 1, replicas: 1, closed: true }]),
      event('execution_resolved', [{ request_id: 3, resolution: {} }]),
      event('execution_completed', [{ request_id: '3', success: true }]),
      event('worker_disagreed', [{ request_id: '3', worker_id: 'liar.test.near' }])
    ])
    assert.deepEqual(events, [
      { event: 'result_committed', requestId: '3', workerId: 'w1.test.near', closed: true },
      { event: 'request_closed', requestId: '3', via: 'execution_resolved' },
      { event: 'request_closed', requestId: '3', via: 'execution_completed' },
      { event: 'worker_disagreed', requestId: '3', workerId: 'liar.test.near' }
    ])
  })

  it('drops other standards, plain logs, bad JSON and invalid requests', () => {
    const bad = { ...request, seed: 'nothex' }
    assert.deepEqual(parseOutlayerEvents([
      'hello',
      'EVENT_JSON:{not json',
      event('execution_requested', [request], 'nep171'),
      event('execution_requested', [bad]),
      event('result_committed', [{ request_id: -1, worker_id: 'w' }])
    ]), [])
  })

  it('reads only the logs of receipts the contract executed', () => {
    const block: FeedBlock = {
      block: { header: { height: 5 } },
      shards: [{
        receipt_execution_outcomes: [
          { execution_outcome: { outcome: { executor_id: 'outlayer.test.near', logs: ['a'] } } },
          { execution_outcome: { outcome: { executor_id: 'other.test.near', logs: ['b'] } } },
          { execution_outcome: { outcome: { executor_id: 'outlayer.test.near', logs: ['c'] } } }
        ]
      }]
    }
    assert.deepEqual(logsOf(block, 'outlayer.test.near'), ['a', 'c'])
  })
})
