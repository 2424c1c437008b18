import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { ensureExamples } from '../../../scripts/build-examples.js'
import { AdmissionError, createExecutor, type Executor } from '../../exec/index.js'
import { HOSTILE_CORPUS as corpus } from './hostile-corpus.js'
import { tempDir, text, wabtReady, wat } from './helpers.js'

describe('hostile corpus on one pool', function () {
  this.timeout(300_000)
  const cache = tempDir('hostile')
  let executor: Executor
  let echo: Uint8Array
  before(async () => {
    await wabtReady
    echo = new Uint8Array(await readFile((await ensureExamples()).echo))
    // one worker: every hostile job and the healthy job after it share it (or its replacement)
    executor = createExecutor({ workers: 1, cacheDir: cache.path })
  })
  after(async () => { await executor.close(); cache.remove() })

  async function stillServes (after: string): Promise<void> {
    const r = await executor.execute(echo, { input: `{"message":"${after}"}` })
    assert.equal(r.status, 'ok', `the pool serves the next job after ${after}`)
    assert.deepEqual(JSON.parse(text(r.stdout)), { echo: after, processed_by: 'outlayer-mesh' })
  }

  for (const [name, build, opts, status] of corpus) {
    it(`${name} → ${status}, then the pool serves the next job`, async () => {
      const r = await executor.execute(build(), opts)
      assert.equal(r.status, status, `${name}: ${r.message ?? ''}`)
      await stillServes(name)
    })
  }

  it('a forbidden import and a SIMD module are refused before they run; the pool serves the next job', async () => {
    const forbidden = wat('(module (import "env" "system" (func $s (param i32))) (memory (export "memory") 1) (func (export "_start") (call $s (i32.const 0))))')
    await assert.rejects(executor.execute(forbidden), (err: unknown) => err instanceof AdmissionError && err.code === 'forbidden_import')
    const simd = wat('(module (memory (export "memory") 1) (func (export "_start") (drop (v128.const i64x2 1 2))))', { simd: true })
    await assert.rejects(executor.execute(simd), (err: unknown) => err instanceof AdmissionError && err.code === 'forbidden_feature')
    await stillServes('refusals')
  })

  it('jobs queue when every worker is busy, and all finish', async () => {
    const runs = await Promise.all(Array.from({ length: 6 }, async (_, i) => await executor.execute(echo, { input: `{"message":${i}}` })))
    runs.forEach((r, i) => { assert.deepEqual(JSON.parse(text(r.stdout)), { echo: i, processed_by: 'outlayer-mesh' }, `job ${i}`) })
  })
})
