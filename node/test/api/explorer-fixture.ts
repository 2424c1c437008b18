/** An Explorer with fixed records (no chain): the route and page tests serve it, with hostile strings in it. */
import type { Explorer, WorkerRow } from '../../api/index.js'
import type { ExecutionRecord } from '../../api/explorer/index-record.js'
import { NO_HISTORY } from '../../api/explorer/worker-stats.js'

export const XSS = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
const b64 = (s: string): string => Buffer.from(s).toString('base64')

export function record (id: number, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    request_id: String(id), caller: id % 2 === 0 ? 'alice.test.near' : 'bob.test.near', payer: 'alice.test.near',
    source: { WasmUrl: { url: 'http://127.0.0.1:1/random.wasm', hash: 'ab'.repeat(32) } }, source_label: `wasm:${'ab'.repeat(6)}…`,
    input_data: '{"count":5}', response_format: 'Text', replicas: 3, quorum: 2, aggregation: 'identical', resource_limits: null,
    deposit: '2000000000000000000000000', context: { network_id: 'localnet', data_id: '00'.repeat(32), input_hash: '11'.repeat(32), seed: '22'.repeat(32) },
    status: 'completed',
    steps: { requested: { block: 10, tx: 'Tx1111111111111111111111111111111' }, assigned: { block: 10 }, committed: { block: 11 }, revealed: { block: 13 }, resolved: { block: 13 }, callback: { block: 14 } },
    workers: [
      { worker_id: 'w0.test.near', role: 'primary', agreed: true, revealed: true, committed: { block: 11 } },
      { worker_id: 'w1.test.near', role: 'primary', agreed: true, revealed: true, committed: { block: 11 } },
      { worker_id: 'w2.test.near', role: 'primary', agreed: false, revealed: true, committed: { block: 11 }, dissent: { success: true, output: b64('lie') } }
    ],
    slashes: [{ worker_id: 'w2.test.near', kind: 'disagreed', amount: '100000000000000000000000', block: 13 }],
    response: { success: true, output: b64('{"numbers":[1,2]}') }, payment_charged: '1000000000000000000000', blocks_taken: 4,
    ...overrides
  }
}

/** 150 records (ids 1..150), the last one full of markup in every string a page shows */
export function fixtureExplorer (): Explorer {
  const records = Array.from({ length: 149 }, (_, i) => record(i + 1))
  records.push(record(150, {
    input_data: XSS, response_format: 'Text', response: { success: true, output: b64(XSS) },
    workers: [{ worker_id: XSS, role: 'primary', agreed: false, revealed: true, dissent: { success: false, error: XSS } }],
    slashes: [{ worker_id: XSS, kind: 'disagreed', amount: '1', block: 13 }], source_label: XSS, caller: 'mallory.test.near'
  }))
  records.reverse()
  const worker = (id: string): WorkerRow => ({ account_id: id, public_key: 'ed25519:11111111111111111111111111111111', bond: '1000000000000000000000000', status: 'active', ...NO_HISTORY })
  return {
    executions: () => records,
    execution: (id) => records.find(r => r.request_id === id),
    executionByTx: (tx) => records.find(r => r.steps.requested?.tx === tx),
    workers: async () => ({ workers: [worker('w0.test.near'), worker(XSS)], formula: 'reputation = (agreed + 1) / (assigned + 2) × 0.5^slashes' }),
    network: async () => ({
      peer_id: '12D3KooWSelf', listen_addrs: [], peers: Array.from({ length: 130 }, (_, i) => `12D3KooWPeer${i}`),
      topics: [{ topic: 'tasks', peers: 2, received: 5, accepted: 5, refused: 0 }],
      dht: { routing_table: 3, records_put: 1, records_found: 1, provides: 1 },
      builds: [{ build_key: 'cd'.repeat(32), repo: XSS, commit: 'ef'.repeat(20), wasm_hashes: [{ wasm_hash: 'ab'.repeat(32), builders: 2 }] }],
      chain: { height: 120, indexed: 118, lag: 2 }
    }),
    contract: async () => ({ contract_id: 'outlayer.test.near', network: 'localnet', config: {}, pricing: {}, max_limits: {} }),
    estimate: async () => '1000000000000000000000',
    txContext: async () => { throw new Error('rpc down') },
    sendTx: async () => { throw new Error('rpc down') },
    view: async () => null
  }
}
