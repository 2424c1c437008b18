/**
 * Consensus-on-responses end to end (issue 13 §2): localnet, the real contract, 3 in-process nodes, and price
 * servers on 127.0.0.1. A request with `params.response_consensus: "identical"` runs a guest that fetches one URL
 * and prints the answer; each node's fetcher may be pointed at another server for the same URL (its own view of
 * the outside world), and the replicas agree on the response over `response_vote` gossip during the run:
 *  - R=3 Q=2, one replica's server lies: it is outvoted, every replica continues with the agreed response, and
 *    the three result hashes are equal;
 *  - R=3 Q=2, three different answers: every replica sees the same refusal (attested, equal hashes);
 *  - R=2 Q=2 under attack: forged, misattributed, unregistered, malformed, oversized, equivocating and misdirected
 *    votes are each refused, and the request still completes with the honest response.
 */
import { strict as assert } from 'node:assert'
import {
  callHash, createEnvelope, encodeEnvelope, generateKeyPair, gossipTopic, parseSecretKey, responseDigest, sha256Hex,
  type ResponseVotePayload
} from '../../../protocol/index.js'
import { createHttpFetcher } from '../../../sandbox/exec/http/fetcher.js'
import type { HttpFetcher } from '../../../sandbox/exec/http/exchange.js'
import { createExecutor, defaultCacheDir, type Executor } from '../../../sandbox/exec/index.js'
import { priceApi, serve, type TestServer } from '../../../sandbox/test/exec/http-servers.js'
import { fetchGuest } from '../../../sandbox/test/exec/http-guest.js'
import { wabtReady } from '../../../sandbox/test/exec/helpers.js'
import type { GossipValidationCode, MeshNode } from '../../p2p/index.js'
import type { VoteOutcome, Worker } from '../../roles/worker/index.js'
import { startLocalMesh, type LocalMesh } from '../../testing/local-mesh.js'
import { startAttacker } from '../p2p/attacker.js'
import { recordReveals, stopAll, waitFor } from './helpers.js'

const LIMITS = { max_instructions: 1_000_000_000, max_memory_mb: 128, max_execution_seconds: 60 }
const CONSENSUS = { response_consensus: 'identical' }

function deferred<T> (): { promise: Promise<T>, resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>(r => { resolve = r })
  return { promise, resolve }
}

/** what each node's fetcher does for the current request: the port it asks instead, and when it may start */
interface Plan { portFor: (node: number) => number, gate: (node: number) => Promise<void> }

describe('mesh: consensus-on-responses over gossip', function () {
  this.timeout(600_000)
  let mesh: LocalMesh
  const servers: TestServer[] = []
  const executors: Executor[] = []
  let honest: TestServer
  let wasm: { url: string, hash: string }
  let plan: Plan
  let earlier: string | undefined
  let reveals: ReturnType<typeof recordReveals>

  /** The real fetcher; the URL asked stays in the transcript, the plan decides which server answers. */
  function nodeFetcher (node: number): HttpFetcher {
    const real = createHttpFetcher({ allowLoopbackForTests: true })
    return {
      fetch: async (spec, policy) => {
        await plan.gate(node)
        const u = new URL(spec.url)
        u.port = String(plan.portFor(node))
        const ex = await real.fetch({ ...spec, url: u.toString() }, policy)
        return { ...ex, hops: ex.hops.map(h => ({ ...h, request: { ...h.request, url: spec.url } })) }
      }
    }
  }

  before(async () => {
    await wabtReady
    const guest = fetchGuest()
    honest = await priceApi(() => 100)
    const wasmServer = await serve((_req, res) => { res.writeHead(200, { 'content-type': 'application/wasm' }).end(guest) })
    wasm = { url: `${wasmServer.url}/fetch.wasm`, hash: sha256Hex(guest) }
    servers.push(honest, wasmServer)
    plan = { portFor: () => honest.port, gate: async () => {} }
    for (let i = 0; i < 3; i++) executors.push(createExecutor({ workers: 1, cacheDir: defaultCacheDir(), httpFetcher: nodeFetcher(i) }))
    // boot each executor's thread and prepare the guest now, so the requests below test the mesh, not a cold start
    await Promise.all(executors.map(async e => await e.execute(guest, { input: '{}' })))
    mesh = await startLocalMesh({
      nodes: 3,
      blockTimeMs: 300,
      // the attack test holds one replica back while votes are forged: the window must outlast that on a 2-core box
      commitWindowBlocks: 75,
      overrides: i => ({ execute: async (code, opts) => await executors[i]!.execute(code, { ...opts, http: { allowedHosts: ['127.0.0.1'], allowHttp: true } }) })
    })
    reveals = recordReveals(mesh)
  })
  after(async () => { await stopAll({ mesh, executors, servers }) })

  const worker = (i: number): Worker => mesh.nodes[i]!.worker!
  const node = (i: number): MeshNode => mesh.nodes[i]!.mesh
  const account = (i: number): string => mesh.configs[i]!.near.accountId
  const votes = (i: number, outcome: VoteOutcome): number => worker(i).consensusStats()[outcome] ?? 0
  const refusedOnResponses = (code: GossipValidationCode): number => mesh.nodes.reduce((n, m) => n + (m!.mesh.getStats().gossip.responses.refused[code] ?? 0), 0)
  const priceUrl = (): string => `${honest.url}/price`
  const bodyOf = (output: unknown): string => Buffer.from((output as { body_base64: string }).body_base64, 'base64').toString()

  async function run (replicas: number): Promise<{ requestId: string, output: unknown }> {
    const { requestId, txHash } = await mesh.request({
      source: { WasmUrl: wasm }, input_data: JSON.stringify({ method: 'GET', url: priceUrl() }), replicas, quorum: 2, response_format: 'Json', resource_limits: LIMITS, params: CONSENSUS
    })
    const view = await mesh.waitClosed(requestId, 240_000)
    assert.equal(view.resolution?.success, true, JSON.stringify({ status: view.status, resolution: view.resolution, votes: [0, 1, 2].map(i => worker(i).consensusStats()) }))
    return { requestId, output: await mesh.result(txHash) }
  }

  it('R=3 Q=2: the replica whose server lies is outvoted; every replica continues with the agreed response and the result hashes are equal', async () => {
    const liar = await priceApi(() => 500)
    servers.push(liar)
    plan = { portFor: i => i === 2 ? liar.port : honest.port, gate: async () => {} }
    const { requestId, output } = await run(3)
    earlier = requestId
    assert.equal(bodyOf(output), '{"price":100}')
    assert.ok(liar.hits() >= 1, 'node 2 really asked the lying server')
    const mine = reveals(requestId)
    assert.equal(mine.length, 3, 'all three replicas attested')
    assert.equal(new Set(mine.map(a => a.result_hash)).size, 1, 'one result hash')
    assert.equal(new Set(mine.map(a => a.transcript_hash)).size, 1, 'one transcript hash: the agreed body is what every replica recorded')
  })

  it('R=3 Q=2, three different answers: no agreement is the same attested refusal on every replica', async () => {
    const others = await Promise.all([300, 900].map(async p => await priceApi(() => p)))
    servers.push(...others)
    plan = { portFor: i => i === 0 ? honest.port : others[i - 1]!.port, gate: async () => {} }
    const { requestId, output } = await run(3)
    const refusal = output as { error: string, detail: string }
    assert.equal(refusal.error, 'internal-error', JSON.stringify(output))
    assert.match(refusal.detail, /no agreement: all 3 assigned workers voted on response 0/)
    const mine = reveals(requestId)
    assert.equal(mine.length, 3)
    assert.equal(new Set(mine.map(a => a.result_hash)).size, 1, 'the refusal hashes the same everywhere')
  })

  it('R=2 Q=2 under attack: every forged, misattributed, malformed, oversized, equivocating or misdirected vote is refused; the request completes with the honest response', async () => {
    assert.ok(earlier != null, 'runs after the first test')
    const lie = new TextEncoder().encode('{"price":1}')
    const lieVote = (requestId: string, workerId: string): ResponseVotePayload => {
      const fields = { call_sha256: callHash('GET', priceUrl()), status: 200, content_type: 'application/json', body_sha256: sha256Hex(lie) }
      return { contract_id: mesh.contractId, request_id: requestId, worker_id: workerId, index: 0, ...fields, body: Buffer.from(lie).toString('base64'), digest: responseDigest(fields) }
    }
    // the assignment is known only once the request exists: every fetch waits for it, and replica B for the attack
    const assignment = deferred<{ a: number, b: number }>()
    const releaseB = deferred<void>()
    plan = {
      portFor: () => honest.port,
      gate: async (i) => { const { b } = await assignment.promise; if (i === b) await releaseB.promise }
    }
    const { requestId, txHash } = await mesh.request({
      source: { WasmUrl: wasm }, input_data: JSON.stringify({ method: 'GET', url: priceUrl() }), replicas: 2, quorum: 2, response_format: 'Json', resource_limits: LIMITS, params: CONSENSUS
    })
    const assigned = (await mesh.nodes[0]!.client.getRequest(requestId))?.request?.assigned ?? []
    const [a, b] = assigned.map(id => mesh.configs.findIndex(c => c.near.accountId === id)) as [number, number]
    const u = [0, 1, 2].find(i => i !== a && i !== b)!
    assert.ok(a >= 0 && b >= 0 && u != null, `assigned ${JSON.stringify(assigned)}`)

    const droppedBefore = votes(a, 'dropped') + votes(b, 'dropped')
    // the unassigned (but registered) node votes as itself, and as A with its own key
    await node(u).publish('response_vote', lieVote(requestId, account(u)))
    await node(u).publish('response_vote', lieVote(requestId, account(a)))
    // a vote for another request (closed long ago) does not count for this one
    await node(u).publish('response_vote', { ...lieVote(earlier, account(a)) })
    await waitFor(() => votes(b, 'not_assigned') >= 1 && votes(b, 'wrong_key') >= 1, 'B refused the unassigned node\'s votes')

    // a peer with no registered key, malformed votes signed by a registered key, and an oversized message
    const attacker = await startAttacker(node(u).multiaddrs(), mesh.configs[0]!.network)
    try {
      const topic = gossipTopic(mesh.configs[0]!.network, 'responses')
      attacker.services.pubsub.subscribe(topic)
      await waitFor(() => attacker.services.pubsub.getSubscribers(topic).some(p => p.toString() === node(u).peerId), 'the attacker sees node U on the responses topic')
      const uKey = parseSecretKey(mesh.configs[u]!.signingKey)
      const send = async (bytes: Uint8Array): Promise<void> => { await attacker.services.pubsub.publish(topic, bytes) }
      await send(encodeEnvelope(createEnvelope('response_vote', lieVote(requestId, account(a)), generateKeyPair())))
      await send(encodeEnvelope(createEnvelope('response_vote', { ...lieVote(requestId, account(u)), digest: 'ab'.repeat(32) }, uKey)))
      await send(encodeEnvelope(createEnvelope('response_vote', { ...lieVote(requestId, account(u)), body: Buffer.from('{"price":2}').toString('base64') }, uKey)))
      await send(encodeEnvelope(createEnvelope('response_vote', { ...lieVote(requestId, account(u)), body: 'A'.repeat(400 * 1024) }, uKey)))
      await waitFor(() => refusedOnResponses('UNREGISTERED_SENDER') >= 1 && refusedOnResponses('INVALID') >= 2 && refusedOnResponses('TOO_LARGE') >= 1, 'node U refused the attacker\'s messages')
    } finally {
      await attacker.stop()
    }

    // the fetches may start; B waits until A's honest vote is in (the counts run over the whole suite), then A
    // equivocates with a second, different vote
    const acceptedBefore = votes(b, 'accepted')
    assignment.resolve({ a, b })
    await waitFor(() => votes(b, 'accepted') > acceptedBefore, 'A\'s honest vote reached B', 120_000)
    await node(a).publish('response_vote', lieVote(requestId, account(a)))
    await waitFor(() => votes(b, 'equivocation') >= 1, 'B ignored A\'s second vote as equivocation')
    releaseB.resolve()

    const view = await mesh.waitClosed(requestId, 240_000)
    assert.equal(view.resolution?.success, true, JSON.stringify({ status: view.status, resolution: view.resolution }))
    assert.equal(bodyOf(await mesh.result(txHash)), '{"price":100}', 'nothing forged got in, and nothing honest was lost')
    const mine = reveals(requestId)
    assert.deepEqual(mine.map(r => r.node).sort(), [a, b].sort())
    assert.equal(new Set(mine.map(r => r.result_hash)).size, 1)
    assert.ok(votes(a, 'dropped') + votes(b, 'dropped') >= droppedBefore + 1, 'the vote for the earlier request was dropped')
  })
})
