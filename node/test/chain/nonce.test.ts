import { strict as assert } from 'node:assert'
import { createBlockFeed, createOutlayerClient, findRequestIds } from '../../chain/index.js'
import { startChain, type TestChain } from '../roles/chain.js'

const SOURCE = { WasmUrl: { url: 'https://example.org/never.wasm', hash: 'ab'.repeat(32) } }
const ARGS = {
  source: SOURCE,
  resource_limits: { max_instructions: 1_000_000_000, max_memory_mb: 64, max_execution_seconds: 10 },
  input_data: '{}',
  response_format: 'Text',
  redundancy: { replicas: 1, quorum: 1, aggregation: 'identical' }
}

describe('chain client: nonce conflicts', function () {
  this.timeout(120_000)
  let chain: TestChain
  before(async () => { chain = await startChain({ workers: 1 }) })
  after(async () => { await chain?.stop() })

  it('re-signs on a nonce conflict and loses no transaction: concurrent requests from one key in two clients all land, identical ones included', async () => {
    const user = chain.net.accounts[0]!
    // a second holder of the same key (another process): its nonces collide with the first client's
    const other = createOutlayerClient({ rpcUrl: chain.net.rpcUrl, contractId: chain.contractId, accountId: user.accountId, secretKey: user.secretKey })
    const deposit = await chain.user.estimateDeposit(ARGS)
    const fromHeight = chain.net.height()
    const sent = await Promise.all([
      ...Array.from({ length: 6 }, async () => await chain.user.requestExecution(ARGS, deposit)),
      // distinct inputs: the same arguments under the same nonce would be the very same transaction
      ...Array.from({ length: 4 }, async (_, i) => await other.requestExecution({ ...ARGS, input_data: `{"other":${i}}` }, deposit))
    ])
    const hashes = sent.map(s => s.txHash)
    assert.equal(new Set(hashes).size, 10, 'ten distinct transactions')
    const ids = await findRequestIds({ feed: createBlockFeed(chain.net.feedUrl), contractId: chain.contractId, txHashes: hashes, fromHeight, timeoutMs: 60_000 })
    assert.equal(new Set(hashes.map(h => ids.get(h))).size, 10, 'each transaction made its own request')
    for (const id of ids.values()) assert.equal((await chain.user.getRequest(id))?.status, 'pending')
  })
})
