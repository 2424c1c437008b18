import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { sha256Hex } from '../../../protocol/hash.js'
import { C_SUM, RUST_COMPILE_ERROR } from './fixture-sources.js'
import { requireBuilder } from './docker-gate.js'
import { makeRepo, tempRoot } from './git-fixtures.js'

const run = promisify(execFile)
const CLI = join(process.cwd(), 'bin', 'outlayer.mjs')

async function outlayer (args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { maxBuffer: 16 * 1024 ** 2 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number, stdout: string, stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('outlayer build / builder-image (CLI, real Docker)', function () {
  this.timeout(120_000)
  let root: string

  before(async function () {
    await requireBuilder(this)
    root = tempRoot('build-cli')
  })
  after(() => { if (root != null) rmSync(root, { recursive: true, force: true }) })

  it('builder-image skips an image that is present and prints its ids', async () => {
    const r = await outlayer(['builder-image', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const image = JSON.parse(r.stdout) as { image: string, imageId: string, contentId: string }
    assert.equal(image.image, 'outlayer-builder:2')
    assert.match(image.imageId, /^sha256:[0-9a-f]{64}$/)
    assert.match(image.contentId, /^outlayer-builder:2@sha256:[0-9a-f]{64}$/)
    assert.match(r.stderr, /present/)
  })

  it('build --json prints {wasm_hash, size, path, build_key, seconds} and shows progress on stderr', async () => {
    const repo = makeRepo(join(root, 'repos'), 'c', C_SUM)
    const r = await outlayer(['build', repo.url, '--commit', repo.commit, '--json', '--data-dir', join(root, 'data')])
    assert.equal(r.code, 0, r.stderr)
    const out = JSON.parse(r.stdout) as { wasm_hash: string, size: number, path: string, build_key: string, seconds: number, commit: string }
    assert.equal(out.wasm_hash, sha256Hex(readFileSync(out.path)))
    assert.equal(out.size, readFileSync(out.path).length)
    assert.match(out.build_key, /^[0-9a-f]{64}$/)
    assert.equal(typeof out.seconds, 'number')
    assert.equal(out.commit, repo.commit)
    assert.match(r.stderr, /building make project/)
  })

  it('a failing build exits 2 with the error code and the compiler output', async () => {
    const repo = makeRepo(join(root, 'repos'), 'bad', RUST_COMPILE_ERROR)
    const r = await outlayer(['build', repo.url, '--commit', 'main', '--json', '--data-dir', join(root, 'data')])
    assert.equal(r.code, 2)
    const out = JSON.parse(r.stdout) as { error: string, log_tail: string }
    assert.equal(out.error, 'COMPILE_FAILED')
    assert.match(out.log_tail, /mismatched types/)
    assert.match(r.stderr, /error \(COMPILE_FAILED\)/)
  })

  it('bad arguments exit 2', async () => {
    const r = await outlayer(['build', 'file:///nowhere', '--commit', 'main', '--timeout-s', 'soon'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--timeout-s must be a positive number/)
  })
})
