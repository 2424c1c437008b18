/**
 * The simulator end to end, as a user runs it: `sim/main.ts` in its own process (as `outlayer sim` runs it), on the
 * small-e2e scenario (10 workers, R=5 Q=3, 2 coordinated liars, a crash with restart, a partition that heals).
 * Asserts the safety figures exactly, that a second run with the same seed gives the same ones, and that the
 * report's HTML opens in headless chromium with every plot drawn.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { simProcessArgs } from '../cli.js'
import { PLOTS } from '../report/html.js'
import type { RunReport } from '../runner/types.js'

const SCENARIO = new URL('../scenarios/small-e2e.json', import.meta.url).pathname

async function runSim (out: string): Promise<RunReport> {
  const child = spawn(process.execPath, simProcessArgs(['--scenario', SCENARIO, '--out', out, '--quiet']), { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const code = await new Promise<number | null>(resolve => child.on('exit', resolve))
  assert.equal(code, 0, `sim exited ${code}: ${stderr.slice(-2000)}`)
  // the run's event lines (faults, setup, requests not sent) explain a failing assertion below
  if (process.env.SIM_TEST_LOG != null) process.stderr.write(stderr)
  return JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as RunReport
}

describe('outlayer sim end to end (small-e2e)', function () {
  this.timeout(900_000)
  let dir: string
  let first: RunReport
  let second: RunReport

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sim-e2e-'))
    // the two runs in parallel: each is one process whose event loop carries localnet and the 10 nodes, so on 2
    // cores they cost about the wall time of one
    ;[first, second] = await Promise.all([runSim(join(dir, 'a')), runSim(join(dir, 'b'))])
  })

  after(async () => { if (dir != null) await rm(dir, { recursive: true, force: true }) })

  it('ran the planned faults and byzantine workers', () => {
    assert.equal(first.mode, 'scale')
    assert.equal(first.plan.byzantine.length, 2)
    assert.ok(first.plan.byzantine.every(b => b.behaviour === 'wrong-coordinated' && b.node !== 0))
    assert.deepEqual(first.fired.map(e => e.action.type).sort(), ['crash', 'heal', 'partition', 'restart'])
  })

  it('2 liars under Q=3: no wrong resume, every request resumed with the honest output', () => {
    assert.deepEqual({ ...first.figures.safety, outcomes: undefined }, { requests: 4, wrongResumes: 0, resumed: 4, refunded: 0, pending: 0, outcomes: undefined })
    assert.deepEqual(first.figures.safety.outcomes, new Array(4).fill('resumed-correct'))
    // honest workers are never slashed for disagreeing or equivocating; an honest "withheld" is the crashed node
    // (assigned, down through its commit window), and there is only one of those
    const { byReason } = first.figures.slashes
    assert.equal(byReason.disagreed.honest, 0)
    assert.equal(byReason.equivocated.honest, 0)
    assert.ok(byReason.withheld.honest <= 1, `honest withheld ${byReason.withheld.honest}`)
    assert.ok(first.requests.every(r => r.byzantineWorkers.length === 0), 'no liar among the agreeing workers of a resolution')
    assert.ok(first.figures.gossip.deliveryRatio > 0)
    assert.ok(first.figures.baseline != null && first.figures.baseline.deliveryRatio === 1)
  })

  it('the same seed reproduces the plan, the safety figures and every per-request outcome', () => {
    assert.deepEqual(second.plan, first.plan)
    assert.deepEqual(second.figures.safety, first.figures.safety)
    assert.deepEqual(second.requests.map(r => [r.index, r.input, r.outcome]), first.requests.map(r => [r.index, r.input, r.outcome]))
    // the contract's draw follows the scenario seed (localnet randomSecret): the first request is drawn before any
    // slash can change a bond, so its assignment is the same in both runs; later ones are while the bonds are
    assert.ok(first.requests[0]?.assigned?.length === 5)
    assert.deepEqual(second.requests[0]?.assigned, first.requests[0]?.assigned)
  })

  it('report.html opens offline in headless chromium with every plot drawn', async () => {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'] })
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
      const requests: string[] = []
      page.on('request', r => { if (!r.url().startsWith('file:')) requests.push(r.url()) })
      await page.goto(pathToFileURL(join(dir, 'a', 'report.html')).href)
      const plots = await page.$$eval('svg.plot', els => els.map(e => ({ id: e.getAttribute('data-plot'), w: e.getBoundingClientRect().width, h: e.getBoundingClientRect().height, marks: e.querySelectorAll('path.series, rect.bar').length })))
      assert.deepEqual(plots.map(p => p.id), [...PLOTS])
      for (const p of plots) {
        assert.ok(p.w >= 500 && p.h >= 250, `${p.id} is ${p.w}×${p.h}`)
        assert.ok(p.marks > 0, `${p.id} draws nothing`)
      }
      const shot = await page.screenshot({ fullPage: true })
      // a PNG of the whole page: the plots alone are taller than one screen
      assert.ok(shot.readUInt32BE(16) === 1280 && shot.readUInt32BE(20) > 1500, `screenshot ${shot.readUInt32BE(16)}×${shot.readUInt32BE(20)}`)
      assert.deepEqual(requests, [], 'the report fetches nothing')
    } finally {
      await browser.close()
    }
  })
})
