/**
 * The mesh end to end (issue 7 §9): localnet, the real contract, 4 workers in-process over TCP on 127.0.0.1 and
 * the aggregator as a child process (`outlayer start`), real wasm. One mesh serves the cases in order; the last
 * ones take nodes down.
 */
import { strict as assert } from 'node:assert'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { Account, KeyPair, KeyPairSigner, type KeyPairString } from 'near-api-js'
import { createEnvelope, encodeEnvelope, ENVELOPE_LIMITS, generateKeyPair as generateEd25519, gossipTopic, resultHash, type ExecutionResult } from '../../../protocol/index.js'
import { execute } from '../../../sandbox/exec/index.js'
import { BUILD_RECORD_NAMESPACE, selectBuildRecord, validateBuildRecord } from '../../p2p/dht/build-record.js'
import { buildLibp2p } from '../../p2p/libp2p.js'
import { createNode, type OutlayerNode } from '../../node.js'
import { createOutlayerClient, type RequestOutcome, type RequestView } from '../../chain/index.js'
import { publicKeyOfNearKey } from '../../keys.js'
import type { ExecuteFn, WorkerBehaviour } from '../../roles/worker/index.js'
import { startLocalMesh, type LocalMesh } from '../../testing/local-mesh.js'
import { ensureContracts } from '../../../scripts/build-contract.js'
import { deployContract } from '../../../scripts/deploy.js'
import { eventsFor, startChildNode, waitFor, type ChildNode } from './helpers.js'
import { requireBuilder } from '../../../sandbox/test/builder/docker-gate.js'
import { C_SUM } from '../../../sandbox/test/builder/fixture-sources.js'
import { buildFromGit } from '../../../sandbox/builder/index.js'
import { LOCAL_GIT_GUARD, makeRepo, startGitDaemon } from '../../../sandbox/test/builder/git-fixtures.js'

const NODES = 5 // node 0: aggregator (child process); 1..4: workers
/**
 * Every worker's bond: twice min_bond, so that one slash (5 % for a primary that committed late on a loaded machine,
 * 10 % for a lie) leaves it in the pool; the cases that slash on purpose top the bond back up to this (restoreBond),
 * so every case draws from an even pool. At exactly min_bond, a late commit in one case ejected that worker, and a
 * later R=3 case found only 2 eligible workers.
 */
const BOND = 2n * 10n ** 24n
const INPUT = JSON.stringify({ count: 5, min: 1, max: 100 })

describe('mesh end to end', function () {
  this.timeout(240_000)
  let mesh: LocalMesh
  let dir: string
  let aggregator: ChildNode
  let source: { WasmUrl: { url: string, hash: string } }
  /** test switches read by the injected executors (the node code itself has no test modes) */
  const mode = { lie: false, crash: false, misbehave: false, diverge: false }
  let liar: string | undefined
  /** NodeOverrides.behaviour: the first two workers to run a request while `misbehave` is on */
  let equivocator: number | undefined
  let withholder: number | undefined
  const behaviourFor = (i: number): WorkerBehaviour => ({
    // the equivocator's second reveal; every other result passes unchanged (and nothing changes once the case is over)
    resultTransform: (result) => mode.misbehave && equivocator === i ? lied(result, new TextEncoder().encode('{"numbers":[9,9,9,9,9]}')) : result,
    equivocate: () => mode.misbehave && (equivocator ??= i) === i,
    withhold: () => mode.misbehave && equivocator !== i && (withholder ??= i) === i
  })
  let crashed: number | undefined
  let crashStopped: Promise<void> | undefined

  const executorFor = (i: number): ExecuteFn => async (wasm, opts) => {
    const result = await execute(wasm, opts)
    // every node its own output: no two workers agree
    if (mode.diverge && result.status === 'ok') return lied(result, new TextEncoder().encode(`{"numbers":[${i}]}`))
    if (mode.lie && liar == null && result.status === 'ok') {
      liar = mesh.configs[i]!.near.accountId
      const stdout = new TextEncoder().encode('{"numbers":[1,2,3,4,5]}')
      return lied(result, stdout)
    }
    if (mode.crash && crashed == null) {
      crashed = i
      // assigned, then gone before it committed: nothing more from this node (not awaited: stop waits for this very job)
      crashStopped = mesh.nodes[i]!.stop().catch(() => {})
      return await new Promise<ExecutionResult>(() => {})
    }
    return result
  }

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'outlayer-mesh-test-'))
    mesh = await startLocalMesh({
      nodes: NODES,
      blockTimeMs: 200,
      commitWindowBlocks: 75, // 15 s: the git-build case builds in Docker inside it, beside the parallel suite's other Docker builds
      reconcileEveryBlocks: 5,
      bond: () => BOND,
      roles: i => i === 0 ? ['resolver'] : i === 1 ? ['worker', 'builder'] : ['worker'],
      external: [0],
      // the builder fetches from the test's git daemon on 127.0.0.1, which the SSRF guard refuses without this
      overrides: i => ({ execute: executorFor(i), behaviour: behaviourFor(i), buildFromGit: async args => await buildFromGit({ ...args, addressGuard: LOCAL_GIT_GUARD }) }),
      progress: line => { if (process.env.MESH_TEST_PROGRESS != null) process.stderr.write(`mesh: ${line}\n`) }
    })
    aggregator = await startAggregator()
    const random = await mesh.example('random')
    source = { WasmUrl: { url: random.url, hash: random.hash } }
  })

  after(async () => {
    await aggregator?.stop()
    await mesh?.stop()
    if (dir != null) await rm(dir, { recursive: true, force: true })
  })

  async function startAggregator (): Promise<ChildNode> {
    const peers = mesh.nodes.flatMap(n => n?.mesh.multiaddrs() ?? [])
    const config = { ...mesh.configs[0]!, p2p: { ...mesh.configs[0]!.p2p, bootstrap: peers.slice(0, 2) }, http: { host: '127.0.0.1', port: 0 } }
    const child = await startChildNode(config, dir)
    // the workers publish to whoever subscribes; wait until one of them sees the aggregator on the attestations topic
    await waitFor(() => mesh.nodes.some(n => n?.mesh.topicPeers('attestations').includes(child.peerId)), 'the aggregator in the attestation mesh')
    return child
  }

  async function runRequest (args: { replicas: number, quorum: number, source?: Record<string, unknown>, input?: string }): Promise<{ requestId: string, view: RequestView, output: unknown, outcome: RequestOutcome, assigned: string[] }> {
    const { requestId, txHash } = await mesh.request({ source: args.source ?? source, input_data: args.input ?? INPUT, replicas: args.replicas, quorum: args.quorum })
    const assigned = (await mesh.user.client.getRequest(requestId))?.assignment?.assigned ?? []
    const view = await mesh.waitClosed(requestId, 120_000)
    const output = await mesh.result(txHash)
    const outcome = (await mesh.user.client.waitOutcome(txHash, { timeoutMs: 60_000 }))!
    return { requestId, view, output, outcome, assigned }
  }

  /** tops a slashed worker back up to BOND, as a node runner would */
  async function restoreBond (account: string): Promise<void> {
    const config = mesh.configs.find(c => c.near.accountId === account)!
    const client = createOutlayerClient({ rpcUrl: mesh.net.rpcUrl, contractId: mesh.contractId, accountId: account, secretKey: config.near.secretKey })
    const bond = (await client.getWorker(account))?.bond ?? 0n
    if (bond < BOND) await client.registerWorker(publicKeyOfNearKey(config.signingKey), BOND - bond)
  }

  /** the agreeing workers, from the request transaction's execution_completed event */
  const workersOf = (r: { outcome: RequestOutcome }): string[] => r.outcome.workers

  it('resumes a request with R=3, Q=2 and returns the agreed output to the caller', async () => {
    const r = await runRequest({ replicas: 3, quorum: 2 })
    const { view, output } = r
    assert.equal(typeof output, 'string')
    const numbers = (JSON.parse(output as string) as { numbers: number[] }).numbers
    assert.equal(numbers.length, 5)
    assert.ok(numbers.every(x => x >= 1 && x <= 100), `numbers in range: ${numbers.join(',')}`)
    assert.ok(workersOf(r).length >= 2, `at least Q agreeing workers: ${workersOf(r).join(',')}`)
    assert.equal(view.resolution?.success, true)
  })

  it('settles a coin-flip bet: the consumer contract requests R=3 cross-contract and pays out from the quorum result', async () => {
    const coinFlip = 'coinflip.test.near'
    const NEAR = 10n ** 24n
    await deployContract({
      rpcUrl: mesh.net.rpcUrl, masterAccountId: mesh.net.root.accountId, masterSecretKey: mesh.net.root.secretKey,
      contractId: coinFlip, wasm: await readFile((await ensureContracts()).coinFlip),
      initArgs: { outlayer_id: mesh.contractId, source, execution_deposit: (2n * NEAR).toString() }, initialBalance: 20n * NEAR
    })
    const player = new Account(mesh.user.accountId, mesh.user.client.provider, new KeyPairSigner(KeyPair.fromString(mesh.user.secretKey as KeyPairString)))
    const settled = await player.callFunction<Record<string, unknown>>({
      contractId: coinFlip, methodName: 'flip', args: { guess: 'heads' }, deposit: 3n * NEAR, gas: 300n * 10n ** 12n, waitUntil: 'FINAL'
    })
    assert.equal(settled.status, 'settled', JSON.stringify(settled))
    assert.equal(settled.outcome, Number(settled.number) % 2 === 0 ? 'heads' : 'tails')
    assert.equal(settled.payout, settled.won === true ? (2n * NEAR).toString() : '0')
  })

  it('outvotes a worker that returns a wrong but plausible output and records it on chain', async () => {
    const disagreedBefore = await disagreed()
    mode.lie = true
    const r = await runRequest({ replicas: 3, quorum: 2 })
    const { output } = r
    mode.lie = false
    assert.ok(liar != null, 'one worker lied')
    assert.notEqual(output, '{"numbers":[1,2,3,4,5]}', 'the lie did not win')
    assert.ok(!workersOf(r).includes(liar), `the liar ${liar} is not among the agreeing workers`)
    const after = await disagreed()
    assert.equal(after.get(liar), (disagreedBefore.get(liar) ?? 0) + 1, `the contract counted ${liar}'s disagreement`)
    await restoreBond(liar)
  })

  it('settles a request early when all three workers disagree: settle_unreachable, the payer refunded, nobody slashed', async () => {
    const from = mesh.net.height()
    const bondsBefore = new Map((await mesh.user.client.listWorkers()).map(w => [w.account_id, w.bond]))
    mode.diverge = true
    const r = await runRequest({ replicas: 3, quorum: 2 })
    mode.diverge = false
    // the caller's callback: a failure that is not a timeout, with the contract's reason
    assert.equal(r.outcome.success, false, JSON.stringify(r.outcome))
    assert.equal(r.outcome.timedOut, false)
    assert.match(r.outcome.error ?? '', /^quorum unreachable/)
    const events = await eventsFor(mesh.net.feedUrl, mesh.contractId, r.requestId, from, mesh.net.height())
    assert.ok(events.includes('execution_unreachable'), `settled by the resolver, not by the yield timeout: ${events.join(', ')}`)
    assert.deepEqual(events.filter(e => e.startsWith('worker_')), [], 'revealing a result nobody shares is no offence')
    const bondsAfter = new Map((await mesh.user.client.listWorkers()).map(w => [w.account_id, w.bond]))
    assert.deepEqual(bondsAfter, bondsBefore)
  })

  it('through NodeOverrides.behaviour: an equivocator is reported and slashed, a withholder is slashed, the honest result wins', async () => {
    const from = mesh.net.height()
    mode.misbehave = true
    const r = await runRequest({ replicas: 3, quorum: 2 })
    mode.misbehave = false
    assert.ok(equivocator != null && withholder != null, 'an equivocator and a withholder ran')
    const [eq, wh] = [mesh.configs[equivocator]!.near.accountId, mesh.configs[withholder]!.near.accountId]
    assert.notEqual(r.output, '{"numbers":[9,9,9,9,9]}', 'the second reveal did not win')
    assert.ok(!workersOf(r).includes(wh), 'the withholder is not among the agreeing workers')
    // the resolver reports the equivocation while the request is open; it may land a block after the resolution
    const events = await waitFor(async () => {
      const names = await eventsFor(mesh.net.feedUrl, mesh.contractId, r.requestId, from, mesh.net.height())
      return names.includes('worker_equivocated') ? names : undefined
    }, 'worker_equivocated', 30_000).catch(async () => await eventsFor(mesh.net.feedUrl, mesh.contractId, r.requestId, from, mesh.net.height()))
    assert.ok(events.includes('worker_equivocated'), `events: ${events.join(', ')}`)
    if (r.assigned.includes(wh)) assert.ok(events.includes('worker_withheld'), `events: ${events.join(', ')}`)
    for (const account of [eq, wh]) await restoreBond(account)
  })

  it('refuses forged, replayed and oversized gossip, and the mesh keeps answering', async () => {
    const target = mesh.nodes[1]!
    const attacker = await buildLibp2p({
      network: 'localnet', privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [],
      heartbeatMs: 100, maxRpcBytes: 4 * 1024 * 1024,
      dhtValidators: { [BUILD_RECORD_NAMESPACE]: validateBuildRecord }, dhtSelectors: { [BUILD_RECORD_NAMESPACE]: selectBuildRecord }
    })
    try {
      await attacker.start()
      await attacker.dial(multiaddr(target.mesh.multiaddrs()[0]!))
      const topic = gossipTopic('localnet', 'attestations')
      attacker.services.pubsub.subscribe(topic)
      await waitFor(() => attacker.services.pubsub.getSubscribers(topic).some(p => p.toString() === target.mesh.peerId), 'the attacker seeing the target on the topic')
      const refused = (): number => Object.values(target.mesh.getStats().gossip.attestations.refused).reduce((a, b) => a + (b ?? 0), 0)
      const before = refused()
      const key = generateEd25519()
      const payload = { contract_id: mesh.contractId, request_id: '1', worker_id: 'user1.test.near', success: true, output: undefined, output_hash: '00'.repeat(32), error: '', instructions: '1', time_ms: 1, result_hash: '00'.repeat(32), signature: Buffer.alloc(64).toString('base64') }
      const valid = createEnvelope('attestation', payload, key)
      const forged = { ...valid, payload: { ...valid.payload, instructions: '2' } }
      const stale = createEnvelope('attestation', payload, key, Date.now() - 3_600_000) // a replay of an old message
      const oversized = new Uint8Array(ENVELOPE_LIMITS.maxBytes + 1024).fill(0x20)
      for (const data of [encodeEnvelope(forged), encodeEnvelope(stale), oversized]) await attacker.services.pubsub.publish(topic, data).catch(() => {})
      await waitFor(() => refused() >= before + 3 || undefined, 'three refusals at the target', 20_000)
      // nobody crashed: the whole mesh still answers a request
      const { view } = await runRequest({ replicas: 3, quorum: 2 })
      assert.equal(view.resolution?.success, true)
    } finally {
      await attacker.stop()
    }
  })

  it('builds a git source once; the other workers fetch the wasm through the DHT', async function () {
    await requireBuilder(this)
    const repo = makeRepo(join(dir, 'repos'), 'sum', C_SUM)
    const daemon = await startGitDaemon(join(dir, 'repos'))
    const { view, output } = await runRequest({ replicas: 3, quorum: 2, source: { GitHub: { repo: `${daemon.baseUrl}sum`, commit: repo.commit, build_target: 'wasm32-wasip1' } }, input: 'hello' })
      .finally(async () => await daemon.stop())
    assert.equal(view.resolution?.success, true, `resolution ${JSON.stringify(view.resolution)}`)
    assert.equal(output, '{"bytes":5,"sum":532}')
    const builds = await sumCounter(n => n.metrics.artifactBuilds, 'ok')
    const fetches = await sumCounter(n => n.metrics.artifactFetches, 'ok')
    assert.equal(builds, 1, 'built once, on the builder')
    assert.ok(fetches >= 1, `other workers fetched the wasm from a peer (${fetches} fetches)`)
  })

  it('completes a job when an assigned worker crashes before committing: a backup takes its slot after the window', async () => {
    mode.crash = true
    const r = await runRequest({ replicas: 2, quorum: 2 })
    mode.crash = false
    assert.ok(crashed != null, 'a worker crashed')
    const crashedId = mesh.configs[crashed]!.near.accountId
    assert.ok(r.assigned.includes(crashedId), `${crashedId} was a primary (${r.assigned.join(', ')})`)
    assert.ok(!workersOf(r).includes(crashedId), 'the crashed worker is not among the agreeing ones')
    assert.equal(workersOf(r).length, 2, `a quorum of 2: ${workersOf(r).join(', ')}`)
    assert.ok(workersOf(r).some(w => !r.assigned.includes(w)), 'a backup filled the slot')
    await crashStopped // its store is closed once the stop is through
    await mesh.startNode(crashed) // back for the next cases, from its own store
    await restoreBond(crashedId) // slashed as withheld
  })

  it('survives kill -9 of the aggregator mid-flight: after a restart the request is resumed exactly once', async () => {
    const from = mesh.net.height()
    const attested = new Promise<void>(resolve => {
      for (const node of mesh.nodes) node?.worker?.once('result:attested', () => resolve())
    })
    const sent = mesh.request({ source, input_data: INPUT, replicas: 3, quorum: 2 })
    // a refused request fails the case here instead of leaving it waiting for an attestation to its timeout
    await Promise.race([attested, sent.then(async () => await attested)])
    await aggregator.kill9()
    const { requestId } = await sent
    aggregator = await startAggregator()
    const view = await mesh.waitClosed(requestId, 120_000)
    assert.equal(view.resolution?.success, true)
    const events = await eventsFor(mesh.net.feedUrl, mesh.contractId, requestId, from, mesh.net.height())
    assert.equal(events.filter(e => e === 'execution_resolved').length, 1, `events: ${events.join(', ')}`)
  })

  it('a task and attestations replayed to restarted nodes inside the freshness window change nothing (issue 17 §8)', async () => {
    // a recording peer keeps the real envelopes of one request as they go over gossip; a second, fresh peer replays
    // them (the recorder's own gossipsub would refuse to publish messages it has already seen)
    const peer = async (): Promise<Awaited<ReturnType<typeof buildLibp2p>>> => await buildLibp2p({
      network: 'localnet', privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [],
      heartbeatMs: 100, maxRpcBytes: 4 * 1024 * 1024,
      dhtValidators: { [BUILD_RECORD_NAMESPACE]: validateBuildRecord }, dhtSelectors: { [BUILD_RECORD_NAMESPACE]: selectBuildRecord }
    })
    const topics = { tasks: gossipTopic('localnet', 'tasks'), attestations: gossipTopic('localnet', 'attestations') }
    const recorded: Array<{ topic: string, data: Uint8Array }> = []
    const recorder = await peer()
    const replayer = await peer()
    try {
      await recorder.start()
      for (const node of mesh.nodes) if (node != null) await recorder.dial(multiaddr(node.mesh.multiaddrs()[0]!))
      await recorder.dial(multiaddr(aggregator.addrs[0]!))
      recorder.services.pubsub.addEventListener('message', (evt) => {
        const msg = evt.detail as { topic: string, data: Uint8Array }
        if (msg.topic === topics.tasks || msg.topic === topics.attestations) recorded.push({ topic: msg.topic, data: msg.data })
      })
      for (const t of Object.values(topics)) recorder.services.pubsub.subscribe(t)
      await waitFor(() => recorder.services.pubsub.getSubscribers(topics.attestations).length >= 2, 'the recorder in the gossip mesh')
      const from = mesh.net.height()
      const { requestId } = await runRequest({ replicas: 3, quorum: 2 })
      // the baseline is the settled request (resolved, then completed by the callback)
      await waitFor(async () => ((await mesh.user.client.getRequest(requestId)) as { status?: string } | null)?.status === 'completed', 'the request completed')
      const view = await mesh.user.client.getRequest(requestId)
      const ours = (): Array<{ topic: string, data: Uint8Array }> => recorded.filter(r => new TextDecoder().decode(r.data).includes(`"request_id":"${requestId}"`))
      await waitFor(() => ours().some(r => r.topic === topics.attestations), 'the request\'s attestations recorded')

      // restart a worker and the aggregator: both lose their in-memory seen-cache
      await mesh.nodes[2]!.stop()
      const worker = await mesh.startNode(2)
      await aggregator.kill9()
      aggregator = await startAggregator()
      await replayer.start()
      for (const addr of [worker.mesh.multiaddrs()[0]!, aggregator.addrs[0]!]) await replayer.dial(multiaddr(addr))
      for (const t of Object.values(topics)) replayer.services.pubsub.subscribe(t)
      await waitFor(() => replayer.services.pubsub.getSubscribers(topics.tasks).some(p => p.toString() === worker.mesh.peerId), 'the restarted worker on the tasks topic')
      await waitFor(() => replayer.services.pubsub.getSubscribers(topics.attestations).some(p => p.toString() === aggregator.peerId), 'the restarted aggregator on the attestations topic')
      const accepted = (): number => worker.mesh.getStats().gossip.tasks.accepted + worker.mesh.getStats().gossip.attestations.accepted
      const acceptedBefore = accepted()
      const replay = ours()
      assert.ok(replay.length >= 2, `${replay.length} envelopes to replay`)
      const replayedAt = mesh.net.height()
      for (const r of replay) await replayer.services.pubsub.publish(r.topic, r.data)
      // inside the window a restarted node takes them again: what must hold is that nothing changes because of it
      await waitFor(() => accepted() > acceptedBefore, 'the replayed envelopes accepted by the restarted worker')
      const settleTo = mesh.net.height() + 10
      await waitFor(() => mesh.net.height() >= settleTo, 'ten more blocks')
      assert.deepEqual(await mesh.user.client.getRequest(requestId), view, 'the request on chain is unchanged')
      const events = await eventsFor(mesh.net.feedUrl, mesh.contractId, requestId, from, mesh.net.height())
      assert.equal(events.filter(e => e === 'execution_resolved').length, 1, `events: ${events.join(', ')}`)
      assert.equal(events.filter(e => e === 'execution_completed').length, 1, `events: ${events.join(', ')}`)
      assert.deepEqual(await eventsFor(mesh.net.feedUrl, mesh.contractId, requestId, replayedAt, mesh.net.height()), [], 'no event for the request after the replay')
    } finally {
      await recorder.stop()
      await replayer.stop()
    }
  })

  it('completes a request through chain reconciliation alone on a partitioned node that missed the event', async () => {
    await aggregator.stop()
    for (const node of mesh.nodes) await node?.stop()
    // a lone node (no peers, so no gossip) whose cursor starts after the request: only the views can tell it. The
    // contract picks the worker (bond-weighted: earlier tests may have slashed some), so the lone node is the
    // mesh's worker that the request names as its primary
    const [{ requestId, txHash }] = await mesh.requestMany([{ source, input_data: INPUT, replicas: 1, quorum: 1 }])
    const primary = (await mesh.user.client.getRequest(requestId))?.assignment?.assigned[0]
    const worker = mesh.configs.find(c => c.near.accountId === primary)
    assert.ok(worker !== undefined, `the primary ${String(primary)} is one of the mesh's workers`)
    const config = {
      ...worker,
      dataDir: join(dir, 'partitioned'),
      roles: ['worker', 'resolver'] as Array<'worker' | 'resolver'>,
      p2p: { ...worker.p2p, bootstrap: [] }
    }
    let node: OutlayerNode | undefined
    try {
      node = await createNode(config, { http: false, startHeight: mesh.net.height() + 1 })
      let fromFeed = 0
      node.watcher.on('request:new', e => { if (e.request.request_id.toString() === requestId && e.origin === 'feed') fromFeed++ })
      await node.start()
      const view = await mesh.waitClosed(requestId, 120_000)
      assert.ok(view.resolution != null, `resolved, not ${JSON.stringify({ status: view?.status, resolution: view?.resolution })}`)
      assert.deepEqual(workersOf({ outcome: (await mesh.user.client.waitOutcome(txHash, { timeoutMs: 60_000 }))! }), [worker.near.accountId])
      assert.equal(fromFeed, 0, 'the feed never showed this node the request')
      assert.equal(node.mesh.peers().length, 0, 'the node had no peers')
    } finally {
      await node?.stop()
    }
  })

  /** a labelled counter summed over the running in-process nodes, for one `outcome` */
  async function sumCounter (pick: (n: OutlayerNode) => { get: () => Promise<{ values: Array<{ value: number, labels: Record<string, unknown> }> }> }, outcome: string): Promise<number> {
    let total = 0
    for (const node of mesh.nodes) {
      if (node == null) continue
      for (const v of (await pick(node).get()).values) if (v.labels.outcome === outcome) total += v.value
    }
    return total
  }

  /** worker account → times the contract recorded it disagreeing */
  async function disagreed (): Promise<Map<string, number>> {
    const workers = await mesh.user.client.listWorkers()
    return new Map(workers.map(w => [w.account_id, w.disagreed]))
  }
})

function lied (honest: ExecutionResult, stdout: Uint8Array): ExecutionResult {
  return {
    ...honest,
    stdout,
    result_hash: resultHash({ status: 'ok', exit_code: honest.exit_code, trap: honest.trap, stdout, fuel_used: honest.fuel_used, instrumenter_version: honest.instrumenter_version })
  }
}
