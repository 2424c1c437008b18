/**
 * `outlayer sim` stopped part way (Ctrl-C, SIGINT to its process) still writes report.json and report.html with what
 * the run saw, marked partial, and exits 1: during setup (no request sent) and while requests run.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { simProcessArgs } from '../../cli.js'
import type { RunReport } from '../../runner/types.js'

// slow on purpose: the run is still sending requests when it is interrupted
const SCENARIO = { name: 'interrupted', seed: 3, nodes: 3, replicas: 1, quorum: 1, requests: 10, ratePerSec: 0.1, blockTimeMs: 300, mode: 'real' }

/** Runs the simulator and sends SIGINT once its event lines match `interruptAt`; the exit code and the report. */
async function interruptedRun (dir: string, interruptAt: RegExp): Promise<{ code: number | null, report: RunReport, stderr: string }> {
  const scenario = join(dir, 'scenario.json')
  await writeFile(scenario, JSON.stringify(SCENARIO))
  const out = join(dir, 'out')
  const child = spawn(process.execPath, simProcessArgs(['--scenario', scenario, '--out', out, '--quiet']), { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  let sent = false
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
    if (!sent && interruptAt.test(stderr)) { sent = true; child.kill('SIGINT') }
  })
  const code = await new Promise<number | null>(resolve => child.on('exit', resolve))
  assert.ok(sent, `the run ended before it printed ${String(interruptAt)}: ${stderr.slice(-1500)}`)
  assert.ok((await stat(join(out, 'report.html'))).size > 0, 'report.html written')
  return { code, report: JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as RunReport, stderr }
}

describe('outlayer sim interrupted: the report of what ran is still written', function () {
  this.timeout(300_000)
  let dir: string
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'sim-interrupt-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  it('during setup: a partial report with no request sent, the setup error in `errors`, exit 1', async () => {
    // the first line of setup: localnet, the contract and the nodes are still to start when the signal lands
    const { code, report, stderr } = await interruptedRun(dir, /starting localnet/)
    assert.equal(code, 1, stderr.slice(-1500))
    assert.match(report.partial ?? '', /^the run did not start: interrupted/)
    assert.deepEqual(report.errors.map(e => e.where), ['setup'])
    assert.equal(report.requests.length, SCENARIO.requests)
    assert.ok(report.requests.every(r => r.outcome === 'pending' && r.requestId === ''), 'nothing was sent')
    assert.equal(report.figures.safety.pending, SCENARIO.requests)
  })

  it('while requests run: the requests sent so far are in the report, the rest pending, exit 1', async () => {
    const { code, report, stderr } = await interruptedRun(dir, /sending \d+ requests/)
    assert.equal(code, 1, stderr.slice(-1500))
    assert.match(report.partial ?? '', /^interrupted after [0-9]+ s of requests/)
    assert.deepEqual(report.errors, [], 'an interruption is not an error')
    assert.equal(report.requests.length, SCENARIO.requests)
    const outcomes = new Set(report.requests.map(r => r.outcome))
    assert.ok([...outcomes].every(o => o === 'pending' || o === 'resumed-correct'), [...outcomes].join(', '))
    assert.ok(report.figures.safety.pending >= SCENARIO.requests - 1, 'at 0.1 requests/s at most the first one closed')
    assert.equal(report.figures.safety.wrongResumes, 0)
  })
})
