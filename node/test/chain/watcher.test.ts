/**
 * The chain watcher against the real localnet and contract: feed events, the persisted cursor, reconciliation
 * from the views, and the client's typed refusals.
 */
import { strict as assert } from 'node:assert'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { startLocalnet, type Localnet } from '../../../localnet/index.js'
import { deployOutlayer } from '../../../scripts/deploy.js'
import { ChainWatcher, watcherState, createBlockFeed, createOutlayerClient, findRequestId, type BlockFeed, type ChainWatcherEvents, type OutlayerClient } from '../../chain/index.js'
import { openStore, type NodeStore } from '../../store/index.js'
import { generateNearKey } from '../../keys.js'

type NewRequest = ChainWatcherEvents['request:new'][0]
const logger = pino({ level: 'silent' })
const SOURCE = { WasmUrl: { url: 'http://127.0.0.1:9/none.wasm', hash: 'ab'.repeat(32) } }

describe('chain watcher on localnet', function () {
  this.timeout(120_000)
  let net: Localnet
  let dir: string
  let user: OutlayerClient
  let contractId: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outlayer-watcher-'))
    net = await startLocalnet({ port: 0, blockTimeMs: 100, accounts: 2 })
    ;({ contractId } = await deployOutlayer({ rpcUrl: net.rpcUrl, networkId: net.networkId, masterAccountId: net.root.accountId, masterSecretKey: net.root.secretKey }))
    user = createOutlayerClient({ rpcUrl: net.rpcUrl, contractId, accountId: net.accounts[0]!.accountId, secretKey: net.accounts[0]!.secretKey })
    // the contract assigns every request to registered workers: one is enough
    const worker = createOutlayerClient({ rpcUrl: net.rpcUrl, contractId, accountId: net.accounts[1]!.accountId, secretKey: net.accounts[1]!.secretKey })
    const minBond = (await user.getConfig()).minBond
    await worker.registerWorker(generateNearKey().publicKey, minBond > 0n ? minBond : 10n ** 24n)
  })
  after(async () => {
    await net?.stop()
    if (dir != null) await rm(dir, { recursive: true, force: true })
  })

  async function request (): Promise<string> {
    const limits = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 1 }
    const args = { source: SOURCE, resource_limits: limits, input_data: '{}', response_format: 'Text', redundancy: { replicas: 1, quorum: 1, aggregation: 'identical' } }
    const fromHeight = net.height()
    const { txHash } = await user.requestExecution(args, await user.estimateDeposit(args))
    return await findRequestId({ feed: createBlockFeed(net.feedUrl), contractId, txHash, fromHeight })
  }

  function watcher (store: NodeStore, startHeight?: number, opts: { pollMs?: number, feed?: BlockFeed } = {}): ChainWatcher {
    return new ChainWatcher({ feed: opts.feed ?? createBlockFeed(net.feedUrl), client: user, store: store.section('chain'), logger }, {
      contractId, pollMs: opts.pollMs ?? 50, reconcileEveryBlocks: 1_000_000, optimistic: true, ...(startHeight != null ? { startHeight } : {})
    })
  }

  /** The heights a watcher reports as handled until it reached `count` of them, then stops it. */
  async function handled (w: ChainWatcher, count: number): Promise<number[]> {
    const heights: number[] = []
    w.on('block', ({ height }) => { heights.push(height) })
    await w.start()
    await until(() => heights.length >= count || undefined, `${count} blocks`)
    await w.stop()
    return heights
  }
  const consecutive = (hs: number[]): boolean => hs.every((h, i) => i === 0 || h === hs[i - 1]! + 1)

  it('follows the feed: each new block is handled once, in order, though the next poll is ten minutes away', async () => {
    const store = await openStore(join(dir, 'follow'))
    try {
      const heights = await handled(watcher(store, net.height(), { pollMs: 600_000 }), 15)
      assert.ok(consecutive(heights), heights.join(','))
    } finally {
      await store.close()
    }
  })

  it('with a feed that does not wait (null for a height not produced yet), polling still reads every block, none skipped', async () => {
    const real = createBlockFeed(net.feedUrl)
    const noWait: BlockFeed = { ...real, optimisticBlock: async (h, signal) => h > await real.optimisticHeight(signal) ? null : await real.optimisticBlock(h, signal) }
    const store = await openStore(join(dir, 'no-wait'))
    try {
      const heights = await handled(watcher(store, net.height(), { feed: noWait }), 15)
      assert.ok(consecutive(heights), heights.join(','))
    } finally {
      await store.close()
    }
  })

  it('emits a request from the feed, persists its cursor, and resumes from it after a restart', async () => {
    const store = await openStore(join(dir, 'a'))
    try {
      const first = watcher(store)
      const seen: NewRequest[] = []
      first.on('request:new', e => { if (e.origin === 'feed') seen.push(e) })
      await first.start()
      const id = await request()
      const e = await until(() => seen.find(s => s.request.request_id.toString() === id), 'the request from the feed')
      assert.equal(e.raw != null, true)
      assert.deepEqual(e.request.source, SOURCE)
      await first.stop()
      const cursor = await watcherState(store.section('chain')).cursor()
      assert.ok(cursor != null && cursor >= e.height, `cursor ${cursor} saved past the request's block ${e.height}`)

      // a restarted watcher starts at the saved cursor, not at the chain head
      const id2 = await request()
      const second = watcher(store)
      const seen2: string[] = []
      second.on('request:new', s => { if (s.origin === 'feed') seen2.push(s.request.request_id.toString()) })
      await second.start()
      await until(() => seen2.includes(id2) || undefined, 'the request sent while the watcher was down')
      assert.ok(!seen2.includes(id), 'blocks before the cursor are not read again')
      await second.stop()
    } finally {
      await store.close()
    }
  })

  it('finds pending requests through the views when the feed never showed them', async () => {
    const id = await request()
    const store = await openStore(join(dir, 'b'))
    try {
      const w = watcher(store, net.height() + 1)
      const origins: string[] = []
      w.on('request:new', e => { if (e.request.request_id.toString() === id) origins.push(e.origin) })
      await w.start()
      await until(() => origins.length > 0 || undefined, 'the reconciliation')
      assert.deepEqual(origins, ['reconcile'])
      await w.stop()
    } finally {
      await store.close()
    }
  })

  it('reports a contract refusal as a typed ChainError', async () => {
    await assert.rejects(user.commitResult('999999', 'ab'.repeat(32)), (err: Error & { code?: string }) => err.name === 'ChainError' && err.code === 'CALL_REFUSED')
  })
})

async function until<T> (check: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = check()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
