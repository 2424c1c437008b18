/**
 * Gossip dissemination across N in-process mesh nodes over TCP on 127.0.0.1 (part of `npm run bench:mesh`).
 * Each node after the first bootstraps from up to two earlier nodes, so the graph is connected but most pairs
 * are several hops apart. Messages are published one at a time from rotating nodes; for every (message,
 * receiver) pair we take the time from the publish call to the receiver's handler (one process, one clock).
 *
 *   node --no-liftoff --import tsx --import ./polyfill.mjs scripts/bench-mesh-gossip.ts [nodes] [messages]
 */
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { generateKeyPair } from '../protocol/index.js'
import { createMeshNode, type MeshNode } from '../node/p2p/index.js'

export interface GossipBenchOptions {
  /** messages published in total. @default 60 */
  messages?: number
  /** gossipsub heartbeat of every node. @default 1000 (the production default) */
  heartbeatMs?: number
  /** progress lines on stderr. @default true */
  progress?: boolean
}

export interface GossipBenchResult {
  nodes: number
  messages: number
  /** share of (message, receiver) pairs delivered before the per-message deadline */
  deliveredRatio: number
  /** publish → one receiver's handler, over every (message, receiver) pair */
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** publish → the last receiver's handler, per message */
  fullCoverageP50Ms: number
  fullCoverageP99Ms: number
  /** time for the mesh to form (every node sees a subscriber), for context */
  meshFormationMs: number
}

const NETWORK = 'bench-gossip'
const DELIVERY_DEADLINE_MS = 5000

export async function benchGossip (n: number, opts: GossipBenchOptions = {}): Promise<GossipBenchResult> {
  if (!Number.isInteger(n) || n < 2) throw new RangeError('benchGossip needs at least 2 nodes')
  const messages = opts.messages ?? 60
  const log = (line: string): void => { if (opts.progress !== false) process.stderr.write(`[bench:gossip] ${line}\n`) }
  const nodes: MeshNode[] = []
  try {
    const t0 = performance.now()
    for (let i = 0; i < n; i++) {
      const bootstrap = [nodes[i - 1], nodes[Math.floor((i - 1) / 2)]]
        .filter((b, j, all): b is MeshNode => b != null && all.indexOf(b) === j)
        .flatMap(b => b.multiaddrs())
      nodes.push(await createMeshNode({ network: NETWORK, signingKey: generateKeyPair(), bootstrap, gossip: { heartbeatMs: opts.heartbeatMs ?? 1000 } }))
    }
    log(`${n} nodes started; waiting for the gossip mesh`)
    await until(() => nodes.every(node => node.topicPeers('tasks').length > 0), 60_000, 'every node to see a tasks subscriber')
    // let gossipsub graft a full mesh over a few heartbeats before measuring
    await sleep(3 * (opts.heartbeatMs ?? 1000))
    const meshFormationMs = performance.now() - t0
    log(`mesh formed in ${Math.round(meshFormationMs)} ms; publishing ${messages} messages`)

    const sentAt = new Map<string, number>()
    const arrivals = new Map<string, number[]>()
    nodes.forEach(node => node.on('task', (payload) => {
      const start = sentAt.get(payload.request_id)
      if (start != null) arrivals.get(payload.request_id)?.push(performance.now() - start)
    }))

    for (let m = 0; m < messages; m++) {
      const id = String(m + 1)
      arrivals.set(id, [])
      sentAt.set(id, performance.now())
      await nodes[m % n]!.publish('task', { contract_id: 'outlayer.test.near', request_id: id, block_height: String(m) })
      await until(() => arrivals.get(id)!.length >= n - 1, DELIVERY_DEADLINE_MS, '').catch(() => {})
      if ((m + 1) % 20 === 0) log(`${m + 1}/${messages} messages`)
    }

    const all = [...arrivals.values()].flat().sort((a, b) => a - b)
    const full = [...arrivals.values()].filter(a => a.length >= n - 1).map(a => Math.max(...a)).sort((a, b) => a - b)
    return {
      nodes: n,
      messages,
      deliveredRatio: all.length / (messages * (n - 1)),
      p50Ms: round(quantile(all, 0.5)),
      p99Ms: round(quantile(all, 0.99)),
      maxMs: round(all.at(-1) ?? NaN),
      fullCoverageP50Ms: round(quantile(full, 0.5)),
      fullCoverageP99Ms: round(quantile(full, 0.99)),
      meshFormationMs: Math.round(meshFormationMs)
    }
  } finally {
    await Promise.allSettled(nodes.map(async node => await node.stop()))
  }
}

function quantile (sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
}

function round (ms: number): number {
  return Math.round(ms * 100) / 100
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

async function until (check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(2)
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = Number(process.argv[2] ?? 10)
  const messages = Number(process.argv[3] ?? 60)
  console.log(JSON.stringify(await benchGossip(n, { messages }), null, 2))
}
