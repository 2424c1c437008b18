/**
 * buildFromGit: (repo, commit or ref, target) → a wasm in the artifact store, built in a fresh container of
 * the builder image, recorded under its build key so the next request for the same key is a cache hit.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { normaliseRepo } from '../../protocol/build-attestation.js'
import { createArtifactStore, type ArtifactStore } from './artifact-store.js'
import { builderBuildKey } from './build-key.js'
import { ensureBuilderImage } from './builder-image.js'
import { runBuildContainer, type ContainerOutcome } from './container.js'
import { containerEnv, containerScript, SCRIPT_EXIT } from './container-script.js'
import { connectDocker } from './docker.js'
import { BuildError } from './errors.js'
import { guardGitRemote, type GitRemote } from './git-remote.js'
import { fetchSource, isFullSha, resolveCommit } from './git-source.js'
import type { AddressGuardInit } from '../net/index.js'
import { triedNetwork } from './log-tail.js'
import { DEFAULT_BUILD_TARGET, DEFAULT_DATA_DIR, DEFAULT_LIMITS, DEFAULT_STORE_BYTES, type BuildLimits } from './options.js'
import { noProgress, type OnProgress } from './progress.js'
import { readBuildOutput } from './output.js'
import { toComponent } from './component-target.js'
import { planBuild } from './project.js'

export interface BuildFromGitInit {
  /** git URL, path, or `owner/repo` (GitHub) */
  repo: string
  /** full 40-hex sha, or a branch or tag (resolved with `git ls-remote`; the commit is what is built) */
  commit: string
  /** @default 'wasm32-wasip1' ('wasm32-wasi' is the same target) */
  buildTarget?: string
  /** keeps `builds/` (build records) and, without `artifacts`, `wasm/` (artifact store) @default ~/.outlayer */
  dataDir?: string
  /**
   * where the wasm goes: the node passes its own store, so there is one store per node
   * @default a store on `<dataDir>/wasm` (the CLI)
   */
  artifacts?: ArtifactStore
  limits?: Partial<BuildLimits>
  /**
   * accept file:// URLs and paths: for tests and the operator's own CLI, never for repos named by requests,
   * which must not read this machine's disk @default false
   */
  allowLocalRepos?: boolean
  /**
   * the SSRF guard's settings for remote repos; `{ testOnlyAllow: ['127.0.0.1'] }` lets a test reach its own
   * git server. Production passes nothing: loopback, private, link-local, metadata, ... hosts are refused
   * (ADDRESS_REFUSED) before git runs. @default {}
   */
  addressGuard?: AddressGuardInit
  /** reuse a recorded build of the same build key @default true */
  useCache?: boolean
  onProgress?: OnProgress
  /** extra labels on the build container (e.g. the node's id), to find one node's builds in a shared engine */
  labels?: Record<string, string>
  /** stops the fetch or kills and removes the container; the build then fails with ABORTED */
  signal?: AbortSignal
}

export interface BuildResult {
  /** sha256 hex of the wasm */
  wasm_hash: string
  size: number
  /** the wasm in the artifact store */
  path: string
  build_key: string
  seconds: number
  log_tail: string
  /** the commit built (a branch or tag resolved) */
  commit: string
  build_target: string
  /** content id of the builder image (in the build key) */
  builder_image: string
  /** true when a recorded build was reused and nothing ran */
  cached: boolean
}

/**
 * `wasm32-wasip1` for the build key; `wasm32-wasi` is the name rustc 1.63 knows it by. `wasm32-wasip2` builds
 * for wasip1, then wraps the command as a component (component-target.ts).
 */
function checkTarget (target: string): { buildTarget: string, rustTarget: string, component: boolean } {
  if (target === 'wasm32-wasip1' || target === 'wasm32-wasi') return { buildTarget: 'wasm32-wasip1', rustTarget: 'wasm32-wasi', component: false }
  if (target === 'wasm32-wasip2') return { buildTarget: 'wasm32-wasip2', rustTarget: 'wasm32-wasi', component: true }
  throw new BuildError('UNSUPPORTED_TARGET', `build target ${JSON.stringify(target)} is not supported; use wasm32-wasip1 or wasm32-wasip2`)
}

/** Remote repos over https, http or git://; local ones only when allowed. */
function checkRepo (repo: string, allowLocal: boolean): void {
  if (/^(https?|git):\/\/[^/]/i.test(repo)) return
  if (allowLocal && (/^file:\/\//i.test(repo) || repo.startsWith('/'))) return
  throw new BuildError('INVALID_INPUT', `not a repo we fetch: ${JSON.stringify(repo.slice(0, 200))} (https://, http:// or git:// URLs, or owner/repo${allowLocal ? ', file:// or an absolute path' : ''})`)
}

function failure (outcome: ContainerOutcome, limits: BuildLimits): BuildError | undefined {
  const log = outcome.log.text()
  if (outcome.aborted) return new BuildError('ABORTED', 'the build was aborted', log)
  if (outcome.timedOut) return new BuildError('TIMEOUT', `the build ran over its ${limits.timeoutMs} ms limit`, log)
  if (outcome.oomKilled) return new BuildError('OOM', `the build ran out of its ${limits.memoryBytes} bytes of memory`, log)
  if (outcome.outputTooLarge || outcome.exitCode === SCRIPT_EXIT.tooLarge) return new BuildError('TOO_LARGE', `the output is over the cap of ${limits.maxWasmBytes} bytes`, log)
  if (outcome.exitCode === 0) return undefined
  if (triedNetwork(log)) return new BuildError('NETWORK_DENIED', 'the build tried to use the network, which builds do not have (vendor dependencies)', log)
  return new BuildError('COMPILE_FAILED', `the build failed with exit code ${outcome.exitCode}`, log)
}

export async function buildFromGit (init: BuildFromGitInit): Promise<BuildResult> {
  const started = performance.now()
  const onProgress = init.onProgress ?? noProgress
  const limits: BuildLimits = { ...DEFAULT_LIMITS, ...init.limits }
  const { buildTarget, rustTarget, component } = checkTarget(init.buildTarget ?? DEFAULT_BUILD_TARGET)
  const repo = normaliseRepo(init.repo)
  checkRepo(repo, init.allowLocalRepos === true)
  // checked before git talks to the host (a refused host gets no packet from us), and only when git must: a
  // full sha with a recorded build is a cache hit that needs no network, not even DNS
  let remote: Promise<GitRemote> | undefined
  const guarded = async (): Promise<GitRemote> => await (remote ??= guardGitRemote(repo, init.addressGuard))
  const dataDir = init.dataDir ?? DEFAULT_DATA_DIR
  const store = init.artifacts ?? createArtifactStore(join(dataDir, 'wasm'), { maxBytes: DEFAULT_STORE_BYTES })
  const docker = await connectDocker()
  const image = await ensureBuilderImage({ onProgress })
  const aborted = (): void => { if (init.signal?.aborted === true) throw new BuildError('ABORTED', 'the build was aborted before it started') }
  aborted()
  const ls = isFullSha(init.commit) ? { url: repo, config: [] } : await guarded()
  const commit = await resolveCommit({ url: ls.url, gitConfig: ls.config, ref: init.commit, timeoutMs: limits.fetchTimeoutMs, ...(init.signal != null ? { signal: init.signal } : {}) })
  const key = builderBuildKey({ repo, commit, build_target: buildTarget }, image.contentId)
  const result = (wasmHash: string, size: number, logTail: string, cached: boolean): BuildResult => ({
    wasm_hash: wasmHash, size, path: store.path(wasmHash), build_key: key, seconds: (performance.now() - started) / 1000,
    log_tail: logTail, commit, build_target: buildTarget, builder_image: image.contentId, cached
  })

  const recordPath = join(dataDir, 'builds', `${key}.json`)
  if (init.useCache !== false) {
    const record = await readFile(recordPath, 'utf8').then(t => JSON.parse(t) as { wasm_hash: string, size: number, log_tail: string }).catch(() => undefined)
    if (record != null && await store.has(record.wasm_hash)) {
      onProgress(`cache hit: build ${key.slice(0, 12)} → ${record.wasm_hash.slice(0, 12)}`)
      return result(record.wasm_hash, record.size, record.log_tail, true)
    }
  }

  const work = await mkdtemp(join(tmpdir(), 'outlayer-build-'))
  try {
    const { url, config } = await guarded()
    const source = await fetchSource({ url, gitConfig: config, commit, dir: work, maxRepoBytes: limits.maxRepoBytes, timeoutMs: limits.fetchTimeoutMs, onProgress, signal: init.signal })
    aborted()
    const plan = await planBuild(source.srcDir, rustTarget)
    onProgress(`building ${plan.kind} project at ${commit.slice(0, 12)} in ${image.image}`)
    const outDir = join(work, 'out')
    await mkdir(outDir)
    await chmod(outDir, 0o777) // the build user (nobody) writes the wasm here
    const outcome = await runBuildContainer({
      docker, imageId: image.imageId, srcDir: source.srcDir, outDir, limits,
      script: containerScript(plan, limits.maxWasmBytes), env: containerEnv(source.commitTime), onLine: line => onProgress(`  | ${line}`), signal: init.signal, labels: init.labels
    }).catch(err => { throw new BuildError('ENGINE_FAILED', `the Docker engine failed the build: ${(err as Error).message}`) })
    const error = failure(outcome, limits)
    if (error != null) throw error
    const logTail = outcome.log.text()
    const module = await readBuildOutput(join(outDir, 'out.wasm'), limits.maxWasmBytes, logTail)
    const wasm = component ? await toComponent(module, limits.maxWasmBytes, logTail) : module
    const wasmHash = await store.put(wasm)
    await mkdir(join(dataDir, 'builds'), { recursive: true })
    await writeFile(recordPath, JSON.stringify({ repo, commit, build_target: buildTarget, builder_image: image.contentId, wasm_hash: wasmHash, size: wasm.length, log_tail: logTail }))
    onProgress(`built ${wasmHash} (${wasm.length} bytes)`)
    return result(wasmHash, wasm.length, logTail, false)
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
