/**
 * Request-declared HTTP and consensus on responses by median / per_field, end to end (issue 13 §2): localnet, the
 * real contract, 3 in-process nodes, servers on 127.0.0.1 reached as `localhost` (the fetchers' test-only
 * loopback setting; one test uses the strict guard). The guest has no manifest: whatever it may fetch, the
 * request grants in `params.http`, and the worker passes exactly that to the executor (no test override of the
 * HTTP options). Each node's fetcher may be pointed at another server for the same URL (its own view of the
 * outside world), as in consensus.test.ts.
 */
import { strict as assert } from 'node:assert'
import { callHash, createEnvelope, encodeEnvelope, gossipTopic, parseSecretKey, responseDigest, sha256Hex, type ResponseVotePayload } from '../../../protocol/index.js'
import { createHttpFetcher } from '../../../sandbox/exec/http/fetcher.js'
import type { HttpFetcher } from '../../../sandbox/exec/http/exchange.js'
import { createExecutor, defaultCacheDir, type Executor } from '../../../sandbox/exec/index.js'
import { hostileApi, serve, type TestServer } from '../../../sandbox/test/exec/http-servers.js'
import { fetchGuest } from '../../../sandbox/test/exec/http-guest.js'
import { wabtReady } from '../../../sandbox/test/exec/helpers.js'
import { DEFAULT_RESPONSE_CONSENSUS, type Worker } from '../../roles/worker/index.js'
import { startLocalMesh, type LocalMesh } from '../../testing/local-mesh.js'
import { startAttacker } from '../p2p/attacker.js'
import { recordReveals, stopAll, waitFor } from './helpers.js'

const LIMITS = { max_instructions: 1_000_000_000, max_memory_mb: 128, max_execution_seconds: 60 }
const LOCAL = { allowed_hosts: ['localhost'], allow_http: true }

/** what each node's fetcher does for the current request */
interface Plan {
  /** the port it asks instead of the URL's (its own server for the same URL) */
  portFor?: (node: number) => number
  /** the strict SSRF guard (no test-only loopback) */
  strict?: boolean
  /** when the fetch may start */
  gate?: (node: number) => Promise<void>
}

/** answers a bare JSON value, the same bytes every time */
async function answering (body: string): Promise<TestServer> {
  return await serve((_req, res) => {
    res.sendDate = false
    res.writeHead(200, { 'content-type': 'application/json' }).end(body)
  })
}

describe('mesh: request-declared HTTP, and consensus on responses by median and per_field', function () {
  this.timeout(900_000)
  let mesh: LocalMesh
  const servers: TestServer[] = []
  const executors: Executor[] = []
  let wasm: { url: string, hash: string }
  let plan: Plan = {}
  let reveals: ReturnType<typeof recordReveals>
  /** requests that ran without consensus: they exist, and no node ever opened a round for them */
  const plainRequests: string[] = []

  function nodeFetcher (node: number): HttpFetcher {
    const loopback = createHttpFetcher({ allowLoopbackForTests: true })
    const strict = createHttpFetcher()
    return {
      fetch: async (spec, policy) => {
        await plan.gate?.(node)
        const u = new URL(spec.url)
        if (plan.portFor != null) u.port = String(plan.portFor(node))
        const ex = await (plan.strict === true ? strict : loopback).fetch({ ...spec, url: u.toString() }, policy)
        return { ...ex, hops: ex.hops.map(h => ({ ...h, request: { ...h.request, url: spec.url } })) }
      }
    }
  }

  before(async () => {
    await wabtReady
    const guest = fetchGuest()
    const wasmServer = await serve((_req, res) => { res.writeHead(200, { 'content-type': 'application/wasm' }).end(guest) })
    wasm = { url: `${wasmServer.url}/fetch.wasm`, hash: sha256Hex(guest) }
    servers.push(wasmServer)
    for (let i = 0; i < 3; i++) executors.push(createExecutor({ workers: 1, cacheDir: defaultCacheDir(), httpFetcher: nodeFetcher(i) }))
    await Promise.all(executors.map(async e => await e.execute(guest, { input: '{}' })))
    mesh = await startLocalMesh({ nodes: 3, blockTimeMs: 300, commitWindowBlocks: 75, overrides: i => ({ executor: executors[i]! }) })
    reveals = recordReveals(mesh)
  })
  after(async () => { await stopAll({ mesh, executors, servers }) })

  const worker = (i: number): Worker => mesh.nodes[i]!.worker!
  const bodyOf = (output: unknown): string => Buffer.from((output as { body_base64: string }).body_base64, 'base64').toString()

  async function request (url: string, params: Record<string, unknown> | undefined): Promise<{ requestId: string, txHash: string }> {
    return await mesh.request({
      source: { WasmUrl: wasm }, input_data: JSON.stringify({ method: 'GET', url }), replicas: 3, quorum: 2, response_format: 'Json', resource_limits: LIMITS, ...(params != null ? { params } : {})
    })
  }

  /** runs to the end on every replica: the output, and the one result hash all three attested */
  async function run (url: string, params: Record<string, unknown> | undefined, success = true): Promise<{ requestId: string, output: unknown }> {
    const { requestId, txHash } = await request(url, params)
    const view = await mesh.waitClosed(requestId, 240_000)
    assert.equal(view.resolution?.success, success, JSON.stringify({ status: view.status, resolution: view.resolution }))
    const mine = reveals(requestId)
    assert.equal(mine.length, 3, 'all three replicas attested')
    assert.equal(new Set(mine.map(a => a.result_hash)).size, 1, `one result hash: ${JSON.stringify(mine.map(a => a.result_hash))}`)
    assert.equal(new Set(mine.map(a => a.transcript_hash)).size, 1, 'one transcript hash')
    return { requestId, output: await mesh.result(txHash) }
  }

  it('a host the request names is fetched by a program without a manifest; the same request without params.http is refused, identically on every replica', async () => {
    const prices = await answering('{"price":100}')
    servers.push(prices)
    plan = {}
    const granted = await run(`http://localhost:${prices.port}/price`, { http: LOCAL })
    plainRequests.push(granted.requestId)
    assert.equal(bodyOf(granted.output), '{"price":100}')
    const hits = prices.hits()
    assert.ok(hits >= 3, `each replica fetched (${hits})`)

    const refused = await run(`https://localhost:${prices.port}/price`, undefined)
    plainRequests.push(refused.requestId)
    assert.deepEqual(refused.output, { error: 'HTTP-request-denied', detail: 'host localhost is not on the allowlist' })
    assert.equal(prices.hits(), hits, 'nothing left any worker')
    // a cap the request lowers is the same on every replica too: no host but https-only, so http:// is refused
    const httpsOnly = await run(`http://localhost:${prices.port}/price`, { http: { allowed_hosts: ['localhost'] } })
    plainRequests.push(httpsOnly.requestId)
    assert.deepEqual(httpsOnly.output, { error: 'HTTP-request-denied', detail: 'scheme http: not allowed' })
  })

  it('the requester cannot get past the SSRF guard: a named host that resolves to loopback, and a redirect to the metadata address, are refused and attested alike', async () => {
    const prices = await answering('{"price":100}')
    const hostile = await hostileApi()
    servers.push(prices, hostile)
    plan = { strict: true }
    const loop = await run(`http://localhost:${prices.port}/price`, { http: LOCAL })
    plainRequests.push(loop.requestId)
    assert.equal((loop.output as { error: string }).error, 'destination-IP-prohibited', JSON.stringify(loop.output))
    assert.equal(prices.hits(), 0, 'no replica connected')
    plan = {}
    const redirected = await run(`http://localhost:${hostile.port}/redirect-metadata`, { http: LOCAL })
    plainRequests.push(redirected.requestId)
    assert.equal((redirected.output as { error: string }).error, 'HTTP-request-denied', 'the redirect target is not allowlisted (and could not be: IPs are refused in params.http)')
  })

  it('a malformed params.http is the same attested refusal on every replica, with the field named, and nothing runs (no primary is left without a commit to be slashed for)', async () => {
    const prices = await answering('{"price":100}')
    servers.push(prices)
    plan = {}
    const bonds = async (): Promise<Map<string, string>> => new Map((await mesh.user.client.listWorkers()).map(w => [w.account_id, String(w.bond)]))
    const bondsBefore = await bonds()
    const cases = [
      { params: { http: { allowed_hosts: ['localhost', '10.0.0.7'] } }, error: 'trap(bad_params:params.http.allowed_hosts[1])' },
      { params: { http: LOCAL, response_consensus: { mode: 'per_field', fields: { price: 'mean' } } }, error: 'trap(bad_params:params.response_consensus.fields.price)' }
    ]
    for (const { params, error } of cases) {
      const { requestId } = await run(`http://localhost:${prices.port}/price`, params, false)
      plainRequests.push(requestId)
      for (const r of reveals(requestId)) {
        assert.equal(r.error, error, `node ${r.node}`)
        assert.equal(r.instructions, '0', `node ${r.node}: nothing ran`)
      }
    }
    assert.equal(prices.hits(), 0, 'nothing was fetched')
    assert.deepEqual(await bonds(), bondsBefore, 'every primary committed: nobody was slashed')
  })

  it('median, R=3 Q=2: the replica whose server lies is outvoted, every replica continues with the median, and the result hashes are equal', async () => {
    const honest = await answering('100')
    const [high, liar] = await Promise.all([answering('102'), answering('987654321')])
    servers.push(honest, high, liar)
    plan = { portFor: i => [honest, high, liar][i]!.port }
    const { output } = await run(`http://localhost:${honest.port}/price`, { http: LOCAL, response_consensus: 'median' })
    assert.equal(bodyOf(output), '102', 'the lower median of 100, 102 and the lie')
    assert.ok(liar.hits() >= 1, 'node 2 really asked the lying server')
  })

  it('per_field, R=3 Q=2: price by median, source by mode; the lying replica changes neither, every replica continues with the agreed object', async () => {
    const servers3 = await Promise.all(['{"price":100,"source":"a","ts":1}', '{"price":101,"source":"a","ts":2}', '{"price":1,"source":"lie","ts":3}'].map(answering))
    servers.push(...servers3)
    plan = { portFor: i => servers3[i]!.port }
    const spec = { mode: 'per_field', fields: { price: 'median', source: 'mode' } }
    const { output } = await run(`http://localhost:${servers3[0]!.port}/price`, { http: LOCAL, response_consensus: spec })
    assert.deepEqual(JSON.parse(bodyOf(output)), { price: 100, source: 'a' })
    assert.equal((output as { status: number }).status, 200)
  })

  it('a flood of early votes over real gossip (requests that exist but have no round, and made-up ones) stays within the caps; the median request still completes', async () => {
    assert.ok(plainRequests.length >= 3, 'runs after the requests above')
    const prices = await Promise.all(['100', '101', '99'].map(answering))
    servers.push(...prices)
    const arrived = new Set<number>()
    let release!: () => void
    const released = new Promise<void>(resolve => { release = resolve })
    plan = { portFor: i => prices[i]!.port, gate: async i => { arrived.add(i); await released } }
    const { requestId, txHash } = await request(`http://localhost:${prices[0]!.port}/price`, { http: LOCAL, response_consensus: 'median' })
    // every replica's round is open (it waits at its fetch) before the flood starts
    await waitFor(() => arrived.size === 3, 'all three replicas are at their fetch', 180_000)

    // an extra peer signs with node 2's registered key: full-size votes for requests that exist, many per request
    const attacker = await startAttacker(mesh.nodes[2]!.mesh.multiaddrs(), mesh.configs[0]!.network)
    try {
      const topic = gossipTopic(mesh.configs[0]!.network, 'responses')
      attacker.services.pubsub.subscribe(topic)
      await waitFor(() => attacker.services.pubsub.getSubscribers(topic).some(p => p.toString() === mesh.nodes[2]!.mesh.peerId), 'the attacker sees node 2 on the responses topic')
      const key = parseSecretKey(mesh.configs[2]!.signingKey)
      const body = new Uint8Array(250 * 1024).fill(65)
      const fields = { call_sha256: callHash('GET', 'https://x.example.com/'), status: 200, content_type: 'application/json', body_sha256: sha256Hex(body) }
      const flood = (requestId: string, index: number): ResponseVotePayload => ({
        contract_id: mesh.contractId, request_id: requestId, worker_id: mesh.configs[2]!.near.accountId, index, ...fields, body: Buffer.from(body).toString('base64'), digest: responseDigest(fields)
      })
      const seen = (i: number): number => (worker(i).consensusStats().buffered ?? 0) + (worker(i).consensusStats().dropped ?? 0)
      const baseline = [0, 1, 2].map(seen)
      // 20 votes of 250 KiB: past the 4 MiB a signer may hold (16 of them), and few enough to send well inside the
      // request's commit window while its replicas wait at their fetch
      const votes = plainRequests.flatMap(id => Array.from({ length: 8 }, (_, index) => flood(id, index))).slice(0, 20)
      const sent = votes.length
      // four at a time, each batch once node 2 has it: gossipsub drops what overflows a stream's write buffer, and a
      // blast of 250 KiB votes would be cut there, before any of our code sees it
      for (let i = 0; i < sent; i += 4) {
        await Promise.all(votes.slice(i, i + 4).map(async v => await attacker.services.pubsub.publish(topic, encodeEnvelope(createEnvelope('response_vote', v, key)))))
        const published = Math.min(i + 4, sent)
        await waitFor(() => seen(2) - baseline[2]! >= published, `node 2 took or dropped ${published} votes`, 30_000)
      }
      await waitFor(() => [0, 1, 2].every(i => seen(i) - baseline[i]! >= sent), 'every node took or dropped the whole flood', 120_000)
      for (let i = 0; i < 3; i++) {
        const usage = worker(i).consensusBuffer()
        assert.ok(usage.bytes <= DEFAULT_RESPONSE_CONSENSUS.maxBufferedBytes, `node ${i}: ${usage.bytes} bytes`)
        for (const [sender, held] of Object.entries(usage.bySender)) assert.ok(held <= DEFAULT_RESPONSE_CONSENSUS.maxBufferedBytesPerSender, `node ${i}: ${sender} holds ${held}`)
        assert.ok((worker(i).consensusStats().dropped ?? 0) > 0, `node ${i} dropped what was over the signer's cap`)
      }
      // and votes for made-up requests: refused by p2p, they reach no node's buffer
      const before = [0, 1, 2].map(i => worker(i).consensusBuffer().votes)
      for (let n = 0; n < 20; n++) await attacker.services.pubsub.publish(topic, encodeEnvelope(createEnvelope('response_vote', flood(String(900_000 + n), 0), key))).catch(() => {})
      await waitFor(() => {
        const refused = mesh.nodes[2]!.mesh.getStats().gossip.responses.refused
        return (refused.UNKNOWN_REQUEST ?? 0) + (refused.LOOKUP_SKIPPED ?? 0) >= 1
      }, 'node 2 refused votes for made-up requests')
      assert.deepEqual([0, 1, 2].map(i => worker(i).consensusBuffer().votes), before, 'no vote for a made-up request was buffered')
    } finally {
      await attacker.stop()
    }

    release()
    const view = await mesh.waitClosed(requestId, 240_000)
    assert.equal(view.resolution?.success, true, JSON.stringify({ status: view.status, resolution: view.resolution }))
    assert.equal(bodyOf(await mesh.result(txHash)), '100', 'the lower median of 99, 100, 101')
    assert.equal(new Set(reveals(requestId).map(a => a.result_hash)).size, 1)
  })
})
