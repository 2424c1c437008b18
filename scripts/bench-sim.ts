/**
 * `npm run bench:sim`: wall time and peak RSS of the scale-1000 scenario with 100 requests (issue 14: goals
 * 1,000 nodes in ≤ 8 GB and ≤ 10 minutes on the 2-core machine, 100 % of requests resumed with no faults,
 * gossip delivery 100 %). Runs `sim/main.ts` in its own process exactly as `outlayer sim` does; writes
 * bench/results/sim.json. `-- --nodes N --requests K` runs a smaller version (the result says which);
 * `-- --scenario baseline-100` runs another shipped scenario (sim/scenarios/<name>.json) with its own request count.
 */
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { simProcessArgs } from '../sim/cli.js'
import type { RunReport } from '../sim/runner/types.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const GOALS = { maxWallS: 600, maxPeakRssGB: 8 }

function flag (name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

async function main (): Promise<void> {
  const out = await mkdtemp(join(tmpdir(), 'outlayer-bench-sim-'))
  const name = flag('scenario') ?? 'scale-1000'
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`--scenario takes a shipped scenario's name (sim/scenarios/<name>.json), not ${name}`)
  // scale-1000's goal is stated for 100 requests; another scenario keeps its own count unless --requests says
  const requests = flag('requests') ?? (name === 'scale-1000' ? '100' : undefined)
  const extra = [...(flag('nodes') != null ? ['--nodes', flag('nodes')!] : []), ...(requests != null ? ['--requests', requests] : [])]
  const started = Date.now()
  const child = spawn(process.execPath, simProcessArgs(['--scenario', join(ROOT, `sim/scenarios/${name}.json`), ...extra, '--out', out]), { stdio: ['ignore', 'inherit', 'inherit'] })
  const code = await new Promise<number | null>(resolve => child.on('exit', resolve))
  const wallS = (Date.now() - started) / 1000
  if (code !== 0) throw new Error(`sim exited ${code}`)
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as RunReport
  const f = report.figures
  const peakRssGB = f.peakRssBytes / 2 ** 30
  const result = {
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg_at_end: loadavg().map(x => Number(x.toFixed(2))) },
    scenario: report.scenario.name, nodes: report.scenario.nodes, requests: report.scenario.requests, mode: report.mode,
    wall_s: Number(wallS.toFixed(1)), peak_rss_gb: Number(peakRssGB.toFixed(2)),
    resumed: f.safety.resumed, refunded: f.safety.refunded, pending: f.safety.pending, wrong_resumes: f.safety.wrongResumes,
    gossip_delivery_ratio: f.gossip.deliveryRatio, gossip_p99_ms: f.gossip.p99Ms, baseline_p99_ms: f.baseline?.p99Ms ?? null, gossip_p99_ratio: f.gossipP99Ratio,
    latency_blocks_p50: f.latencyBlocks.p50, latency_blocks_p99: f.latencyBlocks.p99,
    goals: { ...GOALS, wall_ok: wallS <= GOALS.maxWallS, rss_ok: peakRssGB <= GOALS.maxPeakRssGB, all_resumed: f.safety.resumed === f.safety.requests, full_delivery: f.gossip.deliveryRatio === 1 }
  }
  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true })
  await writeFile(join(ROOT, 'bench', 'results', name === 'scale-1000' ? 'sim.json' : `sim-${name}.json`), JSON.stringify(result, null, 2) + '\n')
  process.stderr.write(`[bench:sim] ${JSON.stringify(result)}\n`)
  await rm(out, { recursive: true, force: true })
}

main().then(() => process.exit(0), (err: Error) => {
  process.stderr.write(`bench:sim failed: ${err.stack ?? err.message}\n`)
  process.exit(1)
})
