/**
 * Gets the wasm a request names (issue 7 §3 step 3): the local artifact store first; then, for a pinned hash, the
 * URL; for a git source, the build key's DHT record and a fetch from a provider, trusted only when at least k
 * builders agree on the hash; otherwise a local build when this node is a builder.
 */
import {
  buildKey as computeBuildKey, verifyBuildAttestation, type BuildAttestation, type CodeSource
} from '../../../protocol/index.js'
import type { ArtifactStore } from '../../../sandbox/builder/index.js'
import type { Metrics } from '../../metrics.js'
import { WorkerError } from './errors.js'
import { fetchPinnedWasm } from './fetch-url.js'

/** What the worker needs from the mesh for artifacts (node/p2p provides it; node/node.ts adapts). */
export interface ArtifactNetwork {
  /** every valid build attestation the DHT holds for a build key */
  findBuilds: (buildKey: string, signal?: AbortSignal) => Promise<BuildAttestation[]>
  /** the wasm with this sha256 from any provider, verified; undefined when nobody has it */
  fetchWasm: (wasmHash: string, signal?: AbortSignal) => Promise<Uint8Array | undefined>
}

/** A local build (the builder role): stores the wasm and announces it, then returns its hash. */
export type LocalBuild = (source: { repo: string, commit: string, build_target: string }, signal?: AbortSignal) => Promise<{ wasm_hash: string, compile_ms: number }>

export interface WasmResolverComponents {
  artifacts: Pick<ArtifactStore, 'get' | 'put'>
  network?: ArtifactNetwork
  build?: LocalBuild
  metrics?: Metrics
}

export interface WasmResolverInit {
  /** builder image named in build keys */
  builderImage: string
  /** k: agreeing builder attestations needed to trust a wasm fetched for a git source @default 1 */
  trustBuilders: number
  /** @default 64 MiB */
  maxWasmBytes?: number
}

export interface ResolvedWasm {
  wasm: Uint8Array
  hash: string
  /** time spent compiling here (0 when fetched or cached) */
  compileMs: number
  from: 'cache' | 'url' | 'peer' | 'build'
}

export const DEFAULT_BUILD_TARGET = 'wasm32-wasip1'

/** The hash ≥ k distinct builders vouch for (largest group), or undefined. */
export function trustedHash (attestations: readonly BuildAttestation[], buildKey: string, k: number): string | undefined {
  const builders = new Map<string, Set<string>>()
  for (const a of attestations) {
    if (a.build_key !== buildKey || !verifyBuildAttestation(a)) continue
    builders.set(a.wasm_hash, (builders.get(a.wasm_hash) ?? new Set()).add(a.builder))
  }
  let best: [string, number] | undefined
  for (const [hash, set] of builders) if (best == null || set.size > best[1]) best = [hash, set.size]
  return best != null && best[1] >= Math.max(1, k) ? best[0] : undefined
}

export class WasmResolver {
  private readonly maxBytes: number
  constructor (private readonly components: WasmResolverComponents, private readonly init: WasmResolverInit) {
    this.maxBytes = init.maxWasmBytes ?? 64 * 1024 * 1024
  }

  async resolve (source: CodeSource, signal?: AbortSignal): Promise<ResolvedWasm> {
    if ('WasmUrl' in source) {
      const { url, hash } = source.WasmUrl
      const cached = await this.cached(hash)
      if (cached != null) return { wasm: cached, hash, compileMs: 0, from: 'cache' }
      const wasm = await fetchPinnedWasm({ url, hash, maxBytes: this.maxBytes, ...(signal != null ? { signal } : {}) })
      await this.components.artifacts.put(wasm)
      return { wasm, hash, compileMs: 0, from: 'url' }
    }
    if ('GitHub' in source) return await this.fromGit({ ...source.GitHub, build_target: source.GitHub.build_target ?? DEFAULT_BUILD_TARGET }, signal)
    throw new WorkerError('SOURCE_UNSUPPORTED', 'a Project source must be resolved to its version first (worker/project.ts)')
  }

  private async cached (hash: string): Promise<Uint8Array | undefined> {
    const bytes = await this.components.artifacts.get(hash)
    this.components.metrics?.artifactLookups.inc({ result: bytes != null ? 'hit' : 'miss' })
    return bytes
  }

  private async fromGit (git: { repo: string, commit: string, build_target: string }, signal?: AbortSignal): Promise<ResolvedWasm> {
    const { network, build, metrics } = this.components
    const key = computeBuildKey({ ...git, builder_image: this.init.builderImage })
    const records = network != null ? await network.findBuilds(key, signal) : []
    const hash = trustedHash(records, key, this.init.trustBuilders)
    if (hash != null) {
      const cached = await this.cached(hash)
      if (cached != null) return { wasm: cached, hash, compileMs: 0, from: 'cache' }
      const started = performance.now()
      const fetched = await network!.fetchWasm(hash, signal).catch(() => undefined)
      if (fetched != null) {
        metrics?.artifactFetches.inc({ outcome: 'ok' })
        metrics?.artifactFetchBytes.inc(fetched.length)
        metrics?.artifactFetchSeconds.observe((performance.now() - started) / 1000)
        await this.components.artifacts.put(fetched)
        return { wasm: fetched, hash, compileMs: 0, from: 'peer' }
      }
      metrics?.artifactFetches.inc({ outcome: 'no_provider' })
    }
    if (build == null) throw new WorkerError('WASM_UNAVAILABLE', `no trusted build of ${git.repo}@${git.commit} (k=${this.init.trustBuilders}) and this node is not a builder`)
    const built = await build(git, signal)
    const wasm = await this.components.artifacts.get(built.wasm_hash)
    if (wasm == null) throw new WorkerError('WASM_UNAVAILABLE', `the build of ${git.repo}@${git.commit} left no artifact`)
    return { wasm, hash: built.wasm_hash, compileMs: built.compile_ms, from: 'build' }
  }
}
