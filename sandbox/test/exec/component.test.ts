import assert from 'node:assert/strict'
import { readFile, readdir, stat } from 'node:fs/promises'
import { resultHash } from '../../../protocol/result.js'
import { ensureExamples } from '../../../scripts/build-examples.js'
import { wasmKind } from '../../exec/component/detect.js'
import { AdmissionError, createExecutor, INSTRUMENTER_VERSION, type Executor } from '../../exec/index.js'
import { commandToComponent, seedProbe, type ProbeReport } from './components.js'
import { HOSTILE_CORPUS } from './hostile-corpus.js'
import { command, tempDir, text, wabtReady, wat } from './helpers.js'

const refusedWith = (code: string) => (err: unknown): boolean => err instanceof AdmissionError && err.code === code

describe('sandbox/exec WASI preview2 components', function () {
  this.timeout(600_000)
  const cache = tempDir('components')
  let executor: Executor
  let echo: Uint8Array
  let echoComponent: Uint8Array
  let probe: Uint8Array
  before(async () => {
    await wabtReady
    echo = new Uint8Array(await readFile((await ensureExamples()).echo))
    echoComponent = await commandToComponent(echo)
    probe = new Uint8Array(await readFile(await seedProbe(cache.path)))
    executor = createExecutor({ workers: 1, cacheDir: cache.path })
  })
  after(async () => { await executor.close(); cache.remove() })

  const report = async (opts: Parameters<Executor['execute']>[1]): Promise<{ r: Awaited<ReturnType<Executor['execute']>>, report: ProbeReport }> => {
    const r = await executor.execute(probe, opts)
    assert.equal(r.status, 'ok', r.message)
    return { r, report: JSON.parse(text(r.stdout)) as ProbeReport }
  }

  it('tells modules from components by the header', () => {
    assert.equal(wasmKind(echo), 'module')
    assert.equal(wasmKind(echoComponent), 'component')
    assert.equal(wasmKind(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])), null)
    assert.equal(wasmKind(new Uint8Array(3)), null)
  })

  it('a preview1 command through the adapter gives the command\'s output, hashed exactly like a P1 outcome', async () => {
    const input = '{"message":"hi"}'
    const [p1, p2] = [await executor.execute(echo, { input }), await executor.execute(echoComponent, { input })]
    assert.equal(p2.status, 'ok', p2.message)
    assert.deepEqual(p2.stdout, p1.stdout)
    assert.equal(p2.instrumenter_version, INSTRUMENTER_VERSION)
    assert.equal(p2.result_hash, resultHash({ status: 'ok', exit_code: 0, trap: null, stdout: p2.stdout, fuel_used: p2.fuel_used, instrumenter_version: INSTRUMENTER_VERSION }))
    assert.ok(p2.fuel_used > p1.fuel_used, 'the adapter\'s own work is metered too')
  })

  it('a JS component (componentize-js) sees only our deterministic preview2 host', async () => {
    const ts = 1_700_000_000_000_000_000n
    const opts = { input: '{"mode":"report"}', env: { JOB: '42' }, args: ['a'], seed: 'a1'.repeat(32), timestampNs: ts }
    const { r: first, report: a } = await report(opts)
    assert.equal(a.input, '{"mode":"report"}', 'stdin is the input')
    assert.deepEqual(a.env, [['JOB', '42']], 'env only from the request')
    assert.deepEqual(a.args, ['program', 'a'])
    assert.equal(a.preopens, 0, 'nothing preopened')
    assert.equal(a.socket, 'access-denied', 'sockets refused')
    assert.ok(BigInt(a.slept) >= 1_000_000_000n, 'a 1 s sleep passes in virtual time')
    // read after the 1 s virtual sleep: the timestamp + 1 s + the fuel spent so far (well under a second)
    assert.equal(a.wall.seconds, String(ts / 1_000_000_000n + 1n), 'wall clock from the request timestamp')
    assert.ok(a.dateNow >= Number(ts / 1_000_000n) && a.dateNow < Number(ts / 1_000_000n) + 60_000, 'Date.now too')
    const { r: again, report: b } = await report(opts)
    assert.deepEqual(b, a, 'the same request gives the same report')
    assert.equal(again.result_hash, first.result_hash)
    assert.equal(again.fuel_used, first.fuel_used)
    const { report: other } = await report({ ...opts, seed: 'b2'.repeat(32) })
    assert.notEqual(other.random, a.random, 'randomness comes from the seed')
    assert.notEqual(other.mathRandom, a.mathRandom)
  })

  it('stderr is captured (capped, never hashed); run returning err is exit(1); a JS busy loop runs out of fuel exactly', async () => {
    const withStderr = await executor.execute(probe, { input: '{"mode":"stderr"}' })
    assert.equal(text(withStderr.stderr), 'to stderr')
    const exit = await executor.execute(probe, { input: '{"mode":"exit"}' })
    assert.deepEqual([exit.status, exit.exit_code], ['exit', 1])
    assert.notEqual(exit.result_hash, null)
    const loop = await executor.execute(probe, { input: '{"mode":"loop"}', fuel: 300_000_000n })
    assert.equal(loop.status, 'out_of_fuel')
    assert.equal(loop.fuel_used, 300_000_000n, 'every core module spends the one budget')
  })

  for (const [name, build, opts, status] of HOSTILE_CORPUS) {
    it(`hostile as a component: ${name} → ${status}, then the pool serves the next job`, async () => {
      const r = await executor.execute(await commandToComponent(build()), opts)
      assert.equal(r.status, status, `${name}: ${r.message ?? ''}`)
      const next = await executor.execute(echoComponent, { input: '{"message":"next"}' })
      assert.deepEqual(JSON.parse(text(next.stdout)), { echo: 'next', processed_by: 'outlayer-mesh' })
    })
  }

  it('refuses components whose core modules break admission, and junk with a component header', async () => {
    const simd = wat('(module (import "wasi_snapshot_preview1" "proc_exit" (func $e (param i32))) (memory (export "memory") 1) (func (export "_start") (drop (v128.const i64x2 1 2))))', { simd: true })
    await assert.rejects(executor.execute(await commandToComponent(simd)), refusedWith('forbidden_feature'))
    const reserved = command('', { extra: '(func (export "__outlayer_fuel"))' })
    await assert.rejects(executor.execute(await commandToComponent(reserved)), refusedWith('reserved_name'))
    const junk = new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 1, 2, 3, 4, 5])
    await assert.rejects(executor.execute(junk), refusedWith('invalid_wasm'))
  })

  it('caches instrumented components by (component hash, instrumenter version, jco version)', async () => {
    const files = (await readdir(cache.path)).filter(f => f.endsWith('.component.wasm'))
    assert.ok(files.length > 0)
    assert.ok(files.every(f => f.includes(INSTRUMENTER_VERSION.replace(/[^A-Za-z0-9._-]/g, '_')) && /-jco\d+\.\d+\.\d+\./.test(f)))
    const before = await Promise.all(files.map(async f => (await stat(`${cache.path}/${f}`)).mtimeMs))
    const second = createExecutor({ workers: 1, cacheDir: cache.path })
    try {
      const [a, b] = [await executor.execute(echoComponent, { input: '{"message":1}' }), await second.execute(echoComponent, { input: '{"message":1}' })]
      assert.equal(b.result_hash, a.result_hash)
    } finally {
      await second.close()
    }
    const after = await Promise.all(files.map(async f => (await stat(`${cache.path}/${f}`)).mtimeMs))
    assert.deepEqual(after, before, 'the second executor read the cache, it did not instrument again')
  })
})
