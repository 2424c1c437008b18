/**
 * npm run fuzz [-- --seed N] [--seconds S] [--iterations N] [--target envelope,rpc,request,prescan]
 * Bounded, seeded, reproducible fuzzing of what reads untrusted bytes: the gossip envelope validator
 * (node/p2p/validation), the localnet JSON-RPC handler (localnet/rpc), protocol's request and source validators,
 * and the wasm pre-scan (sandbox/exec/prescan.ts). Prints the seed first; the same seed replays the same cases.
 * Exits 1 if any target broke its contract, with each finding's iteration and input.
 */
import { runFuzz } from './fuzz/run.js'
import { TARGETS } from './fuzz/targets.js'

function arg (name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? undefined : process.argv[i + 1]
}

const seed = Number(arg('seed') ?? Math.floor(Math.random() * 2 ** 31))
const seconds = Number(arg('seconds') ?? 20)
const iterations = Number(arg('iterations') ?? 1_000_000)
if (!Number.isInteger(seed) || !(seconds > 0) || !Number.isInteger(iterations) || iterations < 1) {
  process.stderr.write('usage: npm run fuzz -- [--seed <int>] [--seconds <n>] [--iterations <n>] [--target <name,...>]\n')
  process.exit(2)
}
const targets = arg('target')?.split(',').filter(t => t !== '')
const unknown = (targets ?? []).filter(t => !TARGETS.some(known => known.name === t))
if (unknown.length > 0) {
  process.stderr.write(`fuzz: unknown target ${unknown.join(', ')}; choose from ${TARGETS.map(t => t.name).join(', ')}\n`)
  process.exit(2)
}
process.stdout.write(`fuzz seed ${seed} (replay: npm run fuzz -- --seed ${seed}${targets != null ? ` --target ${targets.join(',')}` : ''})\n`)
const reports = await runFuzz({ seed, seconds, iterations, targets, hangMs: 5_000, log: line => process.stdout.write(`${line}\n`) })
const findings = reports.reduce((n, r) => n + r.findings.length, 0)
process.stdout.write(`fuzz: ${reports.map(r => `${r.target} ${r.iterations}`).join(', ')} cases; ${findings} findings\n`)
process.exit(findings > 0 ? 1 : 0)
