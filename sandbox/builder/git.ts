/**
 * Runs git on the host for untrusted repos: no hooks, no system/global config (no insteadOf rewrites),
 * no credential prompts, only the file/git/http(s) transports, with a time limit.
 */
import { spawn } from 'node:child_process'

export class GitFailure extends Error {
  override readonly name = 'GitFailure'
  constructor (readonly args: string[], readonly stderr: string, readonly exitCode: number | null) {
    super(`git ${args.join(' ')} failed (${exitCode ?? 'killed'}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`)
  }
}

const SAFE_ENV = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_ALLOW_PROTOCOL: 'file:git:http:https',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_ASKPASS: '/bin/false',
  GIT_LFS_SKIP_SMUDGE: '1'
}

const SAFE_CONFIG = ['-c', 'core.hooksPath=/dev/null', '-c', 'protocol.file.allow=always', '-c', 'submodule.recurse=false',
  '-c', 'advice.detachedHead=false', '-c', 'init.defaultBranch=main']

export interface GitRun {
  args: string[]
  /** `-c` options placed before args (a remote's pinning, see git-remote.ts) */
  config?: string[]
  timeoutMs: number
  /** called with the child so a size watcher can kill it */
  onSpawn?: (kill: () => void) => void
  signal?: AbortSignal
}

export async function git ({ args, config = [], timeoutMs, onSpawn, signal }: GitRun): Promise<string> {
  return await new Promise((resolve, reject) => {
    const child = spawn('git', [...SAFE_CONFIG, ...config, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(signal != null ? { signal, killSignal: 'SIGKILL' as const } : {}),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', ...SAFE_ENV }
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
    child.stderr.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-4000) })
    const timer = setTimeout(() => { stderr += `\n(timed out after ${timeoutMs} ms)`; child.kill('SIGKILL') }, timeoutMs)
    onSpawn?.(() => child.kill('SIGKILL'))
    child.on('error', err => { clearTimeout(timer); reject(new GitFailure(args, err.message, null)) })
    child.on('close', code => {
      clearTimeout(timer)
      if (code === 0) resolve(stdout)
      else reject(new GitFailure(args, stderr, code))
    })
  })
}
