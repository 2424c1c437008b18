/** A request as our contract's execution_requested event carries it, shared by the protocol, chain and fuzz tests. */
export const EXAMPLE_REQUEST = {
  request_id: 5,
  data_id: 'ab'.repeat(32),
  sender_id: 'alice.test.near',
  predecessor_id: 'coinflip.test.near',
  payer_account_id: 'alice.test.near',
  source: { WasmUrl: { url: 'https://example.com/a.wasm', hash: 'ef'.repeat(32) } } as Record<string, unknown>,
  resource_limits: { max_instructions: 1_000_000_000, max_memory_mb: 128, max_execution_seconds: 60 },
  input_data: '{"count":5}',
  response_format: 'Json',
  redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' },
  block_height: '120',
  timestamp_ns: '1700000000000000000',
  seed: 'cd'.repeat(32)
}

export const GITHUB_SOURCE = { GitHub: { repo: 'https://github.com/zavodil/random-ark', commit: 'main', build_target: 'wasm32-wasip1' } }
