/**
 * Gets the wasm a request names (issue 7 §3 step 3): the local artifact store first; then, for a pinned hash, the
 * URL; for a git source, the build key's DHT record and a fetch from a provider, trusted only when at least k
 * registered builders agree on the hash and none disagrees (node/p2p trustedWasmHash); otherwise (no quorum, a
 * disagreement, or no provider delivered) a local build when this node is a builder. Build keys are computed from
 * the builder image's content id only (sandbox/builder builderBuildKey), never from its tag.
 * Peer fetches are counted where they happen (node/p2p); this file counts store lookups only.
 */
import { DEFAULT_BUILD_TARGET, type BuildAttestation, type CodeSource } from '../../protocol/index.js'
import { builderBuildKey, type ArtifactStore } from '../../sandbox/builder/index.js'
import type { Logger } from '../log.js'
import type { Metrics } from '../metrics.js'
import { ArtifactError } from './errors.js'
import { fetchPinnedWasm } from './fetch-url.js'
import { DEFAULT_ARTIFACT_OPTIONS, type ArtifactOptions } from './options.js'
import { ANY_KEY, trustedWasmHash, type IsRegisteredKey } from '../p2p/index.js'

/** What the resolver needs from the mesh (node/p2p MeshNode provides it). */
export interface ArtifactNetwork {
  /** every valid build attestation the DHT holds for a build key */
  findBuildRecords: (buildKey: string, options?: { signal?: AbortSignal }) => Promise<BuildAttestation[]>
  /** the wasm with this sha256 from any provider, verified; throws (WasmFetchError) with each provider's failure */
  fetchWasm: (wasmHash: string, options?: { signal?: AbortSignal }) => Promise<Uint8Array>
}

/** The builder image's content id (`outlayer-builder:2@sha256:…`) that build keys name; throws when unknown here. */
export type BuilderContentId = () => Promise<string>

export interface GitSource { repo: string, commit: string, build_target: string }

/** A local build (the builder role): stores the wasm and announces it, then returns its hash. */
export type LocalBuild = (source: GitSource, signal?: AbortSignal) => Promise<{ wasm_hash: string, compile_ms: number }>

export interface ArtifactResolverComponents {
  store: Pick<ArtifactStore, 'get' | 'put'>
  network?: ArtifactNetwork
  build?: LocalBuild
  /** needed for git sources only */
  builderImage?: BuilderContentId
  /** registered workers' keys: only their build attestations count @default every key (tests without a chain) */
  isRegisteredKey?: IsRegisteredKey
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

  private async buildKey (git: GitSource): Promise<string> {
    const contentId = this.components.builderImage
    if (contentId == null) throw new ArtifactError('SOURCE_UNSUPPORTED', 'git sources need the builder image content id: set worker.builderImage in the config (outlayer-builder:2@sha256:…) or give the node the builder role')
    try {
      return builderBuildKey(git, await contentId())
    } catch (err) {
      throw new ArtifactError('SOURCE_UNSUPPORTED', `no build key for ${git.repo}@${git.commit}: ${(err as Error).message}`, { cause: err })
    }
  }

  private async fromGit (git: GitSource, signal?: AbortSignal): Promise<ResolvedWasm> {
    const { network, build } = this.components
    const k = this.options.trustBuilders
    const key = await this.buildKey(git)
    const records = network != null ? await network.findBuildRecords(key, signal != null ? { signal } : {}) : []
    const trust = trustedWasmHash({ buildKey: key, attestations: records }, this.components.isRegisteredKey ?? ANY_KEY, k)
    if (trust.ok) {
      const hash = trust.wasmHash
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
    } else {
      // DISAGREEMENT: a bonded builder lies; a builder here rebuilds (its record joins the others), a worker refuses
      if (trust.code === 'DISAGREEMENT') this.log.warn({ buildKey: key, hashes: trust.hashes }, 'registered builders disagree on a build')
      if (build == null) throw new ArtifactError('WASM_UNAVAILABLE', `no trusted build of ${git.repo}@${git.commit} (${trust.code}: ${trust.message}) and this node is not a builder`)
    }
    const built = await build!(git, signal)
    const wasm = await this.components.store.get(built.wasm_hash)
    if (wasm == null) throw new ArtifactError('WASM_UNAVAILABLE', `the build of ${git.repo}@${git.commit} left no artifact`)
    return { wasm, hash: built.wasm_hash, compileMs: built.compile_ms, from: 'build' }
  }
}
