/**
 * runScenario: one simulated run, start to report. In order: plan from the seed → the bare gossipsub baseline
 * (scale mode) → localnet + contract + N real nodes through the adapter, with byzantine executors and gossip
 * attackers → the seeded topology → requests at the scenario's rate while the fault scheduler follows the chain
 * and the clock → every request closed (or the timeout) → figures. Scale mode needs the adapter's module hook in
 * this process (`outlayer sim` starts the run with it).
 */
import { readFileSync } from 'node:fs'
import { envelopeId, sha256Hex, toBytes, type AttestationPayload, type Envelope } from '../../protocol/index.js'
import { workerBehaviour, type BehaviourContext } from '../adversary/behaviours.js'
import { startAttackers, type Attacker } from '../adversary/attackers.js'
import { startSimNodes, type ChainEvent, type OutlayerNode, type SimNodes } from '../adapter/index.js'
import { SimError } from '../errors.js'
import { GossipProbe } from '../net/gossip-probe.js'
import { plaintext } from '../net/plaintext.js'
import { simTransport } from '../net/transport.js'
import { SimNetwork, installNetwork } from '../net/network.js'
import { createRng } from '../net/prng.js'
import { startBareMesh } from '../net/bare-mesh.js'
import { dialPlan } from '../net/topology.js'
import { planScenario, type Action } from '../scenario/plan.js'
import type { Scenario } from '../scenario/types.js'
import { computeFigures, type ClosedRequest } from './figures.js'
import { progressBar, type Progress } from './progress.js'
import { ChainScan, MAX_CONSECUTIVE_FAILURES } from './chain-scan.js'
import { ResourceSampler } from './sampler.js'
import { FaultScheduler, type FiredEvent } from './schedule.js'
import { GroundTruth } from './truth.js'
import { SLASH_EVENTS, type RunError, type RunReport } from './types.js'

export interface RunOptions {
  progress?: Progress
  /** stops the run where it is (e.g. Ctrl-C in `outlayer sim`); the report is still written, partial */
  signal?: AbortSignal
}

const TICK_MS = 200
const SETTLE_BLOCKS = 3
const YOCTO_PER_NEAR = 10n ** 24n

export async function runScenario (s: Scenario, opts: RunOptions = {}): Promise<RunReport> {
  const progress = opts.progress ?? progressBar(process.stderr, false)
  const startedAt = new Date()
  const t0 = Date.now()
  const plan = planScenario(s)
  const sampler = new ResourceSampler()
  sampler.start()
  const byzantine = new Map(plan.byzantine.map(b => [b.node, b]))
  const topology = dialPlan(s.nodes, s.network.degree, createRng(s.seed, 'topology'))

  const failures: RunError[] = []
  let baseline: Awaited<ReturnType<typeof runBaseline>> = null
  if (s.mode === 'scale' && s.baselineMessages > 0 && opts.signal?.aborted !== true) {
    progress.log(`baseline: ${s.nodes} bare gossipsub nodes, ${s.baselineMessages} messages`)
    // without it the report lacks only the gossip ratio: recorded, and the run goes on
    baseline = await runBaseline(s, topology).catch((err: Error) => {
      failures.push({ where: 'baseline', atMs: Date.now() - t0, message: err.message })
      progress.log(`baseline failed: ${err.message}`)
      return null
    })
  }

  const net = s.mode === 'scale' ? new SimNetwork({ seed: s.seed, link: { latency: s.network.latency, jitterMs: s.network.jitterMs, bandwidthBps: s.network.bandwidthBps, loss: s.network.loss } }) : undefined
  installNetwork(net)
  const truth = new GroundTruth()
  const probe = new GossipProbe()
  const idToSeed = new Map<string, string>()
  const attestations = new Map<string, AttestationPayload[]>()
  const attestationWaiters = new Set<() => void>()
  let sim: SimNodes | undefined
  let attackers: Attacker[] = []
  const bondYocto = BigInt(Math.round(s.bondNear * 1000)) * YOCTO_PER_NEAR / 1000n
  const upCount = (): number => sim == null ? s.nodes : Array.from({ length: s.nodes }, (_, i) => i).filter(i => sim!.isUp(i)).length

  const contextFor = (i: number): BehaviourContext => ({
    label: byzantine.get(i)?.behaviour === 'wrong-coordinated' ? 'coordinated' : `node${i}`,
    fromRequest: byzantine.get(i)?.fromRequest ?? 0,
    record: (seed, kind, stdout) => { truth.record(seed, kind, stdout) },
    // reveals appear once the phase closed, at the latest 2 × the window after the request: wait a little longer
    copyWaitMs: (2 * s.commitWindowBlocks + 10) * s.blockTimeMs,
    copyFrom: async (id, timeoutMs) => {
      const me = sim?.accountOf(i)
      const find = (): AttestationPayload | undefined => attestations.get(id)?.find(a => a.worker_id !== me && a.success)
      const deadline = Date.now() + timeoutMs
      while (find() == null && Date.now() < deadline) await new Promise<void>(resolve => { attestationWaiters.add(resolve); setTimeout(resolve, 250) })
      return find()
    }
  })

  const seenGossip = (envelope: Envelope): void => {
    const id = envelopeId(envelope)
    probe.sent(id, Math.max(0, upCount() - 1), envelope.timestamp_ms)
    probe.delivered(id)
  }

  const onStart = (i: number, node: OutlayerNode): void => {
    node.watcher.on('request:new', (e) => {
      idToSeed.set(e.request.request_id.toString(), e.request.seed)
    })
    node.mesh.on('task', (_p, envelope) => { seenGossip(envelope) })
    node.mesh.on('attestation', (payload, envelope) => {
      seenGossip(envelope)
      const list = attestations.get(payload.request_id) ?? []
      if (!list.some(a => a.worker_id === payload.worker_id && a.signature === payload.signature)) list.push(payload)
      attestations.set(payload.request_id, list)
      for (const wake of attestationWaiters) wake()
      attestationWaiters.clear()
    })
  }

  // what the run has seen so far: a failure or an abort at any point still reports it
  const sent: Array<{ requestId: string, txHash: string, sentAt: number } | undefined> = new Array(s.requests).fill(undefined)
  const requestedAt = new Map<string, number>()
  const assigned = new Map<string, string[]>()
  const closed = new Map<string, ClosedRequest>()
  const slashed: ChainEvent[] = []
  let chain: ChainScan | undefined
  let scheduler: FaultScheduler | undefined
  let tStart = Date.now()
  let partial: string | null = null
  let phase: 'setup' | 'run' = 'setup'
  const interrupted = (): boolean => opts.signal?.aborted === true

  try {
    try {
      if (interrupted()) throw new SimError('INTERRUPTED', 'interrupted before the run started')
      progress.log(`starting localnet, the contract and ${s.nodes} nodes (${s.mode} mode)`)
      sim = await startSimNodes({
        nodes: s.nodes, blockTimeMs: s.blockTimeMs, commitWindowBlocks: s.commitWindowBlocks, yieldTimeoutBlocks: s.yieldTimeoutBlocks, heartbeatMs: s.gossip.heartbeatMs,
        behaviourFor: (i) => workerBehaviour(byzantine.get(i)?.behaviour ?? 'honest', contextFor(i)),
        bondOf: () => bondYocto,
        requesters: s.requesters,
        // the chain's draws (assignments, request seeds) follow the scenario seed
        randomSecret: sha256Hex(toBytes(`outlayer-sim/random-secret/${s.seed}`)),
        ...(s.mode === 'scale' ? { stack: { transports: [simTransport()], connectionEncrypters: [plaintext()] } } : {}),
        onStart: (i, node) => { onStart(i, node) },
        progress: (line) => { progress.log(line) }
      })
      const simNodes = sim
      if (interrupted()) throw new SimError('INTERRUPTED', 'interrupted while the nodes started')
      const addr = simNodes.node(0)?.mesh.multiaddrs()[0] ?? ''
      if (s.mode === 'scale' && !addr.startsWith('/ip4/10.')) {
        throw new SimError('SETUP_FAILED', `scale mode: node 0 listens on ${addr}, not on the simulated network`)
      }
      const hostOf = (i: number): string | undefined => net?.hostOf(simNodes.peerIdOf(i))
      const connect = async (i: number): Promise<void> => {
        for (const j of topology[i] ?? []) await simNodes.dial(i, j)
        for (let k = i + 1; k < s.nodes; k++) if (topology[k]?.includes(i) === true) await simNodes.dial(k, i)
      }
      await Promise.all(Array.from({ length: s.nodes }, async (_, i) => { for (const j of topology[i] ?? []) await simNodes.dial(i, j) }))
      attackers = await startAttackers(s.attackers, { sim: simNodes, rng: createRng(s.seed, 'attackers'), degree: s.network.degree })
      await waitForMesh(simNodes, s.nodes, 60_000, interrupted)
      if (interrupted()) throw new SimError('INTERRUPTED', 'interrupted while the mesh formed')
      progress.log(`mesh formed; ${plan.byzantine.length} byzantine workers, ${attackers.length} attackers, ${plan.events.length} planned faults`)

      const apply = async (action: FiredEvent['action']): Promise<void> => {
        progress.log(`fault: ${describe(action)}`)
        switch (action.type) {
          case 'crash':
            await Promise.all(action.nodes.map(async i => { await simNodes.crash(i, { keepData: action.keepData, cut: () => { const h = hostOf(i); if (h != null) net?.cutHost(h) } }) }))
            return
          case 'restart':
            for (const i of action.nodes) { await simNodes.restart(i); connect(i).catch(() => {}) }
            return
          case 'partition':
            net?.partition(action.groups.map(g => g.map(i => hostOf(i)!)))
            return
          case 'heal':
            net?.heal()
            for (let i = 0; i < s.nodes; i++) connect(i).catch(() => {})
            return
          case 'link':
            if (action.nodes != null) for (const i of action.nodes) net?.setHostLink(hostOf(i)!, action.spec)
            else net?.setDefaultLink(action.spec)
        }
      }
      const faults = new FaultScheduler(plan.events, apply)
      scheduler = faults

      const example = await simNodes.example('random')
      const source = { WasmUrl: { url: example.url, hash: example.hash } }
      // a cold prepared-module cache once cost the first 4 requests of byzantine-quorum-edge their commit window
      // (refunded, every worker slashed withheld): the run measures the mesh, not a fresh checkout's first compile
      await simNodes.warmUp(example.url).catch((err: Error) => { progress.log(`warm-up failed (the first requests pay the preparation): ${err.message}`) })
      if (interrupted()) throw new SimError('INTERRUPTED', 'interrupted before the first request')
      const h0 = simNodes.height()
      tStart = Date.now()
      phase = 'run'
      progress.log(`sending ${s.requests} requests at ${s.ratePerSec}/s`)
      const sending: Array<Promise<void>> = []
      let nextToSend = 0
      const sendChains: Array<Promise<void>> = new Array(s.requesters).fill(Promise.resolve())

      const scan = new ChainScan(simNodes.events, (e) => {
        const id = String(e.data.request_id ?? '')
        if (e.event === 'execution_requested') {
          requestedAt.set(id, e.height)
          if (Array.isArray(e.data.assigned)) assigned.set(id, e.data.assigned.map(String))
        }
        if (SLASH_EVENTS[e.event] != null) {
          slashed.push(e)
          const liar = plan.byzantine.find(b => simNodes.accountOf(b.node) === e.data.worker_id)
          const cut = BigInt(String(e.data.slashed ?? '0'))
          if (liar?.topUp === true && cut > 0n) simNodes.topUpBond(liar.node, cut).catch(err => { progress.log(`top-up of node ${liar.node} failed: ${(err as Error).message}`) })
        }
        if (e.event === 'execution_completed' && !closed.has(id)) {
          closed.set(id, { requestId: id, height: e.height, seenAt: Date.now(), success: e.data.success === true, timedOut: e.data.timed_out === true, workers: (e.data.workers as string[] | undefined) ?? [] })
        }
      }, { from: h0, t0: tStart })
      chain = scan

      const deadline = tStart + s.timeoutMs
      for (;;) {
        const now = Date.now()
        while (nextToSend < s.requests && now - tStart >= nextToSend * 1000 / s.ratePerSec) {
          const k = nextToSend++
          // one transaction at a time per requester account (concurrent sends from one account race for its nonce)
          const requester = k % s.requesters
          sendChains[requester] = sendChains[requester]!.then(async () => {
            const at = Date.now()
            await simNodes.requestMany([{ source, input_data: plan.inputs[k]!, replicas: s.replicas, quorum: s.quorum }])
              .then(([r]) => { sent[k] = { ...r!, sentAt: at } }, (err: Error) => { progress.log(`request ${k} not sent: ${err.message}`) })
          })
          sending.push(sendChains[requester]!)
        }
        if (interrupted()) { partial = `interrupted after ${Math.round((Date.now() - tStart) / 1000)} s of requests: requests closed after block ${scan.scanned} are reported pending`; progress.log(partial); break }
        await faults.tick(simNodes.height() - h0, Date.now() - tStart)
        if (!await scan.scan(simNodes.height())) {
          progress.log(`chain scan failed: ${scan.lastError ?? ''}`)
          if (scan.lost) {
            partial = `the block feed failed ${MAX_CONSECUTIVE_FAILURES} scans in a row (${scan.failures} failures in all): requests closed after block ${scan.scanned} are reported pending`
            progress.log(`stopping: ${partial}`)
            break
          }
        }
        const ids = sent.filter(x => x != null).map(x => x.requestId)
        const done = ids.filter(id => closed.has(id)).length
        progress.update(done, s.requests, `requests closed · block +${simNodes.height() - h0} · faults ${faults.fired.length}/${faults.fired.length + faults.remaining()} · ${upCount()}/${s.nodes} up`)
        if (nextToSend >= s.requests && (await settled(sending)) && done >= ids.length && (faults.remaining() === 0 || done === s.requests)) break
        if (Date.now() > deadline) { partial = `timeout after ${s.timeoutMs} ms: ${ids.length - done} requests still open`; progress.log(partial); break }
        await new Promise(resolve => setTimeout(resolve, TICK_MS))
      }
      progress.end()
      const settleTo = simNodes.height() + SETTLE_BLOCKS
      while (!interrupted() && simNodes.height() < settleTo) await new Promise(resolve => setTimeout(resolve, s.blockTimeMs / 2))
      if (!await scan.scan(simNodes.height())) partial ??= `the last chain scan failed: requests closed after block ${scan.scanned} are reported pending`
    } catch (err) {
      // a failure anywhere in setup or the run ends it, never the report: what was seen so far is reported
      progress.end()
      const message = err instanceof Error ? err.message : String(err)
      failures.push({ where: phase, atMs: Date.now() - tStart, message })
      partial = phase === 'setup' ? `the run did not start: ${message}` : `the run failed: ${message}: requests closed after block ${chain?.scanned ?? '?'} are reported pending`
      progress.log(partial)
    }

    if (sim != null) probe.copy(sim.gossipCopies())
    const simNodes = sim
    const byzantineAccounts = new Map(simNodes == null ? [] : plan.byzantine.map(b => [simNodes.accountOf(b.node), b.fromRequest]))
    const outputs = new Map<string, string | null>()
    for (const r of sent) {
      if (r == null || simNodes == null) continue
      const c = closed.get(r.requestId)
      if (c?.success === true) outputs.set(r.requestId, await simNodes.resultText(r.txHash).catch(() => null))
    }
    const hostOf = (i: number): string | undefined => simNodes == null ? undefined : net?.hostOf(simNodes.peerIdOf(i))
    const perNode = Array.from({ length: s.nodes }, (_, i) => {
      const stats = simNodes?.node(i)?.mesh.getStats()
      const topics = stats != null ? Object.values(stats.gossip) : []
      const host = hostOf(i)
      const counters = host != null ? net?.countersOf(host) : undefined
      return {
        node: i,
        byzantine: byzantine.get(i)?.behaviour ?? null,
        accepted: topics.reduce((a, t) => a + t.accepted, 0),
        published: topics.reduce((a, t) => a + t.published, 0),
        bytes: counters != null ? counters.bytesIn + counters.bytesOut : null
      }
    })
    sampler.stop()
    const figures = computeFigures({
      scenario: s, plan, sent, requestedAt, assigned, closed, outputs, idToSeed, truth, byzantineAccounts, slashed,
      probe, baseline, perNode, resources: sampler, attackers: attackers.map(a => ({ kind: a.kind, sent: a.sent() })), t0: tStart
    })
    return {
      version: 1,
      scenario: s,
      seed: s.seed,
      mode: s.mode,
      startedAt: startedAt.toISOString(),
      wallMs: Date.now() - t0,
      versions: versions(),
      plan,
      fired: scheduler?.fired ?? [],
      requests: figures.requests,
      figures: figures.figures,
      resources: sampler.samples,
      nondeterminism: [
        'Wall-clock figures (latencyMs, gossip p50/p99, the baseline and their ratio, CPU, RSS) and block counts vary with machine load.',
        'Assignments come from the contract\'s bond-weighted draw with localnet\'s random seed fixed by the scenario seed: they reproduce as long as the bonds before a request are the same; a slash that depends on timing (a crashed primary withheld, or committed just before the crash) changes the bonds and with them the later draws. Wrong resumes stay 0 whenever fewer than Q assigned workers lie.',
        'Node keys (peer ids) are fresh per run, so gossipsub meshes differ in detail; the dial topology is the same.',
        'A fault fires on the first runner tick at or after its moment (ticks are 200 ms apart, but a tick waits for the chain scan, so under load a fault by ms can fire seconds late: partition-heal measured a heal 28 s late on a loaded machine); faults by block are late only by the same tick.'
      ],
      errors: [...(chain?.errors ?? []), ...failures],
      partial
    }
  } finally {
    sampler.stop()
    for (const a of attackers) await a.stop().catch(() => {})
    await sim?.stop().catch(() => {})
    installNetwork(undefined)
  }
}

async function settled (ps: Array<Promise<void>>): Promise<boolean> {
  const marker = Symbol('pending')
  const r = await Promise.race([Promise.all(ps), new Promise(resolve => setImmediate(() => resolve(marker)))])
  return r !== marker
}

/** Until every node has a peer on the tasks topic, the timeout, or an interruption (the caller checks which). */
async function waitForMesh (sim: SimNodes, n: number, timeoutMs: number, interrupted: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline && !interrupted()) {
    const ready = Array.from({ length: n }, (_, i) => sim.node(i)).every(node => node == null || node.mesh.topicPeers('tasks').length > 0)
    if (ready) return
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

async function runBaseline (s: Scenario, topology: number[][]): Promise<import('../net/gossip-probe.js').GossipFigures | null> {
  const network = new SimNetwork({ seed: s.seed, link: { latency: s.network.latency, jitterMs: s.network.jitterMs, bandwidthBps: s.network.bandwidthBps, loss: s.network.loss } })
  const mesh = await startBareMesh({ network, nodes: s.nodes, degree: s.network.degree, heartbeatMs: s.gossip.heartbeatMs, rng: createRng(s.seed, 'baseline'), plan: topology })
  try {
    await mesh.ready(60_000)
    // a task envelope is about 300 bytes and an attestation about 600: the baseline sends the larger
    return await mesh.run({ count: s.baselineMessages, bytes: 600, intervalMs: 100, settleMs: 2000 })
  } finally {
    await mesh.stop()
  }
}

function describe (a: Action | { type: 'restart', nodes: number[] }): string {
  switch (a.type) {
    case 'crash': return `crash node${a.nodes.length > 1 ? 's' : ''} ${a.nodes.join(', ')}${a.keepData ? '' : ' (data dir wiped)'}`
    case 'restart': return `restart node${a.nodes.length > 1 ? 's' : ''} ${a.nodes.join(', ')}`
    case 'partition': return `partition ${a.groups.map(g => `[${g.join(',')}]`).join(' | ')}`
    case 'heal': return 'heal the partition'
    case 'link': return `links${a.nodes != null ? ` of ${a.nodes.join(', ')}` : ''} → ${JSON.stringify(a.spec)}`
  }
}

function versions (): RunReport['versions'] {
  const read = (p: string): string => { try { return (JSON.parse(readFileSync(new URL(p, import.meta.url), 'utf8')) as { version: string }).version } catch { return 'unknown' } }
  return { node: process.version, libp2p: read('../../node_modules/libp2p/package.json'), gossipsub: read('../../node_modules/@libp2p/gossipsub/package.json'), outlayer: read('../../package.json') }
}

