import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureExamples } from '../../../scripts/build-examples.js'
import { EXIT } from '../../../node/cli/exit-codes.js'
import { createExecutor } from '../../exec/index.js'
import { command, repoRoot, runNode, tempDir, wabtReady } from './helpers.js'

const outlayer = async (args: string[], cacheDir: string): Promise<{ code: number | null, stdout: string, stderr: string }> =>
  await runNode([join(repoRoot, 'bin', 'outlayer.mjs'), ...args], { ...process.env, OUTLAYER_CACHE_DIR: cacheDir })

describe('outlayer exec (CLI)', function () {
  this.timeout(300_000)
  const dir = tempDir('cli')
  after(() => { dir.remove() })

  it('prints the result as one JSON line and maps outcomes to exit codes', async () => {
    await wabtReady
    const examples = await ensureExamples()
    const spin = join(dir.path, 'spin.wasm')
    writeFileSync(spin, command('(loop $l (br $l))'))
    const binary = join(dir.path, 'binary.wasm')
    writeFileSync(binary, command('(call $out (i32.const 1) (i32.const 1024) (i32.const 2))', { data: '\\ff\\fe' }))
    const cache = join(dir.path, 'cache')
    // instrument here once, so the CLI processes start from a warm cache and never load binaryen
    const executor = createExecutor({ workers: 1, cacheDir: cache })
    try {
      for (const path of [examples.random, examples.echo, spin, binary]) await executor.execute(new Uint8Array(readFileSync(path)), { fuel: 10n })
    } finally {
      await executor.close()
    }
    const [ok, outOfFuel, timeout, bin, refused, badInput] = await Promise.all([
      outlayer(['exec', examples.random, '--input', '{"count":3,"min":1,"max":6}', '--seed', '07'.repeat(32), '--json'], cache),
      outlayer(['exec', spin, '--fuel', '1000', '--json'], cache),
      outlayer(['exec', spin, '--fuel', '100000000000', '--timeout-ms', '300', '--json'], cache),
      outlayer(['exec', binary, '--json'], cache),
      outlayer(['exec', join(repoRoot, 'README.md')], cache),
      outlayer(['exec', examples.echo, '--input', '{not json'], cache)
    ])
    assert.equal(ok.code, EXIT.ok, ok.stderr)
    const result = JSON.parse(ok.stdout) as { status: string, stdout: string, fuel_used: string, result_hash: string }
    assert.equal(result.status, 'ok')
    assert.equal((JSON.parse(result.stdout) as { numbers: number[] }).numbers.length, 3)
    assert.match(result.fuel_used, /^\d+$/)
    assert.match(result.result_hash, /^[0-9a-f]{64}$/)
    assert.equal(ok.stdout.trim().split('\n').length, 1)

    assert.equal(outOfFuel.code, EXIT.guest)
    assert.equal((JSON.parse(outOfFuel.stdout) as { status: string }).status, 'out_of_fuel')
    assert.equal(timeout.code, EXIT.jobLocal)
    assert.equal((JSON.parse(timeout.stdout) as { status: string, result_hash: null }).result_hash, null)
    assert.equal((JSON.parse(bin.stdout) as { stdout_b64: string }).stdout_b64, Buffer.from([0xff, 0xfe]).toString('base64'))
    assert.equal(refused.code, EXIT.usage)
    assert.match(refused.stderr, /^error: invalid_wasm/m)
    assert.equal(refused.stderr.trim().split('\n').length, 1)
    assert.equal(badInput.code, EXIT.usage)
  })
})
