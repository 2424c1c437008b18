/**
 * `outlayer build <git-url> --commit SHA`: builds a repo at a commit into wasm in the builder image and prints
 * {wasm_hash, size, path, build_key, seconds}; `outlayer exec <path>` then runs it.
 */
import type { Command } from 'commander'
import { BuildError, buildFromGit, DEFAULT_BUILD_TARGET, DEFAULT_DATA_DIR, type BuildErrorCode, type BuildLimits } from '../../../sandbox/builder/index.js'
import { EXIT, UsageError } from '../exit-codes.js'

interface BuildOptions {
  commit: string
  target: string
  dataDir: string
  timeoutS?: string
  memoryMb?: string
  cache: boolean
  json?: boolean
}

/** The repo's fault (2), this machine's (1), or the job hit a local limit (4). */
function exitCodeFor (code: BuildErrorCode): number {
  switch (code) {
    case 'INVALID_INPUT': case 'UNSUPPORTED_TARGET': case 'REPO_NOT_FOUND': case 'COMMIT_NOT_FOUND': case 'UNKNOWN_PROJECT':
    case 'COMPILE_FAILED': case 'TOO_LARGE': case 'NETWORK_DENIED': case 'ADDRESS_REFUSED':
      return EXIT.usage
    case 'TIMEOUT': case 'OOM':
      return EXIT.jobLocal
    case 'NO_DOCKER': case 'IMAGE_FAILED': case 'ENGINE_FAILED': case 'ABORTED':
      return EXIT.local
    default:
      return code satisfies never
  }
}

function positive (name: string, value: string | undefined): number | undefined {
  if (value == null) return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number`)
  return n
}

export function register (program: Command): void {
  program.command('build')
    .description('build a git repo at a commit into wasm, reproducibly, in the outlayer-builder Docker image')
    .argument('<git-url>', 'git URL, local path, or owner/repo (GitHub)')
    .requiredOption('--commit <SHA>', 'full 40-hex commit, or a branch or tag (resolved to its commit)')
    .option('--target <T>', 'build target: wasm32-wasip1, or wasm32-wasip2 (a component, by the preview1 adapter)', DEFAULT_BUILD_TARGET)
    .option('--data-dir <D>', 'keeps the artifact store and build records', DEFAULT_DATA_DIR)
    .option('--timeout-s <N>', 'wall-clock limit of the build (default 300)')
    .option('--memory-mb <N>', 'memory limit of the build container (default 2048)')
    .option('--no-cache', 'build even when this build key was built before')
    .option('--json', 'print the result as one JSON line')
    .action(async (repo: string, opts: BuildOptions) => {
      const limits: Partial<BuildLimits> = {}
      const timeoutS = positive('--timeout-s', opts.timeoutS)
      const memoryMb = positive('--memory-mb', opts.memoryMb)
      if (timeoutS != null) limits.timeoutMs = timeoutS * 1000
      if (memoryMb != null) limits.memoryBytes = memoryMb * 1024 ** 2
      // Ctrl-C stops the build and removes its container instead of leaving it running
      const controller = new AbortController()
      const abort = (): void => controller.abort()
      process.once('SIGINT', abort).once('SIGTERM', abort)
      try {
        const r = await buildFromGit({
          // the operator names the repo here, so their own disk is fair game
          repo, commit: opts.commit, buildTarget: opts.target, dataDir: opts.dataDir, limits, useCache: opts.cache, allowLocalRepos: true,
          onProgress: m => process.stderr.write(`${m}\n`), signal: controller.signal
        })
        const summary = { wasm_hash: r.wasm_hash, size: r.size, path: r.path, build_key: r.build_key, seconds: Number(r.seconds.toFixed(3)), commit: r.commit, cached: r.cached }
        process.stdout.write(opts.json === true
          ? `${JSON.stringify(summary)}\n`
          : Object.entries(summary).map(([k, v]) => `${k}: ${String(v)}`).join('\n') + '\n')
      } catch (err) {
        if (!(err instanceof BuildError)) throw err
        process.stderr.write(`error (${err.code}): ${err.message}\n`)
        if (opts.json === true) process.stdout.write(`${JSON.stringify({ error: err.code, message: err.message.split('\n')[0], log_tail: err.logTail })}\n`)
        process.exitCode = exitCodeFor(err.code)
      } finally {
        process.off('SIGINT', abort).off('SIGTERM', abort)
      }
    })
}
