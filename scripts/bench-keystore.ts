/**
 * npm run bench:keystore — threshold release latency on localnet with real libp2p over TCP on 127.0.0.1: from a
 * pending request the worker is assigned to to the env vars in hand (fetchSecrets: signed request to every
 * member, each member's own chain checks, DLEQ-verified partials, Lagrange combination, decryption), for
 * t-of-n = 2-of-3 and 3-of-5. Baseline in the same run: single-key decryption (one key holding s, reading the
 * record from chain and decrypting in-process: what a single TEE keystore computes, without its network hop).
 * Writes bench/results/keystore.json. No transaction is sent by a release, so it adds no block to
 * request → callback.
 *
 * Everything runs in one process on a shared machine, so absolute times move with the load; the ratio to the
 * single-key baseline of the same run is the comparable number. BENCH_KEYSTORE_BEFORE=<keystore.json written by
 * this bench at an earlier commit, just before> embeds that run as `before`, next to this one's ratios.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { cpus, loadavg } from 'node:os'
import { Point, encryptSecrets, open, scalarFromWide, secretsLabel, type Accessor } from '../protocol/secrets/index.js'
import { NEAR, assignedWorkers, call, request, type Worker } from '../contract/test/world.js'
import { GroupCache, RecordCache, StreamPool, fetchSecrets, keystoreProtocol } from '../node/roles/keystore/index.js'
import { NETWORK, dkgAndPublish, startKeystoreWorld } from '../node/test/keystore/helpers.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { startCpuProfile, type CpuSummary } from './bench-profile.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const REQUESTS = 4
const ROUNDS = Number(process.env.BENCH_KEYSTORE_ROUNDS ?? 25)
const HASH = 'cd'.repeat(32)
const ACCESSOR: Accessor = { WasmHash: { hash: HASH } }
const LIMITS = { max_instructions: 1_000_000_000, max_memory_mb: 64, max_execution_seconds: 10 }
const log = (line: string): void => { process.stderr.write(`bench:keystore ${line}\n`) }

function quantile (xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN
}
const summary = (xs: number[]): { p50_ms: number, p99_ms: number, samples: number } =>
  ({ p50_ms: Number(quantile(xs, 0.5).toFixed(2)), p99_ms: Number(quantile(xs, 0.99).toFixed(2)), samples: xs.length })

type Summary = ReturnType<typeof summary>
const versus = (t: Summary, b: Summary): { p50_over_baseline_ms: number, p50_ratio_to_baseline: number } =>
  ({ p50_over_baseline_ms: Number((t.p50_ms - b.p50_ms).toFixed(2)), p50_ratio_to_baseline: Number((t.p50_ms / b.p50_ms).toFixed(2)) })

async function measure (threshold: number, members: number): Promise<Record<string, unknown>> {
  log(`${threshold}-of-${members}: starting localnet, ${members} keystore nodes, DKG`)
  const k = await startKeystoreWorld({ members, threshold, workers: 1 })
  try {
    const groupKey = await dkgAndPublish(k, threshold)
    const w = k.w
    const owner = w.users[0]!
    const env = { API_KEY: 'bench-secret', SALT: 'bench-salt' }
    const binding = { owner: owner.accountId, accessor: `wasm:${HASH}`, profile: 'default' }
    const blob = encryptSecrets(groupKey, binding, env)
    await call(w, owner, 'store_secrets', { accessor: ACCESSOR, profile: 'default', encrypted_secrets_base64: Buffer.from(blob).toString('base64'), access: 'AllowAll' }, NEAR / 10n)
    // the baseline's single key and its own copy of the record (same size, same chain read)
    const single = scalarFromWide(randomBytes(64))
    const singleBlob = encryptSecrets(Point.BASE.multiply(single).toBytes(), { ...binding, profile: 'single' }, env)
    await call(w, owner, 'store_secrets', { accessor: ACCESSOR, profile: 'single', encrypted_secrets_base64: Buffer.from(singleBlob).toString('base64'), access: 'AllowAll' }, NEAR / 10n)
    const ids: Array<{ id: number, worker: Worker }> = []
    for (let i = 0; i < REQUESTS; i++) {
      const r = await request(w, owner, { source: { WasmUrl: { url: 'https://example.com/e.wasm', hash: HASH } }, resource_limits: LIMITS, secrets_ref: { profile: 'default', account_id: owner.accountId }, redundancy: { replicas: 1, quorum: 1, aggregation: 'identical' } }, 2n * NEAR)
      r.done.catch(() => {})
      ids.push({ id: r.requestId, worker: (await assignedWorkers(w, r.requestId)).primaries[0]! })
    }
    // the worker's group and record caches and kept streams, as node.ts keeps them per node
    const groups = new GroupCache(k.chain)
    const records = new RecordCache(k.chain)
    const streams = new StreamPool(k.client, keystoreProtocol(NETWORK))
    const threshold_ms: number[] = []
    const baseline_ms: number[] = []
    // process CPU during the releases: members, worker and chain share this one process, so their work adds up
    let releaseCpuMs = 0
    // BENCH_KEYSTORE_PROFILE=1: where the releases' main-thread CPU goes (the baseline reads are sampled too)
    const profile = process.env.BENCH_KEYSTORE_PROFILE === '1' ? await startCpuProfile() : undefined
    for (let round = 0; round < ROUNDS; round++) {
      for (const { id, worker } of ids) {
        const cpu0 = process.cpuUsage()
        const t0 = performance.now()
        const got = await fetchSecrets({ libp2p: k.client, chain: k.chain, groups, records, streams, network: NETWORK, requestId: String(id), workerId: worker.id, workerKey: worker.key, owner: owner.accountId, profile: 'default', accessor: ACCESSOR })
          .catch(async (err: Error) => {
            const view = await w.view<Record<string, unknown>>('get_request', { request_id: id })
            throw new Error(`round ${round}, request ${id} at height ${w.net.height()}: ${err.message}; request status ${String(view?.status)}, resolution ${JSON.stringify(view?.resolution)}`, { cause: err })
          })
        threshold_ms.push(performance.now() - t0)
        const cpu = process.cpuUsage(cpu0)
        releaseCpuMs += (cpu.user + cpu.system) / 1000
        if (got.env.API_KEY !== env.API_KEY) throw new Error('release returned the wrong secrets')
        const t1 = performance.now()
        const record = await k.chain.getSecrets(owner.accountId, ACCESSOR, 'single')
        const plain = open(single, secretsLabel({ ...binding, profile: 'single' }), Buffer.from(record!.encrypted_secrets_base64, 'base64'))
        baseline_ms.push(performance.now() - t1)
        plain.fill(0)
      }
    }
    const where: CpuSummary | undefined = await profile?.stop()
    if (where != null) log(`${threshold}-of-${members} profile: ${JSON.stringify(where, null, 1)}`)
    const t = summary(threshold_ms)
    const b = summary(baseline_ms)
    log(`${threshold}-of-${members}: threshold p50 ${t.p50_ms} ms p99 ${t.p99_ms} ms; single-key baseline p50 ${b.p50_ms} ms p99 ${b.p99_ms} ms`)
    return { threshold, members, release: t, single_key_baseline: b, ...versus(t, b), release_cpu_ms_mean: Number((releaseCpuMs / threshold_ms.length).toFixed(2)) }
  } finally {
    await k.stop()
  }
}

const before = process.env.BENCH_KEYSTORE_BEFORE
const earlier = before != null ? JSON.parse(await readFile(before, 'utf8')) as { results: Array<{ release: Summary, single_key_baseline: Summary } & Record<string, unknown>>, machine: unknown, commit?: string } : undefined
const results = [await measure(2, 3), await measure(3, 5)]
const out = join(ROOT, 'bench', 'results', 'keystore.json')
await mkdir(dirname(out), { recursive: true })
await writeFile(out, JSON.stringify({
  what: 'fetchSecrets latency: pending assigned request → env vars (all keystore checks, DLEQ, combine, decrypt) vs single-key decrypt of the same record',
  goal: 'p50 ≤ 50 ms over the single-key baseline; releases send no transaction (0 blocks added)',
  machine: { cpus: cpus().length, loadavg: loadavg().map(x => Number(x.toFixed(2))), node: process.version },
  samples_per_config: ROUNDS * REQUESTS,
  results,
  ...(earlier != null
    ? {
        before: {
          commit: process.env.BENCH_KEYSTORE_BEFORE_COMMIT ?? earlier.commit,
          machine: earlier.machine,
          results: earlier.results.map(r => ({ threshold: r.threshold, members: r.members, release: r.release, single_key_baseline: r.single_key_baseline, ...versus(r.release, r.single_key_baseline) }))
        }
      }
    : {})
}, null, 2) + '\n')
log(`wrote ${out}`)
