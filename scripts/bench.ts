/**
 * npm run bench — every benchmark, one after another, each in its own process so that one's pools, servers and
 * JIT state never colour another's numbers. Each writes its own bench/results/<name>.json; this prints where.
 * `npm run bench -- exec localnet` runs only those.
 */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const ALL = ['exec', 'build', 'localnet', 'mesh', 'keystore', 'node-memory', 'fuzz', 'sim'] as const
type BenchName = typeof ALL[number]

const asked = process.argv.slice(2)
const unknown = asked.filter(name => !(ALL as readonly string[]).includes(name))
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')}; choose from ${ALL.join(', ')}\n`)
  process.exit(2)
}
const chosen: readonly BenchName[] = asked.length > 0 ? asked as BenchName[] : ALL

const failed: string[] = []
for (const name of chosen) {
  process.stderr.write(`\nbench: ${name}\n`)
  const run = spawnSync(process.execPath, ['--no-liftoff', '--import', 'tsx', '--import', './polyfill.mjs', `scripts/bench-${name}.ts`],
    { cwd: ROOT, stdio: 'inherit' })
  if (run.status !== 0) failed.push(name)
  else process.stderr.write(`bench: ${name} → bench/results/${name}.json\n`)
}
if (failed.length > 0) {
  process.stderr.write(`bench: failed: ${failed.join(', ')}\n`)
  process.exit(1)
}
