import assert from 'node:assert/strict'
import { resultHash } from '../../../protocol/result.js'
import { createExecutor, ExecutorError, METERING, OUTPUT, type Executor } from '../../exec/index.js'
import { WorkerPool } from '../../exec/pool.js'
import { Wasm } from '../../exec/wasm-api.js'
import { command, tempDir, text, wat, wabtReady } from './helpers.js'

describe('sandbox/exec outcomes', function () {
  this.timeout(120_000)
  before(async () => { await wabtReady })
  const cache = tempDir('outcomes')
  let executor: Executor
  before(() => { executor = createExecutor({ workers: 2, cacheDir: cache.path }) })
  after(async () => { await executor.close(); cache.remove() })

  it('ok: stdout captured, exit code 0, hash as protocol/result.ts computes it', async () => {
    const r = await executor.execute(command('(call $out (i32.const 1) (i32.const 1024) (i32.const 5))', { data: 'hello' }))
    assert.equal(r.status, 'ok')
    assert.equal(r.exit_code, 0)
    assert.equal(text(r.stdout), 'hello')
    assert.ok(r.fuel_used > 0n)
    assert.equal(r.result_hash, resultHash({ status: 'ok', exit_code: 0, trap: null, stdout: r.stdout, fuel_used: r.fuel_used, instrumenter_version: r.instrumenter_version }))
  })

  it('proc_exit(0) is ok, proc_exit(n) is exit(n) with the output so far', async () => {
    const zero = await executor.execute(command('(call $exit (i32.const 0))'))
    assert.equal(zero.status, 'ok')
    const seven = await executor.execute(command('(call $out (i32.const 1) (i32.const 1024) (i32.const 2)) (call $exit (i32.const 7))', { data: 'hi' }))
    assert.equal(seven.status, 'exit')
    assert.equal(seven.exit_code, 7)
    assert.equal(text(seven.stdout), 'hi')
    assert.match(seven.result_hash ?? '', /^[0-9a-f]{64}$/)
  })

  it('traps are classified by kind', async () => {
    const cases: Array<[string, string]> = [
      ['unreachable', 'unreachable'],
      ['(drop (i32.load (i32.const 70000)))', 'memory_out_of_bounds'],
      ['(drop (i32.div_u (i32.const 1) (i32.const 0)))', 'integer_divide_by_zero'],
      ['(drop (i32.div_s (i32.const 0x80000000) (i32.const -1)))', 'integer_overflow'],
      ['(drop (i32.trunc_f64_s (f64.const nan)))', 'invalid_conversion_to_integer']
    ]
    for (const [body, kind] of cases) {
      const r = await executor.execute(command(body))
      assert.equal(r.status, 'trap', body)
      assert.equal(r.trap, kind, `${body}: ${r.message ?? ''}`)
      assert.notEqual(r.result_hash, null)
    }
  })

  it('out_of_fuel: fuel_used is the budget, and the count is exact', async () => {
    const spin = command('(loop $l (br $l))')
    const a = await executor.execute(spin, { fuel: 100_000n })
    assert.equal(a.status, 'out_of_fuel')
    assert.equal(a.fuel_used, 100_000n)
    // a counter printing one byte per iteration stops after exactly the same number of iterations every time
    const counter = command('(loop $l (call $out (i32.const 1) (i32.const 1024) (i32.const 1)) (br $l))', { data: 'x' })
    const runs = await Promise.all([1, 2, 3].map(async () => await executor.execute(counter, { fuel: 50_000n })))
    for (const r of runs) {
      assert.equal(r.status, 'out_of_fuel')
      assert.equal(r.stdout.length, runs[0]?.stdout.length)
      assert.equal(r.result_hash, runs[0]?.result_hash)
    }
    assert.ok((runs[0]?.stdout.length ?? 0) > 10)
  })

  it('memory_limit: memory.grow past the request limit returns -1, and a guest failing after it is memory_limit', async () => {
    const probe = command(`
      (if (i32.ne (memory.grow (i32.const 63)) (i32.const 1)) (then unreachable))
      (if (i32.ne (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))
      (call $out (i32.const 1) (i32.const 1024) (i32.const 2))`, { data: 'ok' })
    const capped = await executor.execute(probe, { memoryMb: 4 })
    assert.equal(capped.status, 'ok', capped.message)
    const bomb = command('(loop $l (br_if $l (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) unreachable')
    const r = await executor.execute(bomb, { memoryMb: 8 })
    assert.equal(r.status, 'memory_limit')
    const tooBig = await executor.execute(command('', { pages: 200 }), { memoryMb: 8 })
    assert.equal(tooBig.status, 'memory_limit')
  })

  it('depth_limit: deep recursion stops at the instrumented budget, not V8 stack overflow', async () => {
    const r = await executor.execute(command('(call $rec)', { extra: '(func $rec (call $rec))' }))
    assert.equal(r.status, 'depth_limit')
    // a recursion well inside the budget runs
    const depth = Math.floor(METERING.depthLimit / (METERING.depthFrameBase + 1)) - 10
    const ok = await executor.execute(command(`(call $down (i32.const ${depth}))`, {
      extra: '(func $down (param $n i32) (if (local.get $n) (then (call $down (i32.sub (local.get $n) (i32.const 1))))))'
    }))
    assert.equal(ok.status, 'ok', ok.message)
  })

  it('output_limit: stdout beyond the cap ends the run; stderr is only truncated', async () => {
    const flood = (fd: number): Uint8Array => command(`(loop $l (call $out (i32.const ${fd}) (i32.const 0) (i32.const 65536)) (br $l))`)
    const r = await executor.execute(flood(1), { fuel: 10n ** 10n })
    assert.equal(r.status, 'output_limit')
    assert.ok(r.stdout.length <= OUTPUT.maxStdoutBytes)
    const e = await executor.execute(flood(2), { fuel: 1_000_000n })
    assert.equal(e.status, 'out_of_fuel')
    assert.equal(e.stderr.length, OUTPUT.maxStderrBytes)
  })

  it('timeout: the wall clock ends a job as a local failure, never hashed', async () => {
    const r = await executor.execute(command('(loop $l (br $l))'), { fuel: 10n ** 11n, timeoutMs: 200 })
    assert.equal(r.status, 'timeout')
    assert.equal(r.result_hash, null)
    const next = await executor.execute(command(''))
    assert.equal(next.status, 'ok')
  })

  it('host_error: a job the worker cannot run is a local failure, never hashed; the pool serves the next', async () => {
    const pool = new WorkerPool(1)
    try {
      const uninstrumented = await Wasm.compile(command(''))
      const request = { input: new Uint8Array(0), fuel: 1000n, memoryMb: 1, seed: new Uint8Array(32), timestampNs: 0n, env: {}, args: ['program'] }
      const r = await pool.run({ kind: 'module', module: uninstrumented }, request, 10_000)
      assert.equal(r.status, 'host_error')
      assert.equal(r.result_hash, null)
      assert.match(r.message ?? '', /not instrumented/)
    } finally {
      await pool.close()
    }
    assert.equal((await executor.execute(command(''))).status, 'ok')
  })

  it('signals trap deterministically as wasi_unsupported', async () => {
    const wasm = wat(`(module
      (import "wasi_snapshot_preview1" "proc_raise" (func $raise (param i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start") (drop (call $raise (i32.const 9)))))`)
    const r = await executor.execute(wasm)
    assert.equal(r.status, 'trap')
    assert.equal(r.trap, 'wasi_unsupported')
  })

  it('rejects bad options with a typed error', async () => {
    const isBad = (err: unknown): boolean => err instanceof ExecutorError && err.code === 'BAD_OPTIONS'
    await assert.rejects(executor.execute(command(''), { seed: 'zz' }), isBad)
    await assert.rejects(executor.execute(command(''), { memoryMb: 0 }), isBad)
    await assert.rejects(executor.execute(command(''), { fuel: -1n }), isBad)
  })
})
