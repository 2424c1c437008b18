/**
 * The worker role on a real localnet and contract, with a real level store, artifact store and executor: who
 * runs (the contract's assignment), what it skips, what it retries, and what a restart resumes, with exact counts.
 */
import { strict as assert } from 'node:assert'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { resultHash, sha256Hex, transcriptHash, type DeterministicStatus, type TranscriptEntry } from '../../../protocol/index.js'
import { createArtifactStore } from '../../../sandbox/builder/index.js'
import { createExecutor, type Executor } from '../../../sandbox/exec/index.js'
import { ensureExamples } from '../../../scripts/build-examples.js'
import { bombs } from '../../../sandbox/test/exec/wasm-writer.js'
import { ArtifactResolver } from '../../artifacts/index.js'
import { phaseClosedAt, type OnChainReveal } from '../../chain/index.js'
import { openStore, requestKey, type NodeStore } from '../../store/index.js'
import { WorkerJobs, worker as createWorker, type ExecuteFn, type Job, type Worker, type WorkerInit } from '../../roles/worker/index.js'
import { startChain, type TestChain, type TestWorker } from './chain.js'
import { GossipBus, WatcherStandIn, serve, silent } from './fixtures.js'

describe('worker role', function () {
  this.timeout(180_000)
  let chain: TestChain
  let executor: Executor
  let echo: Uint8Array
  let dirs: string[] = []
  before(async () => {
    chain = await startChain({ workers: 2, commitWindowBlocks: 10 })
    executor = createExecutor({ workers: 1 })
    echo = new Uint8Array(await readFile((await ensureExamples()).echo))
    // prepared once here, so no case's wait includes the preparation thread's first start (binaryen)
    await executor.execute(echo, { input: '{}' })
  })
  after(async () => {
    await executor?.close()
    await chain?.stop()
  })
  afterEach(async () => { for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true }) })

  interface Running { worker: Worker, store: NodeStore, jobs: WorkerJobs, gossip: GossipBus, watcher: WatcherStandIn, commits: () => number, reveals: () => number, failures: Array<{ code: string }>, stop: () => Promise<void> }

  async function run (w: TestWorker, opts: { dir?: string, execute?: ExecuteFn, init?: Partial<WorkerInit> } = {}): Promise<Running & { dir: string }> {
    const dir = opts.dir ?? await mkdtemp(join(tmpdir(), 'outlayer-worker-'))
    if (opts.dir == null) dirs.push(dir)
    const store = await openStore(join(dir, 'store'))
    const gossip = new GossipBus()
    const watcher = new WatcherStandIn()
    let commits = 0
    let reveals = 0
    const client = {
      ...w.client,
      commitResult: async (id: string, commit: string) => { commits++; return await w.client.commitResult(id, commit) },
      revealResult: async (id: string, reveal: OnChainReveal) => { reveals++; return await w.client.revealResult(id, reveal) }
    }
    const artifacts = new ArtifactResolver({ store: createArtifactStore(join(dir, 'artifacts'), { maxBytes: 1 << 24 }), logger: silent })
    const worker = createWorker({ signingKey: w.key, networkId: chain.networkId, ...opts.init })({
      client, store: store.section('worker'), gossip, watcher, artifacts, execute: opts.execute ?? (async (wasm, o) => await executor.execute(wasm, o)), logger: silent
    })
    const failures: Array<{ code: string }> = []
    worker.on('job:failed', e => failures.push(e))
    await worker.start()
    return { dir, worker, store, jobs: new WorkerJobs(store.section('worker')), gossip, watcher, commits: () => commits, reveals: () => reveals, failures, stop: async () => { await worker.stop(); await store.close() } }
  }

  async function offer (r: Running, requestId: string, origin: 'feed' | 'reconcile' = 'feed'): Promise<void> {
    const view = await chain.user.getRequest(requestId)
    r.watcher.current = chain.net.height()
    r.watcher.emit('request:new', { request: view!.request!, raw: view!.raw, height: chain.net.height(), origin })
  }

  const state = async (r: Running, id: string): Promise<string | undefined> => (await r.worker.job(id))?.state

  /** the request's primary and the other worker (its backup, with two registered workers and R=1) */
  async function roles (requestId: string): Promise<[TestWorker, TestWorker]> {
    const assigned = (await chain.user.getRequest(requestId))!.assignment!.assigned[0]!
    return [chain.workers.find(w => w.accountId === assigned)!, chain.workers.find(w => w.accountId !== assigned)!]
  }

  /**
   * Registers again with the missing bond whoever an earlier case's request slashed below min_bond at its yield
   * timeout (200 blocks, 20 s: a skipped request, or a reveal only gossiped), as a node runner would; with two
   * workers at exactly min_bond, a slow machine otherwise leaves a later case no eligible worker.
   */
  async function topUpBonds (): Promise<void> {
    const minBond = (await chain.user.getConfig()).minBond
    for (const w of chain.workers) {
      const view = (await chain.user.getWorker(w.accountId))!
      if (view.bond < minBond) await w.client.registerWorker(view.public_key, minBond - view.bond)
    }
  }

  beforeEach(topUpBonds)

  it('assignment: the contract\'s primary runs it at once, commits and reveals; the backup finds the slot taken and sends nothing', async () => {
    const server = await serve(() => ({ status: 200, body: echo }))
    try {
      const requestId = await chain.request({ source: { WasmUrl: { url: server.url, hash: sha256Hex(echo) } }, input: '{"message":"assigned"}' })
      const [primary, backup] = await roles(requestId)
      const a = await run(primary)
      const b = await run(backup)
      await offer(a, requestId)
      await offer(b, requestId)
      await waitUntil(async () => await state(a, requestId) === 'revealed')
      assert.deepEqual([a.commits(), a.gossip.count('attestation'), a.gossip.count('task')], [1, 1, 1])
      // the backup's turn comes after the window: by then the one slot is committed
      const deadline = (await chain.user.getRequest(requestId))!.request!.commit_deadline!
      while (chain.net.height() <= Number(deadline)) await new Promise(resolve => setTimeout(resolve, 100))
      b.worker.onBlock(chain.net.height())
      await waitUntil(async () => await state(b, requestId) === 'skipped')
      assert.deepEqual([b.commits(), b.gossip.count('attestation'), (await b.worker.job(requestId))?.note?.code], [0, 0, 'NOT_NEEDED'])
      const assignment = await chain.user.getAssignment(requestId)
      assert.deepEqual(assignment?.commits.map(c => c.worker_id), [primary.accountId])
      await a.stop(); await b.stop()
    } finally { await server.close() }
  })

  it('reveal fallback: a request still unresolved revealFallbackBlocks after its phase closed gets its reveal on chain once, and a restart sends nothing again', async () => {
    const server = await serve(() => ({ status: 200, body: echo }))
    try {
      const requestId = await chain.request({ source: { WasmUrl: { url: server.url, hash: sha256Hex(echo) } }, input: '{"message":"unresolved"}' })
      const [primary] = await roles(requestId)
      const a = await run(primary, { init: { revealFallbackBlocks: 3 } })
      await offer(a, requestId)
      await waitUntil(async () => await state(a, requestId) === 'revealed') // gossiped; nobody resolves it
      const closedAt = phaseClosedAt((await chain.user.getAssignment(requestId))!, 0) // R=1: the block of its commit
      a.worker.onBlock(closedAt + 2)
      assert.equal(a.reveals(), 0, 'not before the fallback height')
      while (chain.net.height() < closedAt + 3) await new Promise(resolve => setTimeout(resolve, 100))
      for (let i = 0; i < 3; i++) a.worker.onBlock(chain.net.height()) // repeated blocks while the reveal is in flight
      await waitUntil(async () => (await chain.user.getAssignment(requestId))?.commits[0]?.revealed === true)
      a.worker.onBlock(chain.net.height() + 1)
      assert.equal(a.reveals(), 1)
      await a.stop()
      // a restart repeats the gossip reveal, reads the chain and sends no second on-chain reveal
      const again = await run(primary, { dir: a.dir, init: { revealFallbackBlocks: 3 } })
      await offer(again, requestId, 'reconcile')
      await waitUntil(() => again.gossip.count('attestation') === 1)
      again.worker.onBlock(chain.net.height() + 5)
      await again.stop() // waits for any on-chain reveal in flight
      assert.equal(again.reveals(), 0)
    } finally { await server.close() }
  })

  it('outside I/O: the run\'s transcript hash is signed, committed and accepted on chain, and the transcript kept for the explorer', async () => {
    const server = await serve(() => ({ status: 200, body: echo }))
    const transcript: TranscriptEntry[] = [{ kind: 'http', request: { method: 'GET', url: 'https://api.example/price', header_names: ['accept'], body_sha256: sha256Hex('') }, response: { status: 200, header_names: [], body_sha256: sha256Hex('42') } }]
    // what the executor returns for a component that made this one exchange (sandbox/exec/outcome.ts)
    const withIo: ExecuteFn = async (wasm, o) => {
      const r = await executor.execute(wasm, o)
      const hashed = { ...r, status: r.status as DeterministicStatus, transcript_hash: transcriptHash(transcript) }
      return { ...hashed, transcript, result_hash: resultHash(hashed) }
    }
    try {
      const requestId = await chain.request({ source: { WasmUrl: { url: server.url, hash: sha256Hex(echo) } }, input: '{"message":"io"}' })
      const [primary] = await roles(requestId)
      const a = await run(primary, { execute: withIo, init: { revealFallbackBlocks: 1 } })
      await offer(a, requestId)
      await waitUntil(async () => await state(a, requestId) === 'revealed')
      const gossiped = a.gossip.published.find(p => p.type === 'attestation')!.payload as { transcript_hash: string }
      assert.equal(gossiped.transcript_hash, transcriptHash(transcript))
      // the on-chain reveal checks the signature and the commit over the digest with this transcript hash
      const closedAt = phaseClosedAt((await chain.user.getAssignment(requestId))!, 0)
      while (chain.net.height() < closedAt + 1) await new Promise(resolve => setTimeout(resolve, 100))
      a.worker.onBlock(chain.net.height())
      await waitUntil(async () => (await chain.user.getAssignment(requestId))?.commits[0]?.revealed === true)
      assert.deepEqual(await a.worker.transcript(requestId), transcript)
      await a.stop()
    } finally { await server.close() }
  })

  it('skip: a source kind this node does not run is skipped once, with a typed note, and no commit', async () => {
    const requestId = await chain.request({ source: { WasmUrl: { url: 'http://127.0.0.1:9/x.wasm', hash: sha256Hex(echo) } } })
    const r = await run(chain.workers[0]!, { init: { allowedSources: ['GitHub'] } })
    await offer(r, requestId)
    await offer(r, requestId, 'reconcile')
    await waitUntil(async () => await state(r, requestId) === 'skipped')
    assert.deepEqual((await r.worker.job(requestId))?.note, { code: 'SOURCE_UNSUPPORTED', message: 'source WasmUrl is not allowed on this node' })
    assert.deepEqual([r.failures.length, r.commits()], [1, 0])
    await r.stop()
  })

  it('refusal: a module the executor refuses at admission is attested as trap(admission:<code>) with 0 instructions, committed and revealed, never run again', async () => {
    // a valid wasm header and one import of a host function the sandbox does not offer; a pre-scan bomb
    const forbidden = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 12, 1, 3, 0x65, 0x6e, 0x76, 4, 0x65, 0x76, 0x69, 0x6c, 0, 0])
    for (const [wasm, code] of [[forbidden, 'forbidden_import'], [bombs.nestedBlocks(100_000), 'nesting_too_deep']] as const) {
      // refused once here, so the worker's commit is not late for the 10-block window on a loaded machine
      await assert.rejects(executor.execute(wasm, { input: '' }), (err: { name?: string, code?: string }) => err.name === 'AdmissionError' && err.code === code)
      const server = await serve(() => ({ status: 200, body: wasm }))
      try {
        const requestId = await chain.request({ source: { WasmUrl: { url: server.url, hash: sha256Hex(wasm) } } })
        const [primary] = await roles(requestId)
        let executions = 0
        const r = await run(primary, { execute: async (w, o) => { executions++; return await executor.execute(w, o) } })
        await offer(r, requestId)
        await waitUntil(async () => await state(r, requestId) === 'revealed')
          .catch(async err => { throw new Error(`${code}: ${String(err)}, job ${JSON.stringify(await r.worker.job(requestId), (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v)}, failures ${JSON.stringify(r.failures)}`) })
        const gossiped = r.gossip.published.find(p => p.type === 'attestation')!.payload as { success: boolean, error: string, instructions: string }
        assert.deepEqual([gossiped.success, gossiped.error, gossiped.instructions], [false, `trap(admission:${code})`, '0'])
        // a reconciliation offers it again: it is done, nothing runs or commits again
        await offer(r, requestId, 'reconcile')
        assert.deepEqual([await state(r, requestId), executions, r.commits(), r.failures.length], ['revealed', 1, 1, 0])
        await r.stop()
      } finally { await server.close() }
    }
  })

  it('retry: a wasm that cannot be had yet leaves the request seen, and reconciliation runs it later', async () => {
    let status = 404
    const server = await serve(() => status === 200 ? { status, body: echo } : { status })
    try {
      const requestId = await chain.request({ source: { WasmUrl: { url: server.url, hash: sha256Hex(echo) } }, input: '{"message":"later"}' })
      const [first] = await roles(requestId)
      const r = await run(first)
      await offer(r, requestId)
      await waitUntil(() => r.failures.length === 1)
      assert.deepEqual([r.failures[0]!.code, await state(r, requestId), r.commits()], ['WASM_UNAVAILABLE', 'seen', 0])
      status = 200
      await offer(r, requestId, 'reconcile')
      await waitUntil(async () => await state(r, requestId) === 'revealed')
      assert.deepEqual([r.commits(), r.gossip.count('attestation'), server.hits()], [1, 1, 2])
      await r.stop()
    } finally { await server.close() }
  })

  it('restart: a job stopped mid-run is re-run from the store, and a crash after the commit landed commits nothing twice', async () => {
    const server = await serve(() => ({ status: 200, body: echo }))
    try {
      const requestId = await chain.request({ source: { WasmUrl: { url: server.url, hash: sha256Hex(echo) } }, input: '{"message":"again"}' })
      const [first] = await roles(requestId)
      let release!: () => void
      const gate = new Promise<void>(resolve => { release = resolve })
      const stuck = await run(first, { execute: async (wasm, o) => { await gate; return await executor.execute(wasm, o) } })
      await offer(stuck, requestId)
      await waitUntil(async () => await state(stuck, requestId) === 'working')
      const stopping = stuck.stop()
      release()
      await stopping
      const again = await run(first, { dir: stuck.dir })
      assert.equal(await state(again, requestId), 'working', 'the store remembers the job')
      await offer(again, requestId, 'reconcile')
      await waitUntil(async () => await state(again, requestId) === 'revealed')
      const reveal = await again.jobs.result(requestId)
      await again.stop()
      // kill -9 after commit_result landed but before the state was written: the store says `attested`
      const crashed = await openStore(join(stuck.dir, 'store'))
      const table = crashed.section('worker').table<Job>('jobs')
      await table.put(requestKey(requestId), { ...(await table.get(requestKey(requestId)))!, state: 'attested' })
      await crashed.close()
      const third = await run(first, { dir: stuck.dir })
      await offer(third, requestId, 'reconcile')
      await waitUntil(async () => await state(third, requestId) === 'revealed')
      assert.deepEqual([stuck.commits(), again.commits(), third.commits()], [0, 1, 0], 'one commit in all')
      // the same reveal but for time_ms, the run's own wall time (local, in no digest)
      assert.deepEqual({ ...await third.jobs.result(requestId), time_ms: 0 }, { ...reveal, time_ms: 0 }, 'the derived salt rebuilt the same reveal')
      assert.equal((await chain.user.getAssignment(requestId))?.commits.length, 1)
      await third.stop()
    } finally { await server.close() }
  })

  it('refusal: an executor error marked retryable: false that is not an AdmissionError is not attested: skipped once as MODULE_REFUSED', async () => {
    const server = await serve(() => ({ status: 200, body: echo }))
    try {
      const requestId = await chain.request({ source: { WasmUrl: { url: server.url, hash: sha256Hex(echo) } } })
      const [primary] = await roles(requestId)
      const refuses: ExecuteFn = async () => { throw Object.assign(new Error('other_executor: refused'), { retryable: false }) }
      const r = await run(primary, { execute: refuses })
      await offer(r, requestId)
      await waitUntil(async () => await state(r, requestId) === 'skipped')
      assert.deepEqual([(await r.worker.job(requestId))!.note, r.commits()], [{ code: 'MODULE_REFUSED', message: 'other_executor: refused' }, 0])
      await r.stop()
    } finally { await server.close() }
  })

  it('local: a preparation past its deadline (prepareDeadlineMs 1) is never attested: LOCAL_FAILURE, no commit, nothing gossiped', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'outlayer-prep-'))
    dirs.push(cacheDir)
    const hurried = createExecutor({ workers: 1, cacheDir, prepareDeadlineMs: 1 })
    const heavy = bombs.loops(70_000) // admitted, but no preparation of it finishes in 1 ms
    const server = await serve(() => ({ status: 200, body: heavy }))
    try {
      const requestId = await chain.request({ source: { WasmUrl: { url: server.url, hash: sha256Hex(heavy) } } })
      const [primary] = await roles(requestId)
      const r = await run(primary, { execute: async (w, o) => await hurried.execute(w, o) })
      await offer(r, requestId)
      await waitUntil(async () => await state(r, requestId) === 'skipped')
      const note = (await r.worker.job(requestId))!.note!
      assert.equal(note.code, 'LOCAL_FAILURE')
      assert.match(note.message, /PREPARE_TIMEOUT/)
      assert.deepEqual([r.commits(), r.gossip.count('attestation')], [0, 0])
      await r.stop()
    } finally { await server.close(); await hurried.close() }
  })

  it('local: bytes that miss the pinned sha256 are never attested (the URL may serve other bytes to other workers): WASM_HASH_MISMATCH, nothing run or committed', async () => {
    const server = await serve(() => ({ status: 200, body: echo }))
    try {
      const requestId = await chain.request({ source: { WasmUrl: { url: server.url, hash: sha256Hex('not the echo') } } })
      const [primary] = await roles(requestId)
      let executions = 0
      const r = await run(primary, { execute: async (w, o) => { executions++; return await executor.execute(w, o) } })
      await offer(r, requestId)
      await waitUntil(async () => await state(r, requestId) === 'skipped')
      assert.deepEqual([(await r.worker.job(requestId))!.note!.code, executions, r.commits(), r.gossip.count('attestation')], ['WASM_HASH_MISMATCH', 0, 0, 0])
      await r.stop()
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
