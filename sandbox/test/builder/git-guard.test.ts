import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync, statSync } from 'node:fs'
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net'
import { join, normalize } from 'node:path'
import { BuildError, buildFromGit } from '../../builder/index.js'
import { guardGitRemote } from '../../builder/git-remote.js'
import { resolveCommit } from '../../builder/git-source.js'
import { C_SUM } from './fixture-sources.js'
import { leftoverBuildContainers, requireBuilder, TEST_LABELS } from './docker-gate.js'
import { LOCAL_GIT_GUARD, makeRepo, startGitDaemon, tempRoot, type GitDaemon, type TestRepo } from './git-fixtures.js'

/** A name only our test resolver knows: git can reach it only through the pinned address. */
const REBIND_NAME = 'rebind.test'
const toLoopback = { ...LOCAL_GIT_GUARD, resolve: async () => [{ address: '127.0.0.1', family: 4 as const }] }

async function listen<S extends Server | TcpServer> (server: S): Promise<number> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

/** A TCP server that only counts who connects: every refused fetch must leave it at 0. */
async function countingServer (): Promise<{ port: number, connections: () => number, close: () => Promise<void> }> {
  let n = 0
  const server = createTcpServer(socket => { n++; socket.destroy() })
  const port = await listen(server)
  return { port, connections: () => n, close: async () => await new Promise<void>(resolve => server.close(() => resolve())) }
}

describe('sandbox/builder git fetches go through the SSRF guard', function () {
  this.timeout(60_000)
  let root: string
  let repo: TestRepo
  let daemon: GitDaemon
  let http: Server
  let httpPort: number
  let redirects: Server
  let redirectPort: number
  let target: Awaited<ReturnType<typeof countingServer>>

  before(async () => {
    root = tempRoot('git-guard')
    repo = makeRepo(join(root, 'served'), 'sum', C_SUM)
    daemon = await startGitDaemon(join(root, 'served'))
    // a dumb-http git server: a bare copy with its info/refs, served as static files
    const bare = join(root, 'http', 'sum.git')
    execFileSync('git', ['clone', '-q', '--bare', repo.dir, bare])
    execFileSync('git', ['update-server-info'], { cwd: bare })
    http = createHttpServer((req, res) => {
      const path = normalize(join(root, 'http', decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)))
      try {
        if (!path.startsWith(join(root, 'http')) || !statSync(path).isFile()) throw new Error('not a file')
        res.end(readFileSync(path))
      } catch {
        res.statusCode = 404
        res.end()
      }
    })
    httpPort = await listen(http)
    target = await countingServer()
    redirects = createHttpServer((req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${target.port}${req.url ?? '/'}` })
      res.end()
    })
    redirectPort = await listen(redirects)
  })
  after(async () => {
    await daemon?.stop()
    await new Promise(resolve => http?.close(resolve))
    await new Promise(resolve => redirects?.close(resolve))
    await target?.close()
    if (root != null) rmSync(root, { recursive: true, force: true })
  })

  it('pins git:// to the checked address: git reaches a name it cannot resolve itself', async () => {
    const remote = await guardGitRemote(`${daemon.baseUrl.replace('127.0.0.1', REBIND_NAME)}sum`, toLoopback)
    assert.ok(!remote.url.includes(REBIND_NAME), remote.url)
    assert.equal(await resolveCommit({ url: remote.url, gitConfig: remote.config, ref: 'main', timeoutMs: 10_000 }), repo.commit)
  })

  it('pins http:// with curl\'s resolve entry, keeping the name for the Host header and TLS', async () => {
    const remote = await guardGitRemote(`http://${REBIND_NAME}:${httpPort}/sum.git`, toLoopback)
    assert.ok(remote.url.includes(REBIND_NAME), remote.url)
    assert.equal(await resolveCommit({ url: remote.url, gitConfig: remote.config, ref: 'main', timeoutMs: 10_000 }), repo.commit)
  })

  it('does not follow a redirect, so a checked server cannot send git to an unchecked one', async () => {
    const remote = await guardGitRemote(`http://127.0.0.1:${redirectPort}/sum.git`, LOCAL_GIT_GUARD)
    await assert.rejects(resolveCommit({ url: remote.url, gitConfig: remote.config, ref: 'main', timeoutMs: 10_000 }),
      (e: unknown) => e instanceof BuildError && e.code === 'REPO_NOT_FOUND')
    assert.equal(target.connections(), 0, 'git followed the redirect')
  })

  it('refuses loopback, private and metadata hosts without the allowance', async () => {
    for (const url of [`${daemon.baseUrl}sum`, 'http://169.254.169.254/latest', 'https://localhost/x', 'git://10.0.0.1/r', 'http://[::ffff:127.0.0.1]/r']) {
      await assert.rejects(guardGitRemote(url), (e: unknown) => e instanceof BuildError && e.code === 'ADDRESS_REFUSED', url)
    }
  })

  describe('buildFromGit (real Docker)', () => {
    it('refuses a request\'s loopback repo before git runs: the server sees no connection, no container is made', async function () {
      const { docker } = await requireBuilder(this)
      const listener = await countingServer()
      try {
        for (const commit of ['main', 'a'.repeat(40)]) {
          for (const repoUrl of [`http://127.0.0.1:${listener.port}/sum.git`, `git://127.0.0.1:${listener.port}/sum`, `http://localhost:${listener.port}/sum.git`]) {
            await assert.rejects(buildFromGit({ repo: repoUrl, commit, dataDir: join(root, 'data'), labels: TEST_LABELS, useCache: false }),
              (e: unknown) => e instanceof BuildError && e.code === 'ADDRESS_REFUSED', `${repoUrl} @ ${commit}`)
          }
        }
        assert.equal(listener.connections(), 0)
        assert.equal(await leftoverBuildContainers(docker), 0)
      } finally {
        await listener.close()
      }
    })
  })
})
