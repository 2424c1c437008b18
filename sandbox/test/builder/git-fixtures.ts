/** Test repos made on the fly (fixed author and dates, so commits are the same every run) and a git daemon. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { RepoFiles } from './fixture-sources.js'

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'outlayer test', GIT_AUTHOR_EMAIL: 'test@outlayer.invalid', GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'outlayer test', GIT_COMMITTER_EMAIL: 'test@outlayer.invalid', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1'
}

export interface TestRepo {
  /** the repo's directory (non-bare, served as is) */
  dir: string
  url: string
  commit: string
}

function git (cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim()
}

/** A repo under `root`/`name` with one commit of `files` (and symlinks `links`: path → target) on branch main, tagged v1. */
export function makeRepo (root: string, name: string, files: RepoFiles, links: Record<string, string> = {}): TestRepo {
  const dir = join(root, name)
  mkdirSync(dir, { recursive: true })
  git(dir, ['init', '-q', '-b', 'main'])
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  for (const [path, target] of Object.entries(links)) symlinkSync(target, join(dir, path))
  git(dir, ['add', '-A'])
  git(dir, ['commit', '-q', '-m', name])
  git(dir, ['tag', '-a', 'v1', '-m', 'v1'])
  return { dir, url: `file://${dir}`, commit: git(dir, ['rev-parse', 'HEAD']) }
}

export function tempRoot (label: string): string {
  return mkdtempSync(join(tmpdir(), `outlayer-${label}-`))
}

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    }).on('error', reject)
  })
}

export interface GitDaemon {
  /** git://127.0.0.1:<port>/ */
  baseUrl: string
  stop: () => Promise<void>
}

/** `git daemon` on 127.0.0.1 serving every repo under `root` (read-only, export-all). */
/** The SSRF guard's test-only allowance for the 127.0.0.1 git servers these fixtures start. */
export const LOCAL_GIT_GUARD = { testOnlyAllow: ['127.0.0.1'] } as const

export async function startGitDaemon (root: string): Promise<GitDaemon> {
  const port = await freePort()
  const child: ChildProcess = spawn('git', ['daemon', '--verbose', '--reuseaddr', '--export-all', '--listen=127.0.0.1', `--port=${port}`,
    `--base-path=${root}`, root], { stdio: ['ignore', 'ignore', 'pipe'], env: GIT_ENV })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('git daemon did not start')) }, 10_000)
    child.stderr?.on('data', (c: Buffer) => { if (c.toString().includes('Ready to rumble')) { clearTimeout(timer); resolve() } })
    child.on('exit', code => { clearTimeout(timer); reject(new Error(`git daemon exited with ${code}`)) })
  })
  return {
    baseUrl: `git://127.0.0.1:${port}/`,
    stop: async () => {
      if (child.exitCode != null) return
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
}
