/**
 * The resolver role on a real localnet and contract with a real level store: attestation checks, the quorum rule
 * (submits once, exactly when Q agree), and restart from a store a crash left behind.
 */
import { strict as assert } from 'node:assert'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256Hex, signAttestation, toBytes, type AttestationPayload } from '../../../protocol/index.js'
import { openStore, type NodeStore } from '../../store/index.js'
import { resolver as createResolver, type Resolver } from '../../roles/resolver/index.js'
import { startChain, type TestChain, type TestWorker } from './chain.js'
import { GossipBus, WatcherStandIn, silent } from './fixtures.js'

const SOURCE = { WasmUrl: { url: 'http://127.0.0.1:9/never.wasm', hash: 'ab'.repeat(32) } }

describe('resolver role', function () {
  this.timeout(120_000)
  let chain: TestChain
  let dir: string
  let store: NodeStore
  before(async () => { chain = await startChain({ workers: 3 }) })
  after(async () => { await chain?.stop() })
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outlayer-resolver-'))
    store = await openStore(join(dir, 'store'))
  })
  afterEach(async () => {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  })

  function attestation (w: TestWorker, requestId: string, text: string, over: Partial<AttestationPayload> = {}): AttestationPayload {
    const output = toBytes(text)
    const signature = signAttestation({ contractId: chain.contractId, requestId: BigInt(requestId), success: true, output, error: '', instructions: 7n }, w.key.secretKey)
    return {
      contract_id: chain.contractId, request_id: requestId, worker_id: w.accountId, success: true,
      output: Buffer.from(output).toString('base64'), output_hash: sha256Hex(output), error: '', instructions: '7',
      time_ms: 3, result_hash: 'cd'.repeat(32), signature: Buffer.from(signature).toString('base64'), ...over
    }
  }

  async function started (): Promise<{ resolver: Resolver, gossip: GossipBus, watcher: WatcherStandIn, events: Record<string, unknown[]> }> {
    const gossip = new GossipBus()
    const watcher = new WatcherStandIn()
    const resolver = createResolver({ graceBlocks: 0 })({ client: chain.workers[0]!.client, store, gossip, watcher, logger: silent })
    const events: Record<string, unknown[]> = { submitted: [], duplicate: [], invalid: [], disagreed: [] }
    resolver.on('request:submitted', e => events.submitted!.push(e))
    resolver.on('request:duplicate', e => events.duplicate!.push(e))
    resolver.on('attestation:invalid', e => events.invalid!.push(e.reason))
    resolver.on('worker:disagreed', e => events.disagreed!.push(e.workerId))
    await resolver.start()
    return { resolver, gossip, watcher, events }
  }

  it('refuses attestations that do not check, and keeps none of them', async () => {
    const requestId = await chain.request({ source: SOURCE })
    const { resolver, gossip, events } = await started()
    const [w] = chain.workers
    const good = attestation(w!, requestId, 'out')
    gossip.deliver('attestation', { ...good, contract_id: 'other.test.near' })
    gossip.deliver('attestation', { ...good, worker_id: 'stranger.test.near' })
    gossip.deliver('attestation', { ...good, signature: attestation(chain.workers[1]!, requestId, 'out').signature })
    gossip.deliver('attestation', { ...good, output: Buffer.from('other').toString('base64') })
    await waitUntil(() => events.invalid!.length === 4)
    await resolver.idle()
    assert.deepEqual([...events.invalid as string[]].sort(), ['BAD_SIGNATURE', 'OUTPUT_HASH', 'UNKNOWN_WORKER', 'WRONG_CONTRACT'])
    assert.deepEqual(await store.attestations(requestId), [])
    await resolver.stop()
  })

  it('submits once, when Q lease holders agree, and records the dissenter', async () => {
    const requestId = await chain.request({ source: SOURCE, replicas: 3, quorum: 2 })
    const [a, b, c] = chain.workers as [TestWorker, TestWorker, TestWorker]
    for (const w of [a, b, c]) await w.client.claimLease(requestId)
    const { resolver, gossip, events } = await started()
    gossip.deliver('attestation', attestation(a, requestId, 'yes'))
    gossip.deliver('attestation', attestation(c, requestId, 'no'))
    await waitUntil(async () => (await store.attestations(requestId)).length === 2)
    await resolver.idle()
    assert.equal(events.submitted!.length, 0, 'one vote each way is no quorum')
    gossip.deliver('attestation', attestation(b, requestId, 'yes'))
    await waitUntil(() => events.submitted!.length === 1)
    gossip.deliver('attestation', attestation(b, requestId, 'yes')) // a repeat
    await resolver.idle()
    assert.equal(events.submitted!.length, 1)
    assert.deepEqual(events.disagreed, [c.accountId])
    const view = await chain.user.getRequest(requestId)
    assert.notEqual(view?.status, 'pending')
    assert.deepEqual(new Set(view?.resolution?.workers), new Set([a.accountId, b.accountId]))
    assert.equal((await store.getSubmission(requestId))?.state, 'done')
    await resolver.stop()
  })

  it('after a crash between "pending" and the transaction, a restart submits exactly once', async () => {
    const requestId = await chain.request({ source: SOURCE })
    const [a] = chain.workers as [TestWorker]
    await a.client.claimLease(requestId)
    const view = await chain.user.getRequest(requestId)
    await store.addRequest({ request_id: requestId, raw: view!.raw, seen_at: 1 })
    await store.addAttestation(attestation(a, requestId, 'once'))
    await store.putSubmission({ request_id: requestId, state: 'pending', workers: [a.accountId], attempts: 1, duplicates: 0, updated_ms: 1 })
    const first = await started()
    await waitUntil(() => first.events.submitted!.length === 1)
    await first.resolver.stop()
    assert.equal((await store.getSubmission(requestId))?.attempts, 2)
    const second = await started() // a second restart finds the submission done: nothing is sent
    await second.resolver.idle()
    assert.deepEqual([second.events.submitted!.length, second.events.duplicate!.length], [0, 0])
    assert.notEqual((await chain.user.getRequest(requestId))?.status, 'pending')
    await second.resolver.stop()
  })

  it('sends nothing for a request someone else resolved first', async () => {
    const requestId = await chain.request({ source: SOURCE })
    const [a] = chain.workers as [TestWorker]
    await a.client.claimLease(requestId)
    const mine = attestation(a, requestId, 'first')
    await a.client.resolveExecution(requestId, { success: true, output: mine.output!, resources_used: { instructions: '7', time_ms: 1, compile_time_ms: 0 } }, [{ worker_id: a.accountId, signature: mine.signature }])
    const { resolver, gossip, events } = await started()
    gossip.deliver('attestation', mine)
    await waitUntil(async () => (await store.getSubmission(requestId))?.state === 'done')
    await resolver.idle()
    assert.deepEqual([events.submitted!.length, events.duplicate!.length], [0, 0], 'a closed request is not aggregated at all')
    await resolver.stop()
  })
})

async function waitUntil (check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!await check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
