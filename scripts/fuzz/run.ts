/** The fuzz loop: per target, cases until the time or iteration budget ends; reproducible from the seed. */
import { createRng } from './rng.js'
import { TARGETS, type Finding } from './targets.js'

export interface FuzzOptions {
  seed: number
  /** time budget for all chosen targets together, split evenly */
  seconds: number
  /** cap per target */
  iterations: number
  /** target names; default all */
  targets?: readonly string[]
  /** a case slower than this is a finding (a hang); default none */
  hangMs?: number
  /** stop a target after this many findings @default 5 */
  maxFindings?: number
  log?: (line: string) => void
}

export interface TargetReport { target: string, iterations: number, findings: Array<Finding & { iteration: number }> }

/** A case's Rng depends only on (seed, target, iteration), so any case replays alone. */
export const caseRng = (seed: number, target: string, iteration: number): ReturnType<typeof createRng> =>
  createRng(seed ^ [...target].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261), iteration)

export async function runFuzz (opts: FuzzOptions): Promise<TargetReport[]> {
  const chosen = opts.targets == null || opts.targets.length === 0 ? TARGETS : TARGETS.filter(t => opts.targets?.includes(t.name))
  const unknown = (opts.targets ?? []).filter(name => !TARGETS.some(t => t.name === name))
  if (unknown.length > 0) throw new RangeError(`unknown fuzz target ${unknown.join(', ')}; choose from ${TARGETS.map(t => t.name).join(', ')}`)
  const reports: TargetReport[] = []
  for (const target of chosen) {
    const { fuzzCase, close } = await target.setup()
    const report: TargetReport = { target: target.name, iterations: 0, findings: [] }
    const until = performance.now() + opts.seconds * 1000 / chosen.length
    try {
      for (let i = 0; i < opts.iterations && performance.now() < until && report.findings.length < (opts.maxFindings ?? 5); i++) {
        const started = performance.now()
        const finding = await fuzzCase(caseRng(opts.seed, target.name, i))
        const took = performance.now() - started
        report.iterations++
        if (finding != null) report.findings.push({ ...finding, iteration: i })
        else if (opts.hangMs != null && took > opts.hangMs) report.findings.push({ message: `slow case: ${Math.round(took)} ms`, input: '', iteration: i })
      }
    } finally {
      await close?.()
    }
    opts.log?.(`fuzz ${target.name}: ${report.iterations} cases, ${report.findings.length} findings`)
    for (const f of report.findings) opts.log?.(`  iteration ${f.iteration}: ${f.message}\n    input: ${f.input.slice(0, 2000)}`)
    reports.push(report)
  }
  return reports
}
