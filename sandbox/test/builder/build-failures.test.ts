import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { BuildError, buildFromGit, type BuildErrorCode, type BuildFromGitInit } from '../../builder/index.js'
import { NO_BUILD, outlayerJson, RUST_COMPILE_ERROR, RUST_NEEDS_NETWORK, RUST_RANDOM, type RepoFiles } from './fixture-sources.js'
import { leftoverBuildContainers, requireBuilder, TEST_LABELS } from './docker-gate.js'
import { makeRepo, tempRoot } from './git-fixtures.js'

describe('sandbox/builder refusals: clear error, log tail, no container left (real Docker)', function () {
  this.timeout(120_000)
  let root: string
  let docker: Docker
  let n = 0

  before(async function () {
    ({ docker } = await requireBuilder(this))
    root = tempRoot('build-fail')
  })
  after(() => { if (root != null) rmSync(root, { recursive: true, force: true }) })

  /** Builds `files` (or the given repo/commit) and expects a BuildError with `code`; returns it. */
  async function expectFailure (code: BuildErrorCode, files: RepoFiles, over: Partial<BuildFromGitInit> = {}, links: Record<string, string> = {}): Promise<BuildError> {
    const repo = makeRepo(join(root, 'repos'), `r${n++}`, files, links)
    let caught: unknown
    try {
      await buildFromGit({ repo: repo.url, commit: repo.commit, dataDir: join(root, 'data'), allowLocalRepos: true, labels: TEST_LABELS, ...over })
    } catch (err) {
      caught = err
    }
    assert.ok(caught instanceof BuildError, `expected BuildError ${code}, got ${String(caught)}`)
    assert.equal(caught.code, code, caught.message)
    assert.equal(await leftoverBuildContainers(docker), 0, 'a build container was left behind')
    return caught
  }

  it('a repo or commit that does not exist', async () => {
    await expectFailure('REPO_NOT_FOUND', RUST_RANDOM, { repo: `file://${root}/no-such-repo` })
    await expectFailure('COMMIT_NOT_FOUND', RUST_RANDOM, { commit: 'e'.repeat(40) })
    await expectFailure('COMMIT_NOT_FOUND', RUST_RANDOM, { commit: 'no-such-branch' })
  })

  it('a local repo (file:// or a path) unless the caller allows local repos', async () => {
    const e = await expectFailure('INVALID_INPUT', RUST_RANDOM, { allowLocalRepos: false })
    assert.match(e.message, /not a repo we fetch/)
    await expectFailure('INVALID_INPUT', RUST_RANDOM, { allowLocalRepos: false, repo: '/etc' })
    await expectFailure('INVALID_INPUT', RUST_RANDOM, { repo: 'ext::sh -c touch% /tmp/pwned' })
  })

  it('a target we do not build, and a repo with no build we recognise', async () => {
    await expectFailure('UNSUPPORTED_TARGET', RUST_RANDOM, { buildTarget: 'wasm32-unknown-unknown' })
    const e = await expectFailure('UNKNOWN_PROJECT', NO_BUILD)
    assert.match(e.message, /Cargo\.toml/)
    await expectFailure('INVALID_INPUT', { 'outlayer.json': '{"build": "true", "artifact": "../../etc/passwd"}' })
  })

  it('a compile error, with the compiler output in the log tail', async () => {
    const e = await expectFailure('COMPILE_FAILED', RUST_COMPILE_ERROR)
    assert.match(e.logTail, /mismatched types/)
    assert.match(e.message, /mismatched types/)
  })

  it('a build that tries the network (an unvendored crate, a git clone)', async () => {
    const cargo = await expectFailure('NETWORK_DENIED', RUST_NEEDS_NETWORK)
    assert.match(cargo.logTail, /serde/)
    await expectFailure('NETWORK_DENIED', outlayerJson('git ls-remote https://github.com/near/near-sdk-rs'))
  })

  it('a build over its time limit', async () => {
    await expectFailure('TIMEOUT', outlayerJson('echo started; sleep 60'), { limits: { timeoutMs: 2000 } })
  })

  it('a build aborted by its caller once running', async () => {
    const controller = new AbortController()
    await expectFailure('ABORTED', outlayerJson('echo started; sleep 60'), {
      signal: controller.signal,
      onProgress: line => { if (line.includes('| started')) controller.abort() }
    })
  })

  it('a build aborted before it starts, or while its container is being created: ABORTED, nothing left', async () => {
    const early = new AbortController()
    early.abort()
    await expectFailure('ABORTED', outlayerJson('echo started; sleep 60'), { signal: early.signal })
    const creating = new AbortController()
    await expectFailure('ABORTED', outlayerJson('echo started; sleep 60'), {
      signal: creating.signal,
      onProgress: line => { if (line.startsWith('building ')) creating.abort() }
    })
  })

  it('a chatty failing build keeps only the last lines of its log', async () => {
    const e = await expectFailure('COMPILE_FAILED', outlayerJson('seq 1 100000; exit 3'))
    const lines = e.logTail.split('\n')
    assert.ok(lines.length <= 40, `${lines.length} lines kept`)
    assert.equal(lines.at(-1), '100000')
  })

  it('a build over its process limit', async () => {
    const e = await expectFailure('COMPILE_FAILED', outlayerJson('for i in $(seq 1 100); do sleep 30 & done; wait'), { limits: { pids: 16 } })
    assert.match(e.logTail, /Cannot fork/)
  })

  it('a build over its memory limit', async () => {
    const e = await expectFailure('OOM', outlayerJson('echo allocating; node -e "const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1))"'),
      { limits: { memoryBytes: 256 * 1024 ** 2 } })
    assert.match(e.logTail, /allocating/)
  })

  it('an output that is too large, as the artifact or written straight to the output dir', async () => {
    await expectFailure('TOO_LARGE', outlayerJson('head -c 3000000 /dev/zero > out.wasm'), { limits: { maxWasmBytes: 1_000_000 } })
    await expectFailure('TOO_LARGE', outlayerJson('head -c 8000000 /dev/zero > /out/filler; sleep 30'), { limits: { maxWasmBytes: 1_000_000 } })
  })

  it('an artifact that is not wasm', async () => {
    await expectFailure('COMPILE_FAILED', outlayerJson('echo not wasm > out.wasm'))
  })

  it('an output that is a symlink to a host device is never read (it would never end)', async () => {
    const e = await expectFailure('COMPILE_FAILED', outlayerJson("printf '\\0asm\\1\\0\\0\\0' > real.wasm; ln -s /dev/zero /out/out.wasm", 'real.wasm'))
    assert.match(e.message, /symlink/)
  })

  it('a checkout whose build files are symlinks to host files is refused on the host', async () => {
    await expectFailure('INVALID_INPUT', {}, {}, { 'outlayer.json': '/etc/hostname' })
    // whether the link's target exists on the host makes no difference: the host never looks
    for (const target of ['/etc/hostname', '/nonexistent/Makefile-on-the-host']) {
      await expectFailure('COMPILE_FAILED', { 'README.md': 'x' }, {}, { Makefile: target })
    }
  })
})
