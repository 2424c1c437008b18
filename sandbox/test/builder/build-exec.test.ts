import assert from 'node:assert/strict'
import { readFileSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { buildFromGit } from '../../builder/index.js'
import { execute, wasmKind } from '../../exec/index.js'
import { AS_UPPER, C_SUM, RUST_RANDOM } from './fixture-sources.js'
import { requireBuilder } from './docker-gate.js'
import { LOCAL_GIT_GUARD, makeRepo, startGitDaemon, tempRoot, type GitDaemon } from './git-fixtures.js'

describe('sandbox/builder → sandbox/exec: the random example from git, end to end', function () {
  this.timeout(180_000)
  let root: string
  let daemon: GitDaemon

  before(async function () {
    await requireBuilder(this)
    root = tempRoot('build-exec')
    makeRepo(join(root, 'served'), 'random-ark', RUST_RANDOM)
    makeRepo(join(root, 'served'), 'c-sum', C_SUM)
    makeRepo(join(root, 'served'), 'as-upper', AS_UPPER)
    makeRepo(join(root, 'served'), 'text-stats', exampleFiles('text-stats', ['Cargo.toml', 'Cargo.lock', 'src/main.rs']))
    daemon = await startGitDaemon(join(root, 'served'))
  })
  after(async () => {
    await daemon?.stop()
    if (root != null) rmSync(root, { recursive: true, force: true })
  })

  it('builds random-ark from git daemon and runs it metered, the same for the same seed', async () => {
    const built = await buildFromGit({ repo: `${daemon.baseUrl}random-ark`, commit: 'main', dataDir: join(root, 'data'), addressGuard: LOCAL_GIT_GUARD })
    const wasm = readFileSync(built.path)
    const input = '{"min":1,"max":6,"count":20}'
    const seed = 'ab'.repeat(32)
    const first = await execute(wasm, { input, seed })
    assert.equal(first.status, 'ok', first.message)
    const numbers = (JSON.parse(new TextDecoder().decode(first.stdout)) as { numbers: number[] }).numbers
    assert.equal(numbers.length, 20)
    assert.ok(numbers.every(n => Number.isInteger(n) && n >= 1 && n <= 6))
    assert.ok(first.fuel_used > 0n)
    const again = await execute(wasm, { input, seed })
    assert.equal(again.result_hash, first.result_hash)
    assert.deepEqual(again.stdout, first.stdout)
    const other = await execute(wasm, { input, seed: 'cd'.repeat(32) })
    assert.equal(other.status, 'ok')
    assert.notDeepEqual(other.stdout, first.stdout, 'another seed should give other numbers')
  })

  it('builds the Rust text-stats example for wasm32-wasip2: a component (wasip1 + the preview1 adapter), reproducible, under its own build key', async () => {
    const repo = `${daemon.baseUrl}text-stats`
    const dataDir = join(root, 'data')
    const p2 = await buildFromGit({ repo, commit: 'main', buildTarget: 'wasm32-wasip2', dataDir, addressGuard: LOCAL_GIT_GUARD })
    const p1 = await buildFromGit({ repo, commit: 'main', dataDir, addressGuard: LOCAL_GIT_GUARD })
    const component = readFileSync(p2.path)
    assert.equal(wasmKind(component), 'component')
    assert.equal(wasmKind(readFileSync(p1.path)), 'module')
    assert.equal(p2.build_target, 'wasm32-wasip2')
    assert.notEqual(p2.build_key, p1.build_key, 'the target is in the build key')
    const again = await buildFromGit({ repo, commit: 'main', buildTarget: 'wasm32-wasip2', dataDir, addressGuard: LOCAL_GIT_GUARD, useCache: false })
    assert.equal(again.cached, false)
    assert.equal(again.wasm_hash, p2.wasm_hash, 'a fresh container and a fresh wrap give the same component')

    const input = 'The cat and the hat.\nThe end, the END!'
    const expected = '{"bytes":38,"lines":2,"words":9,"top":[["the",4],["end",2],["and",1],["cat",1],["hat",1]]}'
    for (const [kind, wasm] of [['component', component], ['module', readFileSync(p1.path)]] as const) {
      const r = await execute(wasm, { input })
      assert.equal(r.status, 'ok', `${kind}: ${r.message ?? ''}`)
      assert.equal(new TextDecoder().decode(r.stdout), expected, kind)
      assert.equal((await execute(wasm, { input })).result_hash, r.result_hash, `${kind}: deterministic`)
    }
    // not UTF-8: the program exits 2; wasi:cli/exit 0.2 carries only ok or err, so through the adapter that is 1
    const bad = await Promise.all([component, readFileSync(p1.path)].map(async wasm => await execute(wasm, { input: new Uint8Array([0xff, 0xfe]) })))
    assert.deepEqual(bad.map(r => [r.status, r.exit_code]), [['exit', 1], ['exit', 2]])
  })

  it('runs the C (clang + wasi-libc) and AssemblyScript builds through the executor too', async () => {
    const cases: Array<[name: string, input: string, stdout: string]> = [['c-sum', 'hello', '{"bytes":5,"sum":532}'], ['as-upper', 'hello', 'HELLO']]
    for (const [name, input, expected] of cases) {
      const built = await buildFromGit({ repo: `${daemon.baseUrl}${name}`, commit: 'v1', dataDir: join(root, 'data'), addressGuard: LOCAL_GIT_GUARD })
      const result = await execute(readFileSync(built.path), { input })
      assert.equal(result.status, 'ok', `${name}: ${result.message ?? ''}`)
      assert.equal(new TextDecoder().decode(result.stdout), expected)
    }
  })
})

/** An example's files as a repo (examples/<name>), so the test builds exactly what the folder ships. */
function exampleFiles (name: string, paths: string[]): Record<string, string> {
  const dir = fileURLToPath(new URL(`../../../examples/${name}/`, import.meta.url))
  return Object.fromEntries(paths.map(p => [p, readFileSync(join(dir, p), 'utf8')]))
}
