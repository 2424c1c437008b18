/**
 * The builder role (issue 7 §4): build a git source once, store the wasm in the node's artifact store, sign a
 * BuildAttestation, put it in the DHT record for the build key and provide the wasm, so every other node fetches
 * instead of rebuilding. Serving transfers (with per-peer rate limits) is node/p2p's wasm transfer server.
 * The build itself is sandbox/builder's; this role owns what happens around it (single flight, store, announce).
 */
import { signBuildAttestation, type BuildAttestation, type KeyPair } from '../../../protocol/index.js'
import type { ArtifactStore } from '../../../sandbox/builder/index.js'
import { ArtifactError, type GitSource, type LocalBuild } from '../../artifacts/index.js'
import type { Logger } from '../../log.js'
import type { Metrics } from '../../metrics.js'
import type { MeshNode } from '../../p2p/index.js'

/** sandbox/builder's buildFromGit, as the builder calls it */
export type GitBuild = (args: { repo: string, commit: string, buildTarget?: string, dataDir?: string, artifacts?: ArtifactStore, signal?: AbortSignal }) =>
Promise<{ wasm_hash: string, size: number, path: string, build_key: string, seconds: number, builder_image: string }>

export interface BuilderInit {
  signingKey: KeyPair
  /** scratch space for builds */
  dataDir?: string
}

export interface BuilderComponents {
  buildFromGit: GitBuild
  /** the node's one artifact store: the build writes its wasm there */
  artifacts: ArtifactStore
  /** where the build is announced: the DHT record for its key, and this node as a provider of the wasm */
  dht: Pick<MeshNode, 'putBuildRecord' | 'provideWasm'>
  readFile: (path: string) => Promise<Uint8Array>
  logger: Logger
  metrics?: Metrics
}

export interface Builder {
  /** one build per build key at a time, however many requests ask for it */
  build: LocalBuild
}

export function builder (init: BuilderInit): (components: BuilderComponents) => Builder {
  return (components) => {
    const inFlight = new Map<string, ReturnType<LocalBuild>>()
    const log = components.logger.child({ module: 'builder' })
    const announce = async (attestation: BuildAttestation): Promise<void> => {
      await components.dht.putBuildRecord(attestation)
      await components.dht.provideWasm(attestation.wasm_hash)
    }
    const run = async (source: GitSource, signal?: AbortSignal): Promise<{ wasm_hash: string, compile_ms: number }> => {
      const started = performance.now()
      let built: Awaited<ReturnType<GitBuild>>
      try {
        built = await components.buildFromGit({
          repo: source.repo, commit: source.commit, buildTarget: source.build_target, artifacts: components.artifacts, ...(init.dataDir != null ? { dataDir: init.dataDir } : {}), ...(signal != null ? { signal } : {})
        })
      } catch (err) {
        components.metrics?.artifactBuilds.inc({ outcome: 'error' })
        throw new ArtifactError('BUILD_FAILED', `build of ${source.repo}@${source.commit} failed: ${(err as Error).message}`, { cause: err })
      }
      components.metrics?.artifactBuilds.inc({ outcome: 'ok' })
      components.metrics?.artifactBuildSeconds.observe(built.seconds)
      const hash = await components.artifacts.put(await components.readFile(built.path))
      // the content id of the image that really built it (never a tag), so the key is the one workers look up
      const attestation = signBuildAttestation({
        repo: source.repo, commit: source.commit, build_target: source.build_target, builder_image: built.builder_image,
        wasm_hash: hash, size: built.size
      }, init.signingKey)
      await announce(attestation).catch(err => log.warn({ err, buildKey: attestation.build_key }, 'build announce failed'))
      log.info({ repo: source.repo, commit: source.commit, wasmHash: hash, seconds: built.seconds }, 'built')
      return { wasm_hash: hash, compile_ms: Math.round(performance.now() - started) }
    }
    const build: LocalBuild = async (source, signal) => {
      const key = `${source.repo}@${source.commit}/${source.build_target}`
      let p = inFlight.get(key)
      if (p == null) {
        p = run(source, signal).finally(() => inFlight.delete(key))
        inFlight.set(key, p)
      }
      return await p
    }
    return { build }
  }
}
