/**
 * Gets the wasm a request names (issue 7 §3 step 3): the local artifact store first; then, for a pinned hash, the
 * URL; for a git source, the build key's DHT record and a fetch from a provider, trusted only when at least k
 * builders agree on the hash (trust.ts); otherwise a local build when this node is a builder.
 * Peer fetches are counted where they happen (node/p2p); this file counts store lookups only.
 */
import { buildKey as computeBuildKey, DEFAULT_BUILD_TARGET, type BuildAttestation, type CodeSource } from '../../protocol/index.js'
import type { ArtifactStore } from '../../sandbox/build/index.js'
import type { Logger } from '../log.js'
import type { Metrics } from '../metrics.js'
import { ArtifactError } from './errors.js'
import { fetchPinnedWasm } from './fetch-url.js'
import { DEFAULT_ARTIFACT_OPTIONS, type ArtifactOptions } from './options.js'
import { trustedHash } from './trust.js'

/** What the resolver needs from the mesh (node/p2p MeshNode provides it). */
export interface ArtifactNetwork {
  /** every valid build attestation the DHT holds for a build key */
  findBuildRecords: (buildKey: string, options?: { signal?: AbortSignal }) => Promise<BuildAttestation[]>
  /** the wasm with this sha256 from any provider, verified; throws (WasmFetchError) with each provider's failure */
  fetchWasm: (wasmHash: string, options?: { signal?: AbortSignal }) => Promise<Uint8Array>
}

export interface GitSource { repo: string, commit: string, build_target: string }

/** A local build (the builder role): stores the wasm and announces it, then returns its hash. */
export type LocalBuild = (source: GitSource, signal?: AbortSignal) => Promise<{ wasm_hash: string, compile_ms: number }>

export interface ArtifactResolverComponents {
  store: Pick<ArtifactStore, 'get' | 'put'>
  network?: ArtifactNetwork
  build?: LocalBuild
  logger: Logger
  metrics?: Metrics
}

export interface ResolvedWasm {
  wasm: Uint8Array
  /** sha256 hex of `wasm`: the code hash that goes into the attestation digest */
  hash: string
  /** time spent compiling here (0 when fetched or cached) */
  compileMs: number
  from: 'cache' | 'url' | 'peer' | 'build'
}

export type ConcreteCodeSource = Exclude<CodeSource, { Project: unknown }>

export class ArtifactResolver {
  private readonly log: Logger
  constructor (private readonly components: ArtifactResolverComponents, private readonly options: ArtifactOptions = DEFAULT_ARTIFACT_OPTIONS) {
    this.log = components.logger.child({ module: 'artifacts' })
  }

  async resolve (source: CodeSource, signal?: AbortSignal): Promise<ResolvedWasm> {
    if ('WasmUrl' in source) {
      const { url, hash } = source.WasmUrl
      const cached = await this.cached(hash)
      if (cached != null) return { wasm: cached, hash, compileMs: 0, from: 'cache' }
      const wasm = await fetchPinnedWasm({ url, hash, maxBytes: this.options.maxWasmBytes, ...(signal != null ? { signal } : {}) })
      await this.components.store.put(wasm)
      return { wasm, hash, compileMs: 0, from: 'url' }
    }
    if ('GitHub' in source) return await this.fromGit({ ...source.GitHub, build_target: source.GitHub.build_target ?? DEFAULT_BUILD_TARGET }, signal)
    throw new ArtifactError('SOURCE_UNSUPPORTED', 'a Project source must be resolved to its version first (roles/worker/project.ts)')
  }

  private async cached (hash: string): Promise<Uint8Array | undefined> {
    const bytes = await this.components.store.get(hash)
    this.components.metrics?.artifactLookups.inc({ result: bytes != null ? 'hit' : 'miss' })
    return bytes
  }

  private async fromGit (git: GitSource, signal?: AbortSignal): Promise<ResolvedWasm> {
    const { network, build } = this.components
    const k = this.options.trustBuilders
    const key = computeBuildKey({ ...git, builder_image: this.options.builderImage })
    const records = network != null ? await network.findBuildRecords(key, signal != null ? { signal } : {}) : []
    const hash = trustedHash(records, key, k)
    if (hash != null) {
      const cached = await this.cached(hash)
      if (cached != null) return { wasm: cached, hash, compileMs: 0, from: 'cache' }
      try {
        const fetched = await network!.fetchWasm(hash, signal != null ? { signal } : {})
        await this.components.store.put(fetched)
        return { wasm: fetched, hash, compileMs: 0, from: 'peer' }
      } catch (err) {
        // every provider's reason is in the error; a builder here may still build it
        this.log.debug({ err, wasmHash: hash }, 'no provider delivered the trusted wasm')
        if (build == null) throw new ArtifactError('WASM_UNAVAILABLE', `the trusted build of ${git.repo}@${git.commit} could not be fetched: ${(err as Error).message}`, { cause: err })
      }
    }
    if (build == null) throw new ArtifactError('WASM_UNAVAILABLE', `no trusted build of ${git.repo}@${git.commit} (k=${k}) and this node is not a builder`)
    const built = await build(git, signal)
    const wasm = await this.components.store.get(built.wasm_hash)
    if (wasm == null) throw new ArtifactError('WASM_UNAVAILABLE', `the build of ${git.repo}@${git.commit} left no artifact`)
    return { wasm, hash: built.wasm_hash, compileMs: built.compile_ms, from: 'build' }
  }
}
