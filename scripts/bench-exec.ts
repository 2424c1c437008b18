/**
 * npm run bench:exec — what metering costs. For each bench example, in one process (--no-liftoff), the median
 * wall time of:
 *   raw       the same wasm, uninstrumented, in V8 with a minimal plain WASI (instantiate + _start);
 *   metered   the instrumented module with our deterministic WASI, in this thread (runJob);
 *   pool      the same through execute() on a warm worker pool (worker-measured run time);
 * the ratio metered/raw per program and the median ratio; and the warm start: a cached instrumented module
 * → its first instruction (execute() of an empty `_start` on a warm pool, and disk cache → compile →
 * instantiate in this thread); the same programs as preview2 components against jco + preview2-shim
 * (bench-exec/components.ts); HTTP overhead per call against a bare fetch (bench-exec/http.ts). Prints tables and
 * writes bench/results/exec.json.
 */
import { randomFillSync } from 'node:crypto'
import { loadavg } from 'node:os'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sha256Hex } from '../protocol/hash.js'
import { cacheKey, readCached } from '../sandbox/exec/cache.js'
import { createExecutor, INSTRUMENTER_VERSION } from '../sandbox/exec/index.js'
import { runJob, type JobRequest } from '../sandbox/exec/job.js'
import { Wasm, type WasmMemory, type WasmModule } from '../sandbox/exec/wasm-api.js'
import { ensureExamples, type ExampleName } from './build-examples.js'
import { benchComponents, type ComponentRow } from './bench-exec/components.js'
import { benchHttp, type HttpRow } from './bench-exec/http.js'
import { log, median, meteredMedians, round } from './bench-exec/stats.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = Number(process.env.BENCH_EXEC_RUNS ?? 7)
const PROGRAMS: Array<[ExampleName, string]> = [
  ['bench-sha256', '{"bytes":2097152,"rounds":2}'],
  ['bench-json', '{"items":2000,"rounds":4}'],
  ['bench-fib', '{"n":33}'],
  ['bench-matmul', '{"n":200}']
]

class Exit { constructor (readonly code: number) {} }

/** The baseline's WASI: just enough for the examples, no determinism, no caps. */
function plainWasi (input: Uint8Array, memory: () => WasmMemory): Record<string, (...a: number[]) => number> {
  let offset = 0
  const view = (): DataView => new DataView(memory().buffer)
  const iovs = (ptr: number, n: number): Array<[number, number]> =>
    Array.from({ length: n }, (_, i) => [view().getUint32(ptr + i * 8, true), view().getUint32(ptr + i * 8 + 4, true)])
  const fns: Record<string, (...a: number[]) => number> = {
    fd_write: (_fd, ptr, n, out) => { let t = 0; for (const [, len] of iovs(ptr, n)) t += len; view().setUint32(out, t, true); return 0 },
    fd_read: (_fd, ptr, n, out) => {
      let t = 0
      for (const [p, len] of iovs(ptr, n)) { const k = Math.min(len, input.length - offset); new Uint8Array(memory().buffer, p, k).set(input.subarray(offset, offset + k)); offset += k; t += k }
      view().setUint32(out, t, true)
      return 0
    },
    proc_exit: code => { throw new Exit(code) },
    random_get: (ptr, len) => { randomFillSync(new Uint8Array(memory().buffer, ptr, len)); return 0 },
    clock_time_get: (_id, _p, ptr) => { view().setBigUint64(ptr, process.hrtime.bigint(), true); return 0 },
    args_sizes_get: (a, b) => { view().setUint32(a, 0, true); view().setUint32(b, 0, true); return 0 },
    environ_sizes_get: (a, b) => { view().setUint32(a, 0, true); view().setUint32(b, 0, true); return 0 }
  }
  return new Proxy(fns, { get: (t, name: string) => t[name] ?? (() => 52) })
}

function runRaw (module: WasmModule, input: Uint8Array): number {
  const started = performance.now()
  let memory: WasmMemory | null = null
  const instance = new Wasm.Instance(module, { wasi_snapshot_preview1: plainWasi(input, () => memory as WasmMemory) })
  memory = instance.exports.memory as WasmMemory
  try { (instance.exports._start as () => void)() } catch (err) { if (!(err instanceof Exit)) throw err }
  return performance.now() - started
}

function request (input: string): JobRequest {
  return { input: new TextEncoder().encode(input), fuel: 10n ** 11n, memoryMb: 256, seed: new Uint8Array(32), timestampNs: 0n, env: {}, args: ['program'] }
}

async function main (): Promise<void> {
  const paths = await ensureExamples(log)
  const cacheDir = join(root, '.cache', 'bench-instrumented')
  const executor = createExecutor({ workers: 1, cacheDir })
  const programs: Array<Record<string, unknown>> = []
  try {
    for (const [name, input] of PROGRAMS) {
      const wasm = new Uint8Array(await readFile(paths[name]))
      const first = await executor.execute(wasm, { input, fuel: 10n ** 11n, memoryMb: 256 }) // instruments, caches, warms the worker
      if (first.status !== 'ok') throw new Error(`${name}: ${first.status} ${first.message ?? ''}`)
      const raw = await Wasm.compile(wasm)
      const instrumented = await Wasm.compile(await readCached(cacheDir, cacheKey(sha256Hex(wasm))) as Uint8Array)
      const times = { raw: [] as number[], metered: [] as number[], pool: [] as number[] }
      for (let i = 0; i < RUNS; i++) {
        times.raw.push(runRaw(raw, new TextEncoder().encode(input)))
        const started = performance.now()
        const r = runJob(instrumented, request(input))
        times.metered.push(performance.now() - started)
        if (r.status !== 'ok') throw new Error(`${name} metered: ${r.status}`)
        times.pool.push((await executor.execute(wasm, { input, fuel: 10n ** 11n, memoryMb: 256 })).wall_ms)
      }
      const row = {
        program: name,
        input: JSON.parse(input) as unknown,
        fuel_used: first.fuel_used.toString(),
        raw_ms: round(median(times.raw)),
        ...meteredMedians({ baseline: times.raw, metered: times.metered, pool: times.pool })
      }
      log(`${name}: raw ${row.raw_ms} ms, metered ${row.metered_ms} ms (${row.ratio}×), pool ${row.pool_ms} ms`)
      programs.push(row)
    }
    const warm = await warmStart(executor, cacheDir)
    const componentRows = await benchComponents({ executor, cacheDir, paths, programs: PROGRAMS, runs: RUNS, request })
    const components = {
      programs: componentRows,
      median_ratio: round(median(componentRows.map(p => p.ratio))),
      median_pool_ratio: round(median(componentRows.map(p => p.pool_ratio)))
    }
    const http = await benchHttp({ cacheDir, runs: 3 * RUNS }) // ~50 ms a run: more runs, steadier medians
    const result = {
      bench: 'exec',
      at: new Date().toISOString(),
      node: process.version,
      instrumenter_version: INSTRUMENTER_VERSION,
      runs: RUNS,
      programs,
      median_ratio: round(median(programs.map(p => p.ratio as number))),
      median_pool_ratio: round(median(programs.map(p => p.pool_ratio as number))),
      warm_start: warm,
      components,
      http,
      load_average: loadavg().map(x => round(x)),
      goals: { median_ratio: 1.3, warm_start_ms: 5, components_median_ratio: 1.3 }
    }
    await mkdir(join(root, 'bench', 'results'), { recursive: true })
    await writeFile(join(root, 'bench', 'results', 'exec.json'), `${JSON.stringify(result, null, 2)}\n`)
    printTable(result)
    printComponents(components)
    printHttp(http)
  } finally {
    await executor.close()
  }
}

/** Cached instrumented module → first instruction, for a module whose _start returns at once. */
async function warmStart (executor: ReturnType<typeof createExecutor>, cacheDir: string): Promise<Record<string, number>> {
  // (module (memory (export "memory") 1) (func (export "_start")))
  const empty = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 3, 1, 0, 1, 7, 19, 2, 6, 109, 101, 109, 111, 114, 121, 2, 0, 6, 95, 115, 116, 97, 114, 116, 0, 0, 10, 4, 1, 2, 0, 11])
  await executor.execute(empty)
  const pool: number[] = []
  const disk: number[] = []
  for (let i = 0; i < 20; i++) {
    let started = performance.now()
    await executor.execute(empty)
    pool.push(performance.now() - started)
    started = performance.now()
    const bytes = await readCached(cacheDir, cacheKey(sha256Hex(empty))) as Uint8Array
    runJob(await Wasm.compile(bytes), request(''))
    disk.push(performance.now() - started)
  }
  return { pool_execute_ms: round(median(pool), 3), disk_cache_to_start_ms: round(median(disk), 3) }
}

function writeColumns (rows: string[][]): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map(row => row[i]?.length ?? 0))) ?? []
  for (const row of rows) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}\n`)
}

function printTable (r: { programs: Array<Record<string, unknown>>, median_ratio: number, median_pool_ratio: number, warm_start: Record<string, number> }): void {
  writeColumns([['program', 'raw ms', 'metered ms', 'ratio', 'pool ms', 'pool ratio', 'fuel'],
    ...r.programs.map(p => [p.program, p.raw_ms, p.metered_ms, `${String(p.ratio)}×`, p.pool_ms, `${String(p.pool_ratio)}×`, p.fuel_used].map(String))])
  process.stdout.write(`median ratio ${r.median_ratio}× (pool ${r.median_pool_ratio}×); warm start: execute() ${r.warm_start.pool_execute_ms} ms, disk cache → _start ${r.warm_start.disk_cache_to_start_ms} ms\n`)
}

function printComponents (c: { programs: ComponentRow[], median_ratio: number, median_pool_ratio: number }): void {
  writeColumns([['component', 'shim ms', 'metered ms', 'ratio', 'pool ms', 'pool ratio', 'first execute / cache → compiled / shim prepare ms'],
    ...c.programs.map(p => [p.program, p.shim_ms, p.metered_ms, `${p.ratio}×`, p.pool_ms, `${p.pool_ratio}×`, `${p.prepare_ms.first_execute} / ${p.prepare_ms.cache_to_compiled} / ${p.prepare_ms.shim}`].map(String))])
  process.stdout.write(`components: median metered/shim ${c.median_ratio}× (pool ${c.median_pool_ratio}×)\n`)
}

function printHttp (h: HttpRow): void {
  process.stdout.write(`http: ${h.calls_per_run} GETs per run, bare fetch ${h.bare_fetch_ms_per_call} ms/call, through the host ${h.host_ms_per_call} ms/call: +${h.overhead_ms_per_call} ms (${h.ratio}×)\n`)
}

await main()
