/**
 * The level store and its sections on a real LevelDB: each owner's section is its own sublevel (chain, worker,
 * resolver), each role's transitions, the format check on an older node's data dir, restart and kill -9.
 */
import { strict as assert } from 'node:assert'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Level } from 'level'
import { openStore, STORE_FORMAT, type NodeStore } from '../../store/index.js'
import { watcherState, type WatcherState } from '../../chain/index.js'
import { WorkerJobs } from '../../roles/worker/index.js'
import { ResolverRequests } from '../../roles/resolver/index.js'
import type { AttestationPayload, TranscriptEntry } from '../../../protocol/index.js'

const attestation = (requestId: string, workerId: string): AttestationPayload => ({
  contract_id: 'outlayer.test.near',
  request_id: requestId,
  worker_id: workerId,
  success: true,
  output: undefined,
  output_hash: '00'.repeat(32),
  error: '',
  instructions: '10',
  time_ms: 1,
  result_hash: '11'.repeat(32),
  signature: Buffer.alloc(64).toString('base64')
})
const TRANSCRIPT: TranscriptEntry[] = [{ kind: 'http', request: { method: 'GET', url: 'https://api.example/', header_names: [], body_sha256: 'e3'.repeat(32) }, response: { status: 200, header_names: [], body_sha256: 'aa'.repeat(32) } }]
const request = (id: string, seenAt = 1): { request_id: string, raw: unknown, seen_at: number } => ({ request_id: id, raw: { request_id: id }, seen_at: seenAt })
const isStoreError = (code: string) => (err: Error & { code?: string }) => err.name === 'StoreError' && err.code === code

describe('store', () => {
  let dir: string
  let store: NodeStore
  const parts = (s: NodeStore): { chain: WatcherState, jobs: WorkerJobs, followed: ResolverRequests } => ({
    chain: watcherState(s.section('chain')), jobs: new WorkerJobs(s.section('worker')), followed: new ResolverRequests(s.section('resolver'))
  })
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outlayer-store-'))
    store = await openStore(join(dir, 'db'))
  })
  afterEach(async () => {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps each owner\'s records in its own section: a job the worker skipped is still open for the resolver and the watcher', async () => {
    const { chain, jobs, followed } = parts(store)
    await chain.seen('7', 3)
    assert.equal(await jobs.add(request('7')), true)
    assert.equal(await followed.add(request('7')), true)
    await jobs.skipped('7', { code: 'NOT_ASSIGNED', message: 'the contract assigned this request to other workers' })
    assert.deepEqual([(await jobs.open()).length, (await followed.open()).map(r => r.request_id), (await chain.openRequests()).map(r => r.request_id)], [0, ['7'], ['7']])
    await followed.close('7')
    assert.deepEqual([(await jobs.get('7'))?.state, (await followed.get('7'))?.state, (await chain.openRequests()).length], ['skipped', 'closed', 1], 'closing one section leaves the others')
    // the same table name in two sections is two sublevels
    await store.section('worker').table<number>('t').put('k', 1)
    await store.section('resolver').table<number>('t').put('k', 2)
    assert.deepEqual([await store.section('worker').table('t').get('k'), await store.section('resolver').table('t').get('k'), await store.section('chain').table('t').get('k')], [1, 2, undefined])
  })

  it('worker jobs: named transitions, notes typed {code, message}, the reveal stored with `attested` and dropped on close', async () => {
    const { jobs } = parts(store)
    for (const id of ['100', '9', '20']) await jobs.add(request(id))
    assert.equal(await jobs.add(request('9', 5)), false, 'a second add changes nothing')
    assert.deepEqual((await jobs.open()).map(j => j.request_id), ['9', '20', '100'], 'numeric order, not text')
    await jobs.working('9')
    await jobs.retryLater('9', { code: 'WASM_UNAVAILABLE', message: 'no provider yet' })
    assert.deepEqual([(await jobs.get('9'))?.state, (await jobs.get('9'))?.note], ['seen', { code: 'WASM_UNAVAILABLE', message: 'no provider yet' }])
    await jobs.retryLater('20', { code: 'X', message: 'y' })
    assert.equal((await jobs.get('20'))?.state, 'seen', 'only a running job goes back')
    await jobs.working('9')
    await jobs.attested(attestation('9', 'me.test.near'), TRANSCRIPT)
    assert.deepEqual([(await jobs.get('9'))?.state, (await jobs.result('9'))?.worker_id], ['attested', 'me.test.near'])
    assert.equal(await jobs.revealed('9'), false, 'revealed only from committed')
    await jobs.committed('9')
    assert.deepEqual([await jobs.revealed('9'), await jobs.revealed('9')], [true, false], 'the first reveal moves it, a repeat does not')
    assert.deepEqual([await jobs.resolved('9'), await jobs.resolved('9'), await jobs.resolved('404')], [true, false, false])
    assert.deepEqual([(await jobs.get('9'))?.state, await jobs.result('9')], ['resolved', undefined])
    assert.deepEqual(await jobs.transcript('9'), TRANSCRIPT, 'the transcript outlives the reveal, for the explorer')
    await jobs.working('20')
    await jobs.attested(attestation('20', 'me.test.near'))
    assert.equal(await jobs.transcript('20'), undefined, 'a run without outside I/O stores none')
    await assert.rejects(jobs.working('404'), isStoreError('STORE_CORRUPT'))
  })

  it('resolver requests: one reveal per worker, serialised; closing drops that request\'s reveals only', async () => {
    const { followed } = parts(store)
    await followed.add(request('5'))
    await followed.add(request('50'))
    const adds = await Promise.all(Array.from({ length: 8 }, async () => await followed.addReveal(attestation('5', 'a.test.near'))))
    assert.equal(adds.filter(Boolean).length, 1)
    assert.equal(await followed.addReveal(attestation('5', 'b.test.near')), true)
    assert.equal(await followed.addReveal(attestation('50', 'a.test.near')), true)
    assert.equal((await followed.reveals('5')).length, 2)
    assert.equal((await followed.close('5'))?.request_id, '5')
    assert.equal(await followed.close('5'), undefined, 'closed once')
    assert.deepEqual([(await followed.reveals('5')).length, (await followed.reveals('50')).length], [0, 1])
    assert.deepEqual((await followed.open()).map(r => r.request_id), ['50'])
  })

  it('refuses use after close with a typed error, and reopens with everything kept', async () => {
    const { chain, jobs } = parts(store)
    await chain.setCursor(12)
    await jobs.add(request('3'))
    await store.close()
    await assert.rejects(chain.cursor(), isStoreError('STORE_CLOSED'))
    await store.open()
    assert.deepEqual([await chain.cursor(), (await jobs.get('3'))?.state], [12, 'seen'])
    await store.close()
    store = await openStore(join(dir, 'db'))
    assert.equal(await parts(store).chain.cursor(), 12, 'a new process reads it back')
  })

  it('refuses a data dir an older node wrote (format 1) with STORE_FORMAT, and leaves it as it was', async () => {
    const old = new Level<string, unknown>(join(dir, 'old'), { valueEncoding: 'json' })
    await old.sublevel<string, unknown>('meta', { valueEncoding: 'json' }).put('cursor', 41)
    await old.sublevel<string, unknown>('requests', { valueEncoding: 'json' }).put('7'.padStart(20, '0'), { request_id: '7', state: 'attested', raw: {}, seen_at: 40 })
    await old.close()
    await assert.rejects(openStore(join(dir, 'old')), (err: Error & { code?: string }) => isStoreError('STORE_FORMAT')(err) && err.message.includes('format 1') && err.message.includes('move that directory away'))
    const again = new Level<string, unknown>(join(dir, 'old'), { valueEncoding: 'json' })
    assert.equal(await again.sublevel<string, unknown>('meta', { valueEncoding: 'json' }).get('cursor'), 41, 'nothing was written or deleted')
    await again.sublevel<string, number>('store', { valueEncoding: 'json' }).put('format', STORE_FORMAT + 1)
    await again.close()
    await assert.rejects(openStore(join(dir, 'old')), isStoreError('STORE_FORMAT'), 'a newer format is refused too')
  })

  it('survives kill -9 of the writing process', async function () {
    this.timeout(30_000)
    await store.close()
    const child = spawn(process.execPath, ['--no-liftoff', '--import', 'tsx', '--import', './polyfill.mjs',
      fileURLToPath(new URL('./fixtures/write-and-wait.ts', import.meta.url)), join(dir, 'db')],
    { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('written')) resolve() })
      child.on('exit', code => reject(new Error(`child exited early with ${code}`)))
    })
    child.kill('SIGKILL')
    await new Promise(resolve => child.once('exit', resolve))
    store = await openStore(join(dir, 'db'))
    const { chain, jobs, followed } = parts(store)
    assert.equal(await chain.cursor(), 41)
    assert.equal((await jobs.get('7'))?.state, 'attested')
    assert.equal((await jobs.result('7'))?.worker_id, 'a.test.near')
    assert.equal((await followed.submission('7'))?.state, 'pending')
  })
})
