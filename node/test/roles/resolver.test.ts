/**
 * The resolver role on a real localnet and contract with a real level store: reveal checks (v2), the quorum rule
 * (submits once, exactly when Q agree), and restart from a store a crash left behind.
 */
import { strict as assert } from 'node:assert'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  EMPTY_TRANSCRIPT_HASH, attestationDigestV2, commitHash, commitSalt, sha256Hex, sign, toBytes, toHex, type AttestationPayload
} from '../../../protocol/index.js'
import { WorkerJobs, contextOf, onChainReveal } from '../../roles/worker/index.js'
import { openStore, type NodeStore } from '../../store/index.js'
import { ResolverRequests, resolver as createResolver, type Resolver } from '../../roles/resolver/index.js'
import { startChain, type TestChain, type TestWorker } from './chain.js'
import { GossipBus, WatcherStandIn, silent } from './fixtures.js'

const CODE = 'ab'.repeat(32)
const SOURCE = { WasmUrl: { url: 'https://example.org/never.wasm', hash: CODE } }

describe('resolver role', function () {
  this.timeout(120_000)
  let chain: TestChain
  let dir: string
  let store: NodeStore
  /** the resolver's section, read and written as the resolver does (a crash's leftovers, assertions) */
  let followed: ResolverRequests
  before(async () => { chain = await startChain({ workers: 3 }) })
  after(async () => { await chain?.stop() })
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outlayer-resolver-'))
    store = await openStore(join(dir, 'store'))
    followed = new ResolverRequests(store.section('resolver'))
  })
  afterEach(async () => {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  })

  /** a worker's reveal of `text` for the request (digest v2, derived salt); `commit` also sends its commit_result */
  async function reveal (w: TestWorker, requestId: string, text: string, { commit = false } = {}): Promise<AttestationPayload> {
    const view = (await chain.user.getRequest(requestId))!
    const output = toBytes(text)
    const digest = attestationDigestV2({
      ...contextOf(view.request!, chain.contractId, chain.networkId, w.accountId),
      codeHash: CODE, success: true, output, error: '', instructions: 7n, transcriptHash: EMPTY_TRANSCRIPT_HASH
    })
    const salt = commitSalt(w.key.secretKey, BigInt(requestId))
    if (commit) await w.client.commitResult(requestId, toHex(commitHash(digest, salt)))
    return {
      contract_id: chain.contractId, request_id: requestId, worker_id: w.accountId, success: true,
      output: Buffer.from(output).toString('base64'), output_hash: sha256Hex(output), error: '', instructions: '7',
      time_ms: 3, result_hash: 'cd'.repeat(32), code_hash: CODE, transcript_hash: EMPTY_TRANSCRIPT_HASH, salt: toHex(salt),
      signature: Buffer.from(sign(digest, w.key.secretKey)).toString('base64')
    }
  }

  const assignedOf = async (requestId: string): Promise<TestWorker[]> =>
    (await chain.user.getRequest(requestId))!.assignment!.assigned.map(id => chain.workers.find(w => w.accountId === id)!)

  async function started (): Promise<{ resolver: Resolver, gossip: GossipBus, watcher: WatcherStandIn, events: Record<string, unknown[]> }> {
    const gossip = new GossipBus()
    const watcher = new WatcherStandIn()
    const resolver = createResolver({ graceBlocks: 0 })({ client: chain.workers[0]!.client, store: store.section('resolver'), gossip, watcher, logger: silent })
    const events: Record<string, unknown[]> = { submitted: [], duplicate: [], invalid: [], disagreed: [], equivocated: [] }
    resolver.on('worker:equivocated', e => events.equivocated!.push(e.workerId))
    resolver.on('request:submitted', e => events.submitted!.push(e))
    resolver.on('request:duplicate', e => events.duplicate!.push(e))
    resolver.on('attestation:invalid', e => events.invalid!.push(e.reason))
    resolver.on('worker:disagreed', e => events.disagreed!.push(e.workerId))
    await resolver.start()
    return { resolver, gossip, watcher, events }
  }

  // first: the dissenter of the next test is slashed below min_bond, which leaves too few workers for R=3
  it('counts a reveal sent on chain (result_revealed) once a gossiped reveal brought the same result\'s output, while the third slot holder squats', async () => {
    const requestId = await chain.request({ source: SOURCE, replicas: 3, quorum: 2 })
    const [a, b, c] = await assignedOf(requestId) as [TestWorker, TestWorker, TestWorker]
    const ra = await reveal(a, requestId, 'yes', { commit: true })
    const rb = await reveal(b, requestId, 'yes', { commit: true })
    await reveal(c, requestId, 'squat', { commit: true }) // committed, never revealed
    await b.client.revealResult(requestId, onChainReveal(rb))
    assert.equal((await chain.user.getAssignment(requestId))?.commits.find(x => x.worker_id === b.accountId)?.revealed, true)
    const { resolver, gossip, watcher, events } = await started()
    // what the watcher parses from b's result_revealed event
    const { salt, signature, response } = onChainReveal(rb)
    watcher.emit('request:revealed', {
      requestId, workerId: b.accountId, height: chain.net.height(),
      reveal: { salt, signature, code_hash: response.code_hash, success: response.success, output_hash: response.output_hash!, error: '', instructions: response.resources_used.instructions, transcript_hash: response.transcript_hash! }
    })
    await resolver.idle()
    assert.deepEqual(await followed.reveals(requestId), [], 'by hash only: it waits for a gossiped reveal of the same result')
    gossip.deliver('attestation', ra)
    await waitUntil(async () => (await followed.reveals(requestId)).length === 2)
    watcher.emit('block', { height: chain.net.height() }) // grace 0: the squatter is not waited for
    await waitUntil(() => events.submitted!.length === 1)
    assert.deepEqual([...(events.submitted![0] as { workers: string[] }).workers].sort(), [a.accountId, b.accountId].sort())
    assert.notEqual((await chain.user.getRequest(requestId))?.status, 'pending')
    await resolver.stop()
  })

  it('submits once, when Q committed reveals agree, and records the dissenter', async () => {
    const requestId = await chain.request({ source: SOURCE, replicas: 3, quorum: 2 })
    const [a, b, c] = await assignedOf(requestId) as [TestWorker, TestWorker, TestWorker]
    const ra = await reveal(a, requestId, 'yes', { commit: true })
    const rb = await reveal(b, requestId, 'yes', { commit: true })
    const rc = await reveal(c, requestId, 'no', { commit: true })
    const { resolver, gossip, events } = await started()
    gossip.deliver('attestation', ra)
    gossip.deliver('attestation', rc)
    await waitUntil(async () => (await followed.reveals(requestId)).length === 2)
    await resolver.idle()
    assert.equal(events.submitted!.length, 0, 'one vote each way is no quorum')
    gossip.deliver('attestation', rb)
    await waitUntil(() => events.submitted!.length === 1)
    gossip.deliver('attestation', rb) // a repeat
    await resolver.idle()
    assert.equal(events.submitted!.length, 1)
    assert.deepEqual(events.disagreed, [c.accountId])
    const view = await chain.user.getRequest(requestId)
    assert.notEqual(view?.status, 'pending')
    assert.equal((await followed.submission(requestId))?.state, 'done')
    await resolver.stop()
  })

  // last: the equivocating worker is slashed below min_bond, so the contract assigns it nothing after this
  it('refuses reveals that do not check, keeps none of them, and reports a worker that signed two results', async () => {
    const requestId = await chain.request({ source: SOURCE })
    const [w] = await assignedOf(requestId)
    const other = chain.workers.find(x => x.accountId !== w!.accountId)!
    const good = await reveal(w!, requestId, 'out', { commit: true })
    const { resolver, gossip, events } = await started()
    gossip.deliver('attestation', { ...good, contract_id: 'other.test.near' })
    gossip.deliver('attestation', { ...good, worker_id: 'stranger.test.near' })
    gossip.deliver('attestation', { ...good, signature: (await reveal(other, requestId, 'out')).signature })
    gossip.deliver('attestation', { ...good, output: Buffer.from('other').toString('base64') })
    gossip.deliver('attestation', { ...good, salt: undefined })
    gossip.deliver('attestation', await reveal(w!, requestId, 'a second result')) // validly signed, not what it committed
    await waitUntil(() => events.invalid!.length === 6)
    await resolver.idle()
    assert.deepEqual([...events.invalid as string[]].sort(), ['BAD_SIGNATURE', 'COMMIT_MISMATCH', 'NO_REVEAL', 'OUTPUT_HASH', 'UNKNOWN_WORKER', 'WRONG_CONTRACT'])
    assert.deepEqual(await followed.reveals(requestId), [])
    gossip.deliver('attestation', good) // the committed one: counts, resolves, and with the other signature is evidence
    await waitUntil(() => events.submitted!.length === 1)
    assert.deepEqual(events.equivocated, [w!.accountId])
    await resolver.stop()
  })

  it('after a crash between "pending" and the transaction, a restart submits exactly once', async () => {
    const requestId = await chain.request({ source: SOURCE })
    const [a] = await assignedOf(requestId) as [TestWorker]
    const mine = await reveal(a, requestId, 'once', { commit: true })
    const view = await chain.user.getRequest(requestId)
    await followed.add({ request_id: requestId, raw: view!.raw, seen_at: 1 })
    await followed.addReveal(mine)
    await followed.putSubmission({ request_id: requestId, state: 'pending', workers: [a.accountId], attempts: 1, duplicates: 0, updated_ms: 1 })
    const first = await started()
    await waitUntil(() => first.events.submitted!.length === 1)
    await first.resolver.stop()
    assert.equal((await followed.submission(requestId))?.attempts, 2)
    const second = await started() // a second restart finds the submission done: nothing is sent
    await second.resolver.idle()
    assert.deepEqual([second.events.submitted!.length, second.events.duplicate!.length], [0, 0])
    assert.notEqual((await chain.user.getRequest(requestId))?.status, 'pending')
    await second.resolver.stop()
  })

  it('sends nothing for a request someone else resolved first', async () => {
    const requestId = await chain.request({ source: SOURCE })
    const [a] = await assignedOf(requestId) as [TestWorker]
    const mine = await reveal(a, requestId, 'first', { commit: true })
    await a.client.resolveExecution(requestId, { code_hash: CODE, success: true, output: mine.output!, resources_used: { instructions: '7' } }, [{ worker_id: a.accountId, salt: mine.salt!, signature: mine.signature }])
    const { resolver, gossip, events } = await started()
    gossip.deliver('attestation', mine)
    await new Promise(resolve => setTimeout(resolve, 500))
    await resolver.idle()
    assert.deepEqual([events.submitted!.length, events.duplicate!.length], [0, 0], 'a closed request is not aggregated at all')
    await resolver.stop()
  })

  it('a restart resolves a request this node\'s worker skipped: each role has its own section of the one store', async () => {
    const requestId = await chain.request({ source: SOURCE })
    const [a] = await assignedOf(requestId) as [TestWorker]
    const mine = await reveal(a, requestId, 'apart', { commit: true })
    const raw = (await chain.user.getRequest(requestId))!.raw
    // what a crashed node with both roles left: its worker skipped the request, its resolver had the reveal
    const jobs = new WorkerJobs(store.section('worker'))
    await jobs.add({ request_id: requestId, raw, seen_at: 1 })
    await jobs.skipped(requestId, { code: 'NOT_ASSIGNED', message: 'the contract assigned this request to other workers' })
    await followed.add({ request_id: requestId, raw, seen_at: 1 })
    await followed.addReveal(mine)
    await store.close()
    store = await openStore(join(dir, 'store'))
    followed = new ResolverRequests(store.section('resolver'))
    const { resolver, events } = await started()
    await waitUntil(() => events.submitted!.length === 1)
    await resolver.stop()
    assert.deepEqual([(await new WorkerJobs(store.section('worker')).get(requestId))?.state, (await followed.submission(requestId))?.state], ['skipped', 'done'])
  })
})

async function waitUntil (check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!await check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
