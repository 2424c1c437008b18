import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { ensureExamples, type ExampleName } from '../../../scripts/build-examples.js'
import { createExecutor, execute, type ExecuteOptions, type Executor } from '../../exec/index.js'
import { tempDir, text } from './helpers.js'

describe('examples on the executor', function () {
  this.timeout(300_000)
  const cache = tempDir('examples')
  let executor: Executor
  let paths: Record<ExampleName, string>
  before(async () => {
    paths = await ensureExamples()
    executor = createExecutor({ workers: 2, cacheDir: cache.path })
  })
  after(async () => { await executor.close(); cache.remove() })

  async function run (name: ExampleName, input: unknown, opts: ExecuteOptions = {}): Promise<unknown> {
    const r = await executor.execute(new Uint8Array(await readFile(paths[name])), { input: JSON.stringify(input), fuel: 10n ** 10n, ...opts })
    assert.equal(r.status, 'ok', `${name}: ${r.status} ${r.message ?? ''} ${text(r.stderr)}`)
    return JSON.parse(text(r.stdout))
  }

  it('random: count numbers in [min, max]; the same for a seed, others for another seed', async () => {
    const input = { count: 5, min: 1, max: 100 }
    const a = await run('random', input, { seed: '01'.repeat(32) }) as { numbers: number[] }
    const b = await run('random', input, { seed: '01'.repeat(32) }) as { numbers: number[] }
    const c = await run('random', input, { seed: '02'.repeat(32) }) as { numbers: number[] }
    assert.equal(a.numbers.length, 5)
    for (const n of a.numbers) assert.ok(Number.isInteger(n) && n >= 1 && n <= 100, `${n}`)
    assert.deepEqual(b, a)
    assert.notDeepEqual(c, a)
  })

  it('echo: echoes the message and says who processed it', async () => {
    assert.deepEqual(await run('echo', { message: 'hi "there"\n' }), { echo: 'hi "there"\n', processed_by: 'outlayer-mesh' })
    assert.deepEqual(await run('echo', { message: { nested: [1, 2.5, true, null] } }), { echo: { nested: [1, 2.5, true, null] }, processed_by: 'outlayer-mesh' })
  })

  it('execute() runs on the shared pool with the default cache', async () => {
    const r = await execute(new Uint8Array(await readFile(paths.echo)), { input: '{"message":"shared"}' })
    assert.deepEqual(JSON.parse(text(r.stdout)), { echo: 'shared', processed_by: 'outlayer-mesh' })
  })

  it('echo: input that is not JSON exits with 2', async () => {
    const r = await executor.execute(new Uint8Array(await readFile(paths.echo)), { input: '{nope' })
    assert.equal(r.status, 'exit')
    assert.equal(r.exit_code, 2)
  })

  it('bench programs compute the right answers', async () => {
    assert.deepEqual(await run('bench-fib', { n: 20 }), { n: 20, fib: 6765 })
    const size = 1000
    const buf = Buffer.alloc(size)
    for (let i = 0; i < size; i++) buf[i] = (i * 31 + (i >>> 8)) & 0xff
    const sha = await run('bench-sha256', { bytes: size, rounds: 1 }) as { sha256: string }
    assert.equal(sha.sha256, createHash('sha256').update(buf).digest('hex'))
    const n = 10
    const a = Array.from({ length: n * n }, (_, i) => (i % 17) * 0.25 - 1.5)
    const b = Array.from({ length: n * n }, (_, i) => (i % 13) * 0.5 + 0.125)
    let trace = 0
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) trace += (a[i * n + k] ?? 0) * (b[k * n + i] ?? 0)
    const mm = await run('bench-matmul', { n }) as { trace: number }
    assert.ok(Math.abs(mm.trace - trace) < 1e-9, `${mm.trace} vs ${trace}`)
    const json = await run('bench-json', { items: 50, rounds: 3 }) as { bytes: number }
    assert.ok(json.bytes > 50 * 40)
  })
})
