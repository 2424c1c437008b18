/**
 * `npm run bench:mesh` (issue 7 §10). On this machine, in one process, over TCP on 127.0.0.1:
 *  - latency: request → resolve and request → callback, in blocks, at R=3 (goal: ≤ 4 blocks plus execution);
 *  - gossip: dissemination p50 / p99 across N nodes (scripts/bench-mesh-gossip.ts);
 *  - artifacts: fetching a built wasm from a peer against rebuilding it, as a ratio;
 *  - throughput: sustained requests per second with 10 nodes;
 *  - breakdown: where a request's blocks go (request → Q-th commit → resolve → callback, each against its floor of
 *    one block), with execution time and the requester's transaction submission time;
 *  - sweep: offered rate → resumed rate and p50/p99 latency, for each of --rates for --seconds each (issue 15).
 * Progress on stderr; writes bench/results/mesh.json.
 *
 *   npm run bench:mesh [-- --requests 8 --burst 30 --nodes 10 --access-keys 4 --batch-in-flight 0 --rates 2,5,10 --seconds 10 --timeout-s 60
 *                         --phases gossip,latency,throughput,sweep,artifacts]
 * The sweep also records threads and RSS after each rate, latency in blocks (request → callback), and where the
 * main thread's CPU went (scripts/bench-profile.ts); the run records the peak threads and RSS.
 * A smoke run on a shared machine: --nodes 3 --requests 2 --rates 1 --seconds 3 --phases latency,sweep
 */
import { readdirSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { buildFromGit } from '../sandbox/builder/index.js'
import { createBlockFeed, logsOf } from '../node/chain/index.js'
import { startLocalMesh, type LocalMesh } from '../node/testing/local-mesh.js'
import { benchGossip } from './bench-mesh-gossip.js'
import { startCpuProfile } from './bench-profile.js'
import { C_SUM } from '../sandbox/test/builder/fixture-sources.js'
import { LOCAL_GIT_GUARD, makeRepo, startGitDaemon } from '../sandbox/test/builder/git-fixtures.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const say = (line: string): void => { process.stderr.write(`[bench:mesh] ${line}\n`) }
const INPUT = JSON.stringify({ count: 5, min: 1, max: 100 })

function arg (name: string, fallback: number, min = 1): number {
  const i = process.argv.indexOf(`--${name}`)
  const n = i >= 0 ? Number(process.argv[i + 1]) : fallback
  if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} must be an integer of at least ${min}`)
  return n
}

function list (name: string, fallback: string): string[] {
  const i = process.argv.indexOf(`--${name}`)
  return (i >= 0 ? process.argv[i + 1] ?? '' : fallback).split(',').map(x => x.trim()).filter(x => x !== '')
}

function quantile (values: number[], q: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
}

/** this process's threads (Linux: /proc/self/task; V8's, libuv's and worker threads) and resident memory */
function resources (): { threads: number | null, rss_mb: number } {
  let threads: number | null = null
  try { threads = readdirSync('/proc/self/task').length } catch {}
  return { threads, rss_mb: Math.round(process.memoryUsage.rss() / 2 ** 20) }
}

/** the most threads and RSS seen, sampled every second while the mesh runs */
function peakResources (): { peak: () => { threads: number | null, rss_mb: number }, stop: () => void } {
  let peak = resources()
  const timer = setInterval(() => {
    const now = resources()
    peak = { threads: Math.max(peak.threads ?? 0, now.threads ?? 0) || null, rss_mb: Math.max(peak.rss_mb, now.rss_mb) }
  }, 1000)
  timer.unref()
  return { peak: () => peak, stop: () => clearInterval(timer) }
}

interface Heights { commits: number[], resolved?: number, completed?: number }

/** request id → heights of its result_committed, execution_resolved and execution_completed events, from the feed */
async function eventHeights (mesh: LocalMesh, from: number, to: number): Promise<Map<string, Heights>> {
  const feed = createBlockFeed(mesh.net.feedUrl)
  const out = new Map<string, Heights>()
  for (let h = from; h <= to; h++) {
    const block = await feed.block(h)
    if (block == null) continue
    for (const log of logsOf(block, mesh.contractId)) {
      if (!log.startsWith('EVENT_JSON:')) continue
      const e = JSON.parse(log.slice(11)) as { event: string, data: Array<{ request_id?: number | string }> }
      const id = e.data?.[0]?.request_id
      if (id == null) continue
      const entry = out.get(String(id)) ?? { commits: [] }
      if (e.event === 'result_committed') entry.commits.push(h)
      if (e.event === 'execution_resolved') entry.resolved = h
      if (e.event === 'execution_completed') entry.completed = h
      out.set(String(id), entry)
    }
  }
  return out
}

async function latency (mesh: LocalMesh, source: Record<string, unknown>, requests: number, blockTimeMs: number): Promise<Record<string, unknown>> {
  const from = mesh.net.height()
  const rows: Array<{ id: string, requested: number, timeMs: number, submitMs: number }> = []
  const closedMs: number[] = []
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now()
    const { requestId } = await mesh.request({ source, input_data: INPUT, replicas: 3, quorum: 2 })
    const submitMs = performance.now() - t0
    const view = await mesh.waitClosed(requestId, 120_000)
    closedMs.push(performance.now() - t0)
    rows.push({ id: requestId, requested: Number(view.request?.block_height ?? 0), timeMs: view.resolution?.time_ms ?? 0, submitMs })
    say(`latency: request ${requestId} done (${i + 1}/${requests})`)
  }
  await mesh.net.produceBlocks(3) // let the callbacks land
  const heights = await eventHeights(mesh, from, mesh.net.height())
  const toResolve = rows.map(r => (heights.get(r.id)?.resolved ?? NaN) - r.requested)
  const toCallback = rows.map(r => (heights.get(r.id)?.completed ?? NaN) - r.requested)
  return {
    requests,
    replicas: 3,
    quorum: 2,
    blocks_to_resolve: { p50: quantile(toResolve, 0.5), p99: quantile(toResolve, 0.99), max: Math.max(...toResolve), values: toResolve },
    blocks_to_callback: { p50: quantile(toCallback, 0.5), p99: quantile(toCallback, 0.99), max: Math.max(...toCallback), values: toCallback },
    send_to_closed_ms: { p50: Math.round(quantile(closedMs, 0.5)), p99: Math.round(quantile(closedMs, 0.99)) },
    execution_time_ms_p50: quantile(rows.map(r => r.timeMs), 0.5),
    breakdown: printed(breakdown(rows, heights, blockTimeMs)),
    goal: 'request → resolve ≤ 4 blocks plus execution time'
  }
}

/**
 * Where the blocks go, per stage, p50 over the requests, each against the protocol's floor of one block:
 * request (N) → the Q-th commit (N+1: the task's gossip, execution, the commit transaction) → resolve (N+2: the
 * reveals' gossip, the resolve transaction) → callback (N+3: the resumed yield). over_floor_ms is the blocks past
 * the floor × block time (the block wait a faster path could save); execution is the attested time, and submission
 * the requester's send until its request id was known.
 */
function breakdown (rows: Array<{ id: string, requested: number, timeMs: number, submitMs: number }>, heights: Map<string, Heights>, blockTimeMs: number): Record<string, unknown> {
  const stage = (of: (r: typeof rows[number], h: Heights) => number): Record<string, number> => {
    const blocks = rows.map(r => { const h = heights.get(r.id); return h == null ? NaN : of(r, h) }).filter(Number.isFinite)
    const p50 = quantile(blocks, 0.5)
    return { p50_blocks: p50, p99_blocks: quantile(blocks, 0.99), floor_blocks: 1, over_floor_ms_p50: (p50 - 1) * blockTimeMs }
  }
  const quorumCommit = (h: Heights): number => [...h.commits].sort((a, b) => a - b)[1] ?? NaN
  return {
    request_to_commits: { ...stage((r, h) => quorumCommit(h) - r.requested), holds: 'task gossip, execution, commit transaction' },
    commits_to_resolve: { ...stage((_r, h) => (h.resolved ?? NaN) - quorumCommit(h)), holds: 'reveal gossip, resolve transaction' },
    resolve_to_callback: { ...stage((_r, h) => (h.completed ?? NaN) - (h.resolved ?? NaN)), holds: 'the resumed yield and callback receipts' },
    execution_ms_p50: quantile(rows.map(r => r.timeMs), 0.5),
    request_submission_ms_p50: Number(quantile(rows.map(r => r.submitMs), 0.5).toFixed(1))
  }
}

/** says where the time goes, one line per stage, and returns the breakdown */
function printed (b: Record<string, unknown>): Record<string, unknown> {
  for (const [name, v] of Object.entries(b)) {
    const stage = v as { p50_blocks?: number, over_floor_ms_p50?: number, holds?: string }
    say(typeof v === 'object' ? `where the time goes: ${name} p50 ${stage.p50_blocks} blocks (floor 1, ${stage.over_floor_ms_p50} ms over it): ${stage.holds}` : `where the time goes: ${name} ${String(v)}`)
  }
  return b
}

/**
 * Offered rate → resumed rate and latency: `rate` requests a second (sent once a second, spread over the
 * requesters) for `seconds`, then waits for all; latency is send → the request closed, as the user sees it.
 */
async function sweep (mesh: LocalMesh, source: Record<string, unknown>, rates: number[], seconds: number, timeoutMs: number): Promise<Record<string, unknown>> {
  const points: Array<Record<string, unknown>> = []
  const profile = await startCpuProfile()
  for (const rate of rates) {
    const t0 = performance.now()
    const from = mesh.net.height()
    const waits: Array<Promise<{ ok: boolean, ms: number, id: string, requested: number } | undefined>> = []
    for (let s = 0; s < seconds; s++) {
      const tick = t0 + s * 1000
      await new Promise(resolve => setTimeout(resolve, Math.max(0, tick - performance.now())))
      const sentAt = performance.now()
      const batch = mesh.requestMany(Array.from({ length: rate }, (_, i) => ({ source, input_data: JSON.stringify({ count: 5, min: 1, max: 100, k: `${rate}-${s}-${i}` }), replicas: 3, quorum: 2 })))
      for (let i = 0; i < rate; i++) {
        waits.push(batch.then(async sent => {
          const view = await mesh.waitClosed(sent[i]!.requestId, timeoutMs)
          return { ok: (view.resolution as { success?: boolean } | null)?.success === true, ms: performance.now() - sentAt, id: sent[i]!.requestId, requested: Number(view.request?.block_height ?? NaN) }
        }).catch(() => undefined))
      }
    }
    const done = await Promise.all(waits)
    const elapsed = (performance.now() - t0) / 1000
    const ok = done.filter(d => d?.ok === true)
    const ms = ok.map(d => d!.ms)
    await mesh.net.produceBlocks(2) // let the last callbacks land
    const heights = await eventHeights(mesh, from, mesh.net.height())
    const blocks = ok.map(d => (heights.get(d!.id)?.completed ?? NaN) - d!.requested).filter(Number.isFinite)
    const point = {
      offered_per_s: rate,
      resumed_per_s: Number((ok.length / elapsed).toFixed(2)),
      sent: rate * seconds,
      resumed_ok: ok.length,
      failed_or_timed_out: done.length - ok.length,
      latency_ms: { p50: Math.round(quantile(ms, 0.5)), p99: Math.round(quantile(ms, 0.99)) },
      latency_blocks: { p50: quantile(blocks, 0.5), p99: quantile(blocks, 0.99) },
      ...resources()
    }
    say(`sweep: ${JSON.stringify(point)}`)
    points.push(point)
  }
  const cpu = await profile.stop()
  say(`sweep: main-thread CPU by area ${JSON.stringify(cpu.areas)}`)
  return { seconds_per_rate: seconds, timeout_ms: timeoutMs, points, main_thread_cpu: cpu }
}

async function throughput (mesh: LocalMesh, source: Record<string, unknown>, burst: number): Promise<Record<string, unknown>> {
  const t0 = performance.now()
  const sent = await mesh.requestMany(Array.from({ length: burst }, () => ({ source, input_data: INPUT, replicas: 3, quorum: 2 })))
  const sentS = (performance.now() - t0) / 1000
  say(`throughput: ${burst} requests sent in ${sentS.toFixed(1)} s; waiting for all to resolve`)
  const views = await Promise.all(sent.map(async s => await mesh.waitClosed(s.requestId, 300_000)))
  const seconds = (performance.now() - t0) / 1000
  const ok = views.filter(v => (v.resolution as { success?: boolean } | null)?.success === true).length
  return { requests: burst, resolved_ok: ok, seconds: Number(seconds.toFixed(2)), requests_per_second: Number((burst / seconds).toFixed(2)), send_seconds: Number(sentS.toFixed(2)) }
}

/** A cold build of a small C program against a peer fetch of the result (both real: Docker, libp2p). */
async function artifacts (mesh: LocalMesh, dir: string): Promise<Record<string, unknown>> {
  const repo = makeRepo(join(dir, 'repos'), 'sum', C_SUM)
  const daemon = await startGitDaemon(join(dir, 'repos'))
  try {
    const t0 = performance.now()
    const built = await buildFromGit({ repo: `${daemon.baseUrl}sum`, commit: repo.commit, dataDir: join(dir, 'build'), useCache: false, addressGuard: LOCAL_GIT_GUARD })
    const buildMs = performance.now() - t0
    const [a, b] = [mesh.nodes[1]!, mesh.nodes[2]!]
    // node a serves it from its artifact store; b fetches it over /outlayer/wasm/1.0.0 after a DHT provider lookup
    await a.mesh.provideWasm(built.wasm_hash).catch(() => {})
    const wasm = new Uint8Array(await readFile(built.path))
    await putArtifact(a, wasm)
    const t1 = performance.now()
    const fetched = await b.mesh.fetchWasm(built.wasm_hash, { providers: [a.mesh.peerId] })
    const fetchMs = performance.now() - t1
    if (fetched.length !== wasm.length) throw new Error('fetched wasm differs')
    return { wasm_bytes: wasm.length, build_ms: Math.round(buildMs), fetch_ms: Number(fetchMs.toFixed(1)), rebuild_over_fetch: Number((buildMs / fetchMs).toFixed(1)) }
  } finally {
    await daemon.stop()
  }
}

/** Puts bytes into a node's artifact store (the one its transfer server reads), the way a build or fetch would. */
async function putArtifact (node: NonNullable<LocalMesh['nodes'][number]>, wasm: Uint8Array): Promise<void> {
  const { createArtifactStore } = await import('../sandbox/builder/index.js')
  await createArtifactStore(join(node.config.dataDir, 'artifacts'), { maxBytes: 2 * 1024 * 1024 * 1024 }).put(wasm)
}

async function main (): Promise<void> {
  const nodes = arg('nodes', 10)
  const requests = arg('requests', 8)
  const burst = arg('burst', 20)
  const accessKeys = arg('access-keys', 4)
  // 0: each commit and resolve alone; above: batched, that many transactions of each kind in flight (node/chain/batcher.ts)
  const batchInFlight = arg('batch-in-flight', 0, 0)
  const seconds = arg('seconds', 10)
  const timeoutMs = arg('timeout-s', 60) * 1000
  const rates = list('rates', '2,5,10').map(Number)
  if (rates.some(r => !Number.isInteger(r) || r < 1)) throw new RangeError('--rates must be positive integers, comma-separated')
  const phases = new Set(list('phases', 'gossip,latency,throughput,sweep,artifacts'))
  const dir = await mkdtemp(join(tmpdir(), 'outlayer-bench-mesh-'))
  const result: Record<string, unknown> = {
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg_at_start: loadavg().map(x => Number(x.toFixed(2))) }
  }
  if (phases.has('gossip')) {
    say(`gossip dissemination across ${nodes} nodes`)
    result.gossip = await benchGossip(nodes, { messages: 60 })
  }

  const blockTimeMs = 500
  say(`starting a ${nodes}-node mesh (block every ${blockTimeMs} ms)`)
  // requesters spread the users' sends over accounts, access keys the workers' over keys (the lever measured)
  const mesh = await startLocalMesh({ nodes, blockTimeMs, accessKeys, batchInFlight, requesters: 4, progress: line => say(line), logLevel: 'error' })
  result.access_keys = accessKeys
  result.batch_in_flight = batchInFlight
  const peak = peakResources()
  result.resources_started = resources()
  try {
    const random = await mesh.example('random')
    const source = { WasmUrl: { url: random.url, hash: random.hash } }
    // each phase records its numbers or its error, so one failing phase never hides the others
    const phase = async (name: string, run: () => Promise<Record<string, unknown>>): Promise<void> => {
      if (!phases.has(name)) return
      try {
        result[name] = await run()
      } catch (err) {
        result[name] = { error: (err as Error).message }
      }
      say(`${name}: ${JSON.stringify(result[name])}`)
    }
    await phase('latency', async () => ({ nodes, block_time_ms: blockTimeMs, ...await latency(mesh, source, requests, blockTimeMs) }))
    await phase('throughput', async () => ({ nodes, block_time_ms: blockTimeMs, ...await throughput(mesh, source, burst) }))
    await phase('sweep', async () => ({ nodes, block_time_ms: blockTimeMs, ...await sweep(mesh, source, rates, seconds, timeoutMs) }))
    await phase('artifacts', async () => await artifacts(mesh, dir))
  } finally {
    result.resources_peak = peak.peak()
    peak.stop()
    await mesh.stop()
    await rm(dir, { recursive: true, force: true })
  }
  result.loadavg_at_end = loadavg().map(x => Number(x.toFixed(2)))
  const out = join(ROOT, 'bench', 'results', 'mesh.json')
  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true })
  await writeFile(out, JSON.stringify(result, null, 2) + '\n')
  say(`wrote ${out}`)
}

main().then(() => process.exit(0), (err: Error) => {
  process.stderr.write(`bench:mesh failed: ${err.stack ?? err.message}\n`)
  process.exit(1)
})
