import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { buildKey } from '../../../protocol/build-attestation.js'
import { sha256Hex } from '../../../protocol/hash.js'
import { builderBuildKey, buildFromGit, createArtifactStore, type BuilderImage } from '../../builder/index.js'
import { AS_UPPER, C_CMAKE, C_SUM, outlayerJson, RUST_RANDOM, RUST_VENDORED } from './fixture-sources.js'
import { leftoverBuildContainers, requireBuilder, TEST_LABELS } from './docker-gate.js'
import { LOCAL_GIT_GUARD, makeRepo, startGitDaemon, tempRoot, type GitDaemon, type TestRepo } from './git-fixtures.js'
import { runWasi } from './wasi-run.js'

describe('sandbox/builder buildFromGit (real Docker)', function () {
  this.timeout(180_000)
  let root: string
  let docker: Docker
  let image: BuilderImage
  let daemon: GitDaemon
  const repos: Record<string, TestRepo> = {}

  before(async function () {
    ({ docker, image } = await requireBuilder(this))
    root = tempRoot('build')
    const served = join(root, 'served')
    for (const [name, files] of Object.entries({ rust: RUST_RANDOM, vendored: RUST_VENDORED, as: AS_UPPER, c: C_SUM, cmake: C_CMAKE })) repos[name] = makeRepo(served, name, files)
    daemon = await startGitDaemon(served)
  })
  after(async () => {
    await daemon?.stop()
    if (root != null) rmSync(root, { recursive: true, force: true })
  })

  it('builds the Rust random crate from file:// into a working WASI program', async () => {
    const repo = repos.rust!
    const r = await buildFromGit({ repo: repo.url, commit: repo.commit, dataDir: join(root, 'd-rust'), allowLocalRepos: true, labels: TEST_LABELS })
    const wasm = readFileSync(r.path)
    assert.equal(r.wasm_hash, sha256Hex(wasm))
    assert.equal(r.size, wasm.length)
    assert.equal(r.commit, repo.commit)
    assert.equal(r.cached, false)
    assert.equal(r.builder_image, image.contentId)
    assert.equal(r.build_key, buildKey({ repo: repo.url, commit: repo.commit, build_target: 'wasm32-wasip1', builder_image: image.contentId }))
    assert.match(r.log_tail, /outlayer: wasm of \d+ bytes/)
    const run = await runWasi(wasm, '{"min":10,"max":20,"count":50}', root)
    assert.equal(run.code, 0)
    const numbers = (JSON.parse(run.stdout) as { numbers: number[] }).numbers
    assert.equal(numbers.length, 50)
    assert.ok(numbers.every(n => n >= 10 && n <= 20), run.stdout)
    assert.equal(await leftoverBuildContainers(docker), 0)
  })

  it('puts the wasm in the caller\'s artifact store (none opened under dataDir), keyed by the image digest', async () => {
    const repo = repos.c!
    const store = createArtifactStore(join(root, 'callers-store'), { maxBytes: 64 * 1024 ** 2 })
    const dataDir = join(root, 'd-callers-store')
    const r = await buildFromGit({ repo: repo.url, commit: repo.commit, dataDir, artifacts: store, allowLocalRepos: true })
    assert.equal(r.path, store.path(r.wasm_hash))
    assert.equal(sha256Hex((await store.get(r.wasm_hash))!), r.wasm_hash)
    assert.equal(existsSync(join(dataDir, 'wasm')), false, 'a second store was opened')
    assert.equal(r.build_key, builderBuildKey({ repo: repo.url, commit: repo.commit, build_target: 'wasm32-wasip1' }, image.contentId))
  })

  it('builds a crate whose dependencies are vendored, offline', async () => {
    const repo = repos.vendored!
    const r = await buildFromGit({ repo: repo.url, commit: repo.commit, dataDir: join(root, 'd-vendored'), allowLocalRepos: true })
    assert.deepEqual(await runWasi(readFileSync(r.path), '', root), { code: 0, stdout: '42' })
  })

  it('runs the build as nobody, with no capabilities, a read-only source and rootfs, and no host socket', async () => {
    const checks = [
      '[ "$(id -u):$(id -g)" = 65534:65534 ]',
      'grep -q "^CapEff:\\s*0000000000000000$" /proc/self/status',
      '! touch /src/x 2>/dev/null',
      '! touch /usr/x 2>/dev/null',
      '[ ! -e /var/run/docker.sock ]',
      '[ "$(pwd)" = /work/src ]',
      '[ -z "$(ls /sys/class/net | grep -v ^lo$)" ]'
    ]
    const repo = makeRepo(join(root, 'served'), 'sandbox-facts', outlayerJson(`${checks.join(' && ')} && printf '\\0asm\\1\\0\\0\\0' > out.wasm`))
    const r = await buildFromGit({ repo: repo.url, commit: repo.commit, dataDir: join(root, 'd-facts'), allowLocalRepos: true })
    assert.equal(r.size, 8)
  })

  it('is reproducible: the same commit twice, in fresh containers, gives the same wasm', async () => {
    for (const name of ['rust', 'c']) {
      const repo = repos[name]!
      const a = await buildFromGit({ repo: repo.url, commit: repo.commit, dataDir: join(root, `rep-a-${name}`), useCache: false, allowLocalRepos: true })
      const b = await buildFromGit({ repo: repo.url, commit: repo.commit, dataDir: join(root, `rep-b-${name}`), useCache: false, allowLocalRepos: true })
      assert.equal(a.cached || b.cached, false)
      assert.equal(a.wasm_hash, b.wasm_hash, `${name} build is not reproducible`)
      assert.equal(a.build_key, b.build_key)
    }
  })

  it('resolves a branch over git daemon, records the commit, and serves the tag as a cache hit', async () => {
    const repo = repos.rust!
    const url = `${daemon.baseUrl}rust`
    const dataDir = join(root, 'd-daemon')
    const cold = await buildFromGit({ repo: url, commit: 'main', dataDir, addressGuard: LOCAL_GIT_GUARD })
    assert.equal(cold.commit, repo.commit)
    assert.equal(cold.cached, false)
    const hit = await buildFromGit({ repo: url, commit: 'v1', dataDir, addressGuard: LOCAL_GIT_GUARD })
    assert.equal(hit.cached, true)
    assert.equal(hit.commit, repo.commit)
    assert.equal(hit.wasm_hash, cold.wasm_hash)
    assert.equal(hit.build_key, cold.build_key)
    assert.equal(hit.path, cold.path)
  })

  it('builds an AssemblyScript project with the WASI shim, byte-identical to asc on the host', async () => {
    const repo = repos.as!
    const r = await buildFromGit({ repo: repo.url, commit: repo.commit, dataDir: join(root, 'd-as'), allowLocalRepos: true })
    const wasm = readFileSync(r.path)
    const run = await runWasi(wasm, 'hello from git', root)
    assert.deepEqual(run, { code: 0, stdout: 'HELLO FROM GIT' })
    // the same asc and flags outside Docker (the image carries our node_modules' assemblyscript and Node);
    // the link is untracked, so the served commit does not change
    const hostOut = join(root, 'host-as.wasm')
    if (!existsSync(join(repo.dir, 'node_modules'))) symlinkSync(join(process.cwd(), 'node_modules'), join(repo.dir, 'node_modules'))
    execFileSync(process.execPath, [join(process.cwd(), 'node_modules/assemblyscript/bin/asc.js'), 'assembly/index.ts',
      '--config', 'node_modules/@assemblyscript/wasi-shim/asconfig.json', '-O3', '--outFile', hostOut], { cwd: repo.dir, stdio: 'ignore' })
    assert.equal(sha256Hex(readFileSync(hostOut)), r.wasm_hash)
  })

  it('builds C with a Makefile and with CMake (clang for wasm32-wasi)', async () => {
    for (const name of ['c', 'cmake']) {
      const repo = repos[name]!
      const r = await buildFromGit({ repo: repo.url, commit: repo.commit, dataDir: join(root, `d-${name}`), allowLocalRepos: true })
      const run = await runWasi(readFileSync(r.path), 'abc', root)
      assert.deepEqual(run, { code: 0, stdout: '{"bytes":3,"sum":294}' }, name)
    }
  })
})
