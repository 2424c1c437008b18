import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureExamples } from '../../../scripts/build-examples.js'
import { createExecutor } from '../../exec/index.js'
import { commandToComponent, seedProbe } from './components.js'
import { command, repoRoot, runNode, tempDir, wabtReady } from './helpers.js'

const childScript = join(repoRoot, 'sandbox', 'test', 'exec', 'child-run.ts')

/** Runs child-run.ts under the given V8 flags; resolves with its JSON lines. */
async function runChild (v8Flags: string[], cacheDir: string, jobsFile: string): Promise<Array<Record<string, string>>> {
  const { code, stdout, stderr } = await runNode([...v8Flags, '--import', 'tsx', '--import', join(repoRoot, 'polyfill.mjs'), childScript, cacheDir, jobsFile])
  if (code !== 0) throw new Error(`child ${v8Flags.join(' ')} exited ${code}: ${stderr.slice(-500)}`)
  return stdout.trim().split('\n').map(l => JSON.parse(l) as Record<string, string>)
}

describe('sandbox/exec determinism across processes and V8 tiers', function () {
  this.timeout(900_000)
  const dir = tempDir('determinism')
  after(() => { dir.remove() })

  it('gives the same result hashes, fuel and out-of-fuel points in separate processes, Liftoff-only and TurboFan-only, for commands and components', async () => {
    await wabtReady
    const examples = await ensureExamples()
    const counterPath = join(dir.path, 'counter.wasm')
    writeFileSync(counterPath, command('(loop $l (call $out (i32.const 1) (i32.const 1024) (i32.const 1)) (br $l))', { data: 'x' }))
    // the same programs as components (preview1 + adapter), and a JS component (componentize-js)
    const asComponent = async (wasm: Uint8Array, name: string): Promise<string> => {
      const path = join(dir.path, `${name}.component.wasm`)
      writeFileSync(path, await commandToComponent(wasm))
      return path
    }
    const randomComponent = await asComponent(readFileSync(examples.random), 'random')
    const fibComponent = await asComponent(readFileSync(examples['bench-fib']), 'fib')
    const counterComponent = await asComponent(readFileSync(counterPath), 'counter')
    // the JS probe is prepared once for the suite (components.ts) and seeded into both caches below; the adapter
    // components go through the same split, admission and instrumentation, in every process
    const shared = join(dir.path, 'shared')
    const fresh = join(dir.path, 'fresh')
    const probe = await seedProbe(shared)
    await seedProbe(fresh)
    const seedA = 'a1'.repeat(32)
    const jobs = [
      { wasm: examples.random, opts: { input: '{"count":8,"min":1,"max":1000}', seed: seedA } },
      { wasm: examples.random, opts: { input: '{"count":8,"min":1,"max":1000}', seed: 'b2'.repeat(32) } },
      { wasm: examples['bench-fib'], opts: { input: '{"n":22}' } },
      { wasm: examples['bench-matmul'], opts: { input: '{"n":40}' } },
      { wasm: examples['bench-json'], opts: { input: '{"items":200,"rounds":2}' } },
      { wasm: examples['bench-sha256'], opts: { input: '{"bytes":100000,"rounds":2}' } },
      { wasm: examples['bench-matmul'], opts: { input: '{"n":60}', fuel: '3000000' } },
      { wasm: counterPath, opts: { fuel: '123457' } },
      { wasm: randomComponent, opts: { input: '{"count":8,"min":1,"max":1000}', seed: seedA } },
      { wasm: fibComponent, opts: { input: '{"n":22}' } },
      { wasm: counterComponent, opts: { fuel: '123457' } },
      { wasm: probe, opts: { input: '{"mode":"report"}', seed: seedA } },
      { wasm: probe, opts: { input: '{"mode":"loop"}', fuel: '200000000' } }
    ]
    const jobsFile = join(dir.path, 'jobs.json')
    writeFileSync(jobsFile, JSON.stringify(jobs))
    // this process instruments into a shared cache the Liftoff child reuses; one TurboFan child instruments
    // on its own (every program but the seeded JS probe), so instrumentation itself is compared across processes too
    const executor = createExecutor({ workers: 1, cacheDir: shared })
    const here = []
    try {
      for (const job of jobs) {
        const { fuel, ...opts } = job.opts
        const r = await executor.execute(new Uint8Array(readFileSync(job.wasm)), { ...opts, ...(fuel != null ? { fuel: BigInt(fuel) } : {}) })
        here.push({ status: r.status, fuel_used: r.fuel_used.toString(), result_hash: r.result_hash, stdout: Buffer.from(r.stdout).toString('hex') })
      }
    } finally {
      await executor.close()
    }
    const [turbo1, liftoff] = await Promise.all([
      runChild(['--no-liftoff'], fresh, jobsFile),
      runChild(['--liftoff-only'], shared, jobsFile)
    ])
    const turbo2 = here
    assert.equal(turbo1?.length, jobs.length)
    jobs.forEach((job, i) => {
      const label = `job ${i} (${job.wasm.split('/').pop()} ${JSON.stringify(job.opts)})`
      assert.deepEqual(turbo2[i], turbo1?.[i], `${label}: two TurboFan processes`)
      assert.deepEqual(liftoff?.[i], turbo1?.[i], `${label}: Liftoff vs TurboFan`)
    })
    const statuses = turbo1?.map(r => r.status)
    assert.deepEqual(statuses, ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'out_of_fuel', 'out_of_fuel', 'ok', 'ok', 'out_of_fuel', 'ok', 'out_of_fuel'])
    assert.equal(turbo1?.[8]?.stdout, turbo1?.[0]?.stdout, 'random as a component prints what the command prints')
    assert.notEqual(turbo1?.[0]?.stdout, turbo1?.[1]?.stdout, 'another seed gives other numbers')
    assert.ok((turbo1?.[7]?.stdout.length ?? 0) > 100, 'the counter printed before running out')
  })
})
