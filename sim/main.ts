/**
 * The simulator's process entry: `outlayer sim` spawns this file with the adapter's module hook (scale mode)
 * so the node code is loaded onto simulated links. Arguments as for `outlayer sim`; writes report.json and
 * report.html into --out and prints the safety figures on stdout. Exit 0 ok, 2 bad scenario or flags, 1 failed.
 * The report is written whatever happens once the scenario loaded: a run that failed, or was stopped with Ctrl-C
 * (SIGINT or SIGTERM; a second one exits at once), writes what it saw, marked partial, and exits 1.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { SimError } from './errors.js'
import { progressBar } from './runner/progress.js'
import { runScenario } from './runner/run.js'
import { renderReportHtml } from './report/html.js'
import { loadScenario } from './scenario/load.js'

const FLAGS: Record<string, { key: string, parse: (v: string) => unknown }> = {
  '--nodes': { key: 'nodes', parse: Number },
  '--replicas': { key: 'replicas', parse: Number },
  '--quorum': { key: 'quorum', parse: Number },
  '--requests': { key: 'requests', parse: Number },
  '--rate': { key: 'ratePerSec', parse: Number },
  '--block-time-ms': { key: 'blockTimeMs', parse: Number },
  '--seed': { key: 'seed', parse: Number },
  '--mode': { key: 'mode', parse: (v) => v }
}

export interface SimArgs { scenario?: string, out: string, overrides: Record<string, unknown>, quiet: boolean }

export function parseSimArgs (argv: string[]): SimArgs {
  const args: SimArgs = { out: 'sim-out', overrides: {}, quiet: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const value = (): string => {
      const v = argv[++i]
      if (v == null) throw new SimError('BAD_SCENARIO', `${a} needs a value`)
      return v
    }
    if (a === '--scenario') args.scenario = value()
    else if (a === '--out') args.out = value()
    else if (a === '--quiet') args.quiet = true
    else if (FLAGS[a] != null) args.overrides[FLAGS[a].key] = FLAGS[a].parse(value())
    else throw new SimError('BAD_SCENARIO', `unknown flag ${a}`)
  }
  return args
}

async function main (): Promise<number> {
  let args: SimArgs
  let scenario
  try {
    args = parseSimArgs(process.argv.slice(2))
    scenario = await loadScenario(args.scenario, args.overrides)
  } catch (err) {
    process.stderr.write(`sim: ${(err as Error).message}\n`)
    return 2
  }
  const out = resolve(args.out)
  await mkdir(out, { recursive: true })
  const stop = new AbortController()
  const onSignal = (): void => {
    if (stop.signal.aborted) process.exit(130)
    process.stderr.write('sim: stopping; the report of what ran so far follows (again to quit at once)\n')
    stop.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const report = await runScenario(scenario, { progress: progressBar(process.stderr, !args.quiet), signal: stop.signal })
  await writeFile(join(out, 'report.json'), JSON.stringify(report, null, 2) + '\n')
  await writeFile(join(out, 'report.html'), renderReportHtml(report))
  const f = report.figures
  process.stdout.write(JSON.stringify({
    scenario: scenario.name, mode: report.mode, seed: report.seed, safety: { ...f.safety, outcomes: undefined }, slashes: f.slashes,
    latencyBlocks: { p50: f.latencyBlocks.p50, p99: f.latencyBlocks.p99 }, gossip: { deliveryRatio: f.gossip.deliveryRatio, p50Ms: f.gossip.p50Ms, p99Ms: f.gossip.p99Ms, duplicatesPerDelivery: f.gossip.duplicatesPerDelivery },
    gossipP99Ratio: f.gossipP99Ratio, peakRssMB: Math.round(f.peakRssBytes / 2 ** 20), wallS: Math.round(report.wallMs / 1000), out,
    partial: report.partial
  }) + '\n')
  return stop.signal.aborted || report.errors.some(e => e.where === 'setup' || e.where === 'run') ? 1 : 0
}

main().then(code => process.exit(code), (err: Error) => {
  process.stderr.write(`sim failed: ${err.stack ?? err.message}\n`)
  process.exit(1)
})
