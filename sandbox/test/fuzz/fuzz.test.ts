/**
 * The short fuzz pass CI runs: a few seconds per target of `npm run fuzz` with a fixed seed, so a failure
 * replays with `npm run fuzz -- --seed 20261202 --target <name>`. The long pass is `npm run bench -- fuzz`.
 */
import assert from 'node:assert/strict'
import { runFuzz } from '../../../scripts/fuzz/run.js'
import { TARGETS } from '../../../scripts/fuzz/targets.js'

describe('fuzz: short pass over every target', function () {
  this.timeout(600_000)
  for (const target of TARGETS) {
    it(`${target.name}: no findings in a few seconds (seed 20261202)`, async () => {
      const [report] = await runFuzz({ seed: 20261202, seconds: 4, iterations: 50_000, targets: [target.name] })
      assert.ok(report != null && report.iterations > 0)
      assert.deepEqual(report.findings, [], JSON.stringify(report.findings).slice(0, 2000))
    })
  }
})
