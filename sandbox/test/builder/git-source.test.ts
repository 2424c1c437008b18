import assert from 'node:assert/strict'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { BuildError } from '../../builder/index.js'
import { fetchSource, pickRef, resolveCommit } from '../../builder/git-source.js'
import { noProgress } from '../../builder/progress.js'
import { C_SUM, RUST_RANDOM } from './fixture-sources.js'
import { makeRepo, startGitDaemon, tempRoot, type GitDaemon, type TestRepo } from './git-fixtures.js'

const isBuildError = (code: string) => (e: unknown): boolean => e instanceof BuildError && e.code === code

describe('sandbox/builder git source (host side, no Docker)', () => {
  let root: string
  let repo: TestRepo
  let daemon: GitDaemon
  before(async () => {
    root = tempRoot('git')
    repo = makeRepo(join(root, 'served'), 'rust', RUST_RANDOM)
    daemon = await startGitDaemon(join(root, 'served'))
  })
  after(async () => {
    await daemon?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('picks branches, peeled annotated tags and full refs from ls-remote output', () => {
    const listing = 'aaa\tHEAD\nbbb\trefs/heads/main\nccc\trefs/tags/v1\nddd\trefs/tags/v1^{}\n'
    assert.equal(pickRef(listing, 'main'), 'bbb')
    assert.equal(pickRef(listing, 'v1'), 'ddd')
    assert.equal(pickRef(listing, 'refs/heads/main'), 'bbb')
    assert.equal(pickRef(listing, 'HEAD'), 'aaa')
    assert.equal(pickRef(listing, 'nope'), undefined)
  })

  it('resolves a branch and a tag to the commit, over file:// and git://', async () => {
    for (const url of [repo.url, `${daemon.baseUrl}rust`]) {
      assert.equal(await resolveCommit({ url, ref: 'main', timeoutMs: 10_000 }), repo.commit)
      assert.equal(await resolveCommit({ url, ref: 'v1', timeoutMs: 10_000 }), repo.commit)
      assert.equal(await resolveCommit({ url, ref: repo.commit, timeoutMs: 10_000 }), repo.commit)
      assert.equal(await resolveCommit({ url, ref: repo.commit.toUpperCase(), timeoutMs: 10_000 }), repo.commit)
    }
  })

  it('fetches exactly the commit over git daemon, without .git in the tree', async () => {
    const dir = join(root, 'fetch-daemon')
    const src = await fetchSource({ url: `${daemon.baseUrl}rust`, commit: repo.commit, dir, maxRepoBytes: 10e6, timeoutMs: 10_000, onProgress: noProgress })
    assert.equal(src.commit, repo.commit)
    assert.equal(src.commitTime, Date.parse('2026-01-01T00:00:00Z') / 1000)
    assert.equal(readFileSync(join(src.srcDir, 'Cargo.toml'), 'utf8'), RUST_RANDOM['Cargo.toml'])
    assert.equal(existsSync(join(src.srcDir, '.git')), false)
  })

  it('refuses a missing repo, branch or commit with typed errors', async () => {
    await assert.rejects(resolveCommit({ url: `file://${root}/nope`, ref: 'main', timeoutMs: 10_000 }), isBuildError('REPO_NOT_FOUND'))
    await assert.rejects(resolveCommit({ url: `${daemon.baseUrl}nope`, ref: 'main', timeoutMs: 10_000 }), isBuildError('REPO_NOT_FOUND'))
    await assert.rejects(resolveCommit({ url: repo.url, ref: 'no-such-branch', timeoutMs: 10_000 }), isBuildError('COMMIT_NOT_FOUND'))
    await assert.rejects(resolveCommit({ url: repo.url, ref: '--upload-pack=touch /tmp/x', timeoutMs: 10_000 }), isBuildError('INVALID_INPUT'))
    const missing = 'f'.repeat(40)
    await assert.rejects(fetchSource({ url: repo.url, commit: missing, dir: join(root, 'missing'), maxRepoBytes: 10e6, timeoutMs: 10_000, onProgress: noProgress }), isBuildError('COMMIT_NOT_FOUND'))
    await assert.rejects(fetchSource({ url: `file://${root}/nope`, commit: missing, dir: join(root, 'nope'), maxRepoBytes: 10e6, timeoutMs: 10_000, onProgress: noProgress }), isBuildError('REPO_NOT_FOUND'))
  })

  it('stops a fetch over the repo size cap', async () => {
    const big = makeRepo(join(root, 'served'), 'big', { ...C_SUM, 'blob.bin': Array.from({ length: 400_000 }, (_, i) => (i * 2654435761 % 4294967296).toString(36)).join('\n') })
    await assert.rejects(fetchSource({ url: big.url, commit: big.commit, dir: join(root, 'big'), maxRepoBytes: 200_000, timeoutMs: 10_000, onProgress: noProgress }), isBuildError('TOO_LARGE'))
  })
})
