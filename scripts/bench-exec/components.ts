/**
 * Components: each bench program as a preview2 command component (the preview1 command wrapped with the
 * preview1 adapter, sandbox/exec/component/adapter.ts), run warm by
 *   metered   our executor's component run in this thread (runComponentJob: instrumented cores, shared meters,
 *             our deterministic preview2 host), from a prepared component;
 *   pool      the same through execute() on the warm worker pool (worker-measured run time);
 *   shim      the same component transpiled by jco and run on preview2-shim (shim-baseline.ts), no metering.
 * Outputs must be equal. Preparation (ours: admission + instrumentation + cache; the shim's: transpile + compile)
 * is timed once, apart from the runs.
 */
import { readFile } from 'node:fs/promises'
import { commandToComponent } from '../../sandbox/exec/component/adapter.js'
import { runComponentJob } from '../../sandbox/exec/component/run.js'
import type { Executor } from '../../sandbox/exec/index.js'
import type { JobRequest } from '../../sandbox/exec/job.js'
import { PreparePool } from '../../sandbox/exec/prepare-pool.js'
import { Preparer } from '../../sandbox/exec/prepare.js'
import type { ExampleName } from '../build-examples.js'
import { shimComponent } from './shim-baseline.js'
import { log, median, meteredMedians, round, timed } from './stats.js'

export interface ComponentBench {
  executor: Executor
  cacheDir: string
  paths: Record<ExampleName, string>
  programs: Array<[ExampleName, string]>
  runs: number
  request: (input: string) => JobRequest
}

export interface ComponentRow {
  program: string
  component_bytes: number
  /** ours: the first execute() (a preparation on a cold cache, else a disk read) and disk cache → compiled; shim: transpile + compile */
  prepare_ms: { first_execute: number, cache_to_compiled: number, shim: number }
  fuel_used: string
  shim_ms: number
  metered_ms: number
  pool_ms: number
  ratio: number
  pool_ratio: number
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b))

export async function benchComponents (bench: ComponentBench): Promise<ComponentRow[]> {
  const pool = new PreparePool()
  const preparer = new Preparer(bench.cacheDir, pool)
  const rows: ComponentRow[] = []
  try {
    for (const [name, input] of bench.programs) {
      const component = await commandToComponent(new Uint8Array(await readFile(bench.paths[name])))
      const opts = { input, fuel: 10n ** 11n, memoryMb: 256 }
      let started = performance.now()
      const first = await bench.executor.execute(component, opts) // prepares (or reads the cache), warms the worker
      const firstExecuteMs = performance.now() - started
      if (first.status !== 'ok') throw new Error(`${name} component: ${first.status} ${first.message ?? ''}`)
      started = performance.now()
      const prepared = await preparer.prepareComponent(component) // from the disk cache the executor wrote
      const cacheToCompiledMs = performance.now() - started
      const shim = await shimComponent(component)
      const inputBytes = new TextEncoder().encode(input)
      const times = { shim: [] as number[], metered: [] as number[], pool: [] as number[] }
      for (let i = 0; i < bench.runs; i++) {
        const plain = timed(() => shim.run(inputBytes))
        times.shim.push(plain.ms)
        const ours = timed(() => runComponentJob(prepared, bench.request(input)))
        times.metered.push(ours.ms)
        if (ours.value.status !== 'ok') throw new Error(`${name} metered component: ${ours.value.status} ${ours.value.message ?? ''}`)
        if (plain.value.exitCode !== 0 || !sameBytes(plain.value.stdout, ours.value.stdout)) throw new Error(`${name}: the shim's output differs from ours (exit ${plain.value.exitCode})`)
        times.pool.push((await bench.executor.execute(component, opts)).wall_ms)
      }
      const row: ComponentRow = {
        program: name,
        component_bytes: component.length,
        prepare_ms: { first_execute: round(firstExecuteMs), cache_to_compiled: round(cacheToCompiledMs), shim: round(shim.prepareMs) },
        fuel_used: first.fuel_used.toString(),
        shim_ms: round(median(times.shim)),
        ...meteredMedians({ baseline: times.shim, metered: times.metered, pool: times.pool })
      }
      log(`${name} component: shim ${row.shim_ms} ms, metered ${row.metered_ms} ms (${row.ratio}×), pool ${row.pool_ms} ms; first execute() ${row.prepare_ms.first_execute} ms, cache → compiled ${row.prepare_ms.cache_to_compiled} ms, shim transpile + compile ${row.prepare_ms.shim} ms`)
      rows.push(row)
    }
  } finally {
    await pool.close()
  }
  return rows
}
