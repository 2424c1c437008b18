/**
 * npm run bench -- fuzz: the long fuzz pass (60 s per target by default, FUZZ_SECONDS to change) with a fresh
 * seed, written to bench/results/fuzz.json with the seed, so any finding replays with `npm run fuzz -- --seed`.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runFuzz } from './fuzz/run.js'
import { TARGETS } from './fuzz/targets.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))
const perTarget = Number(process.env.FUZZ_SECONDS ?? 60)
process.stdout.write(`fuzz seed ${seed}, ${perTarget} s per target\n`)
const started = performance.now()
const reports = await runFuzz({ seed, seconds: perTarget * TARGETS.length, iterations: 10_000_000, hangMs: 5_000, log: line => process.stdout.write(`${line}\n`) })
const result = {
  seed,
  seconds: Math.round((performance.now() - started) / 1000),
  targets: reports.map(r => ({ target: r.target, cases: r.iterations, findings: r.findings }))
}
await mkdir(join(root, 'bench', 'results'), { recursive: true })
await writeFile(join(root, 'bench', 'results', 'fuzz.json'), `${JSON.stringify(result, null, 2)}\n`)
if (reports.some(r => r.findings.length > 0)) process.exit(1)
