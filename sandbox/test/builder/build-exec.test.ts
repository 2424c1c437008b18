import assert from 'node:assert/strict'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { buildFromGit } from '../../builder/index.js'
import { execute } from '../../exec/index.js'
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
