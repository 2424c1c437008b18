/** An Explorer with fixed records (no chain): the route and page tests serve it, with hostile strings in it. */
import { transcriptHash, type TranscriptEntry } from '../../../protocol/index.js'
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

/** the worker's transcript of request 150 (hostile url and error), which hashes to its agreed transcript_hash */
export const TRANSCRIPT: TranscriptEntry[] = [
  { kind: 'http', request: { method: 'GET', url: `https://api.example/${XSS}`, header_names: ['accept'], body_sha256: 'e3'.repeat(32) }, response: { status: 200, header_names: [], body_sha256: 'aa'.repeat(32) } },
  { kind: 'http', request: { method: 'POST', url: 'http://10.0.0.1/', header_names: [], body_sha256: 'e3'.repeat(32) }, response: { error: XSS } }
]

/**
 * 150 records (ids 1..150), the last one full of markup in every string a page shows. The node holds a
 * transcript for 150 (agreed) and for 149 (whose agreed transcript_hash is another one: never served).
 */
export function fixtureExplorer (): Explorer {
  const records = Array.from({ length: 149 }, (_, i) => record(i + 1))
  records[148]!.response = { success: true, output: b64('{}'), transcript_hash: 'ef'.repeat(32) }
  records.push(record(150, {
    input_data: XSS, response_format: 'Text', response: { success: true, output: b64(XSS), transcript_hash: transcriptHash(TRANSCRIPT) },
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
    view: async () => null,
    // the ristretto255 base point: a valid group key (nobody holds its "secret" here but the test)
    keystoreGroup: async () => ({ version: 1, group_key: 'e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76', threshold: 2, members: 3 }),
    secrets: (owner) => owner === 'alice.test.near'
      ? [{ owner, accessor: { Project: { project_id: XSS } }, profile: XSS, stored: { block: 12 } }, { owner, accessor: { WasmHash: { hash: 'ab'.repeat(32) } }, profile: 'default', stored: { block: 11 } }]
      : [],
    transcript: async (id) => id === '150' || id === '149' ? TRANSCRIPT : undefined
  }
}
