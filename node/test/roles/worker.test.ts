/**
 * The worker role on a real localnet and contract, with a real level store, artifact store and executor: who
 * runs first (rank), what it skips, what it retries, and what a restart resumes, with exact counts.
 */
import { strict as assert } from 'node:assert'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256Hex } from '../../../protocol/index.js'
import { createArtifactStore } from '../../../sandbox/builder/index.js'
import { createExecutor, type Executor } from '../../../sandbox/exec/index.js'
import { ensureExamples } from '../../../scripts/build-examples.js'
import { ArtifactResolver } from '../../artifacts/index.js'
import { openStore, type NodeStore } from '../../store/index.js'
import { worker as createWorker, workerRank, type ExecuteFn, type Worker, type WorkerInit } from '../../roles/worker/index.js'
import { startChain, type TestChain, type TestWorker } from './chain.js'
import { GossipBus, WatcherStandIn, serve, silent } from './fixtures.js'

describe('worker role', function () {
  this.timeout(180_000)
  let chain: TestChain
  let executor: Executor
  let echo: Uint8Array
  let dirs: string[] = []
  before(async () => {
    chain = await startChain({ workers: 2, leaseBlocks: 10_000 })
    executor = createExecutor({ workers: 1 })
    echo = new Uint8Array(await readFile((await ensureExamples()).echo))
  })
  after(async () => {
    await executor?.close()
    await chain?.stop()
  })
  afterEach(async () => { for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true }) })

  interface Running { worker: Worker, store: NodeStore, gossip: GossipBus, watcher: WatcherStandIn, claims: () => number, failures: Array<{ code: string }>, stop: () => Promise<void> }

  async function run (w: TestWorker, opts: { dir?: string, execute?: ExecuteFn, init?: Partial<WorkerInit> } = {}): Promise<Running & { dir: string }> {
    const dir = opts.dir ?? await mkdtemp(join(tmpdir(), 'outlayer-worker-'))
    if (opts.dir == null) dirs.push(dir)
    const store = await openStore(join(dir, 'store'))
    const gossip = new GossipBus()
    const watcher = new WatcherStandIn()
    let claims = 0
    const client = { ...w.client, claimLease: async (id: string) => { claims++; return await w.client.claimLease(id) } }
    const artifacts = new ArtifactResolver({ store: createArtifactStore(join(dir, 'artifacts'), { maxBytes: 1 << 24 }), logger: silent })
    const worker = createWorker({ signingKey: w.key, leaseBlocks: 10_000, ...opts.init })({
      client, store, gossip, watcher, artifacts, execute: opts.execute ?? (async (wasm, o) => await executor.execute(wasm, o)), logger: silent
    })
    const failures: Array<{ code: string }> = []
    worker.on('job:failed', e => failures.push(e))
    await worker.start()
    return { dir, worker, store, gossip, watcher, claims: () => claims, failures, stop: async () => { await worker.stop(); await store.close() } }
  }

  async function offer (r: Running, requestId: string, origin: 'feed' | 'reconcile' = 'feed'): Promise<void> {
    const view = await chain.user.getRequest(requestId)
    r.watcher.current = chain.net.height()
    r.watcher.emit('request:new', { request: view!.request, raw: view!.raw, height: chain.net.height(), origin })
  }

  const state = async (r: Running, id: string): Promise<string | undefined> => (await r.store.getRequest(id))?.state

  it('rank: with R=1 the first-ranked worker runs it; the other waits a lease period and sends nothing', async () => {
    const server = await serve(() => ({ status: 200, body: echo }))
    try {
      const requestId = await chain.request({ source: { WasmUrl: { url: server.url, hash: sha256Hex(echo) } }, input: '{"message":"ranked"}' })
      const ids = chain.workers.map(w => w.accountId)
      const [first, second] = [...chain.workers].sort((a, b) => workerRank(BigInt(requestId), a.accountId, ids) - workerRank(BigInt(requestId), b.accountId, ids))
      const a = await run(first!)
      const b = await run(second!)
      await offer(a, requestId)
      await offer(b, requestId)
      await waitUntil(async () => await state(a, requestId) === 'attested')
      assert.deepEqual([a.claims(), a.gossip.count('attestation'), a.gossip.count('task')], [1, 1, 1])
      assert.deepEqual([b.claims(), b.gossip.count('attestation'), await state(b, requestId)], [0, 0, 'seen'])
      const leases = await chain.user.getLeases(requestId)
      assert.deepEqual(leases.map(l => l.worker_id), [first!.accountId])
      await a.stop(); await b.stop()
    } finally { await server.close() }
  })

  it('skip: a source kind this node does not run is skipped once, with a typed note, and no lease', async () => {
    const requestId = await chain.request({ source: { WasmUrl: { url: 'http://127.0.0.1:9/x.wasm', hash: sha256Hex(echo) } } })
    const r = await run(chain.workers[0]!, { init: { allowedSources: ['GitHub'] } })
    await offer(r, requestId)
    await offer(r, requestId, 'reconcile')
    await waitUntil(async () => await state(r, requestId) === 'skipped')
    assert.deepEqual((await r.store.getRequest(requestId))?.note, { code: 'SOURCE_UNSUPPORTED', message: 'source WasmUrl is not allowed on this node' })
    assert.deepEqual([r.failures.length, r.claims()], [1, 0])
    await r.stop()
  })

  it('retry: a wasm that cannot be had yet leaves the request seen, and reconciliation runs it later', async () => {
    let status = 404
    const server = await serve(() => status === 200 ? { status, body: echo } : { status })
    try {
      const requestId = await chain.request({ source: { WasmUrl: { url: server.url, hash: sha256Hex(echo) } }, input: '{"message":"later"}' })
      const ids = chain.workers.map(w => w.accountId)
      const first = chain.workers.find(w => workerRank(BigInt(requestId), w.accountId, ids) === 0)!
      const r = await run(first)
      await offer(r, requestId)
      await waitUntil(() => r.failures.length === 1)
      assert.deepEqual([r.failures[0]!.code, await state(r, requestId), r.claims()], ['WASM_UNAVAILABLE', 'seen', 0])
      status = 200
      await offer(r, requestId, 'reconcile')
      await waitUntil(async () => await state(r, requestId) === 'attested')
      assert.deepEqual([r.claims(), r.gossip.count('attestation'), server.hits()], [1, 1, 2])
      await r.stop()
    } finally { await server.close() }
  })

  it('restart: a job stopped after its lease is re-run on restart from the store, with no second claim', async () => {
    const server = await serve(() => ({ status: 200, body: echo }))
    try {
      const requestId = await chain.request({ source: { WasmUrl: { url: server.url, hash: sha256Hex(echo) } }, input: '{"message":"again"}' })
      const ids = chain.workers.map(w => w.accountId)
      const first = chain.workers.find(w => workerRank(BigInt(requestId), w.accountId, ids) === 0)!
      let release!: () => void
      const gate = new Promise<void>(resolve => { release = resolve })
      const stuck = await run(first, { execute: async (wasm, o) => { await gate; return await executor.execute(wasm, o) } })
      const won = new Promise<void>(resolve => stuck.worker.once('lease:won', () => resolve()))
      await offer(stuck, requestId)
      await won
      await waitUntil(async () => await state(stuck, requestId) === 'working')
      const stopping = stuck.stop()
      release()
      await stopping
      const again = await run(first, { dir: stuck.dir })
      assert.equal(await state(again, requestId), 'working', 'the store remembers the job')
      await offer(again, requestId, 'reconcile')
      await waitUntil(async () => await state(again, requestId) === 'attested')
      assert.deepEqual([stuck.claims(), again.claims(), stuck.gossip.count('attestation'), again.gossip.count('attestation')], [1, 0, 0, 1])
      assert.equal((await chain.user.getLeases(requestId)).length, 1)
      await again.stop()
    } finally { await server.close() }
  })
})

async function waitUntil (check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!await check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
