/**
 * The builder role (issue 7 §4): build a git source once, store the wasm, sign a BuildAttestation, put it in the
 * DHT record for the build key and provide the wasm, so every other node fetches instead of rebuilding.
 * Serving transfers (with per-peer rate limits) is node/p2p's wasm transfer server.
 */
import type { Logger } from 'pino'
import { signBuildAttestation, type BuildAttestation, type KeyPair } from '../../../protocol/index.js'
import type { ArtifactStore } from '../../../sandbox/builder/index.js'
import type { Metrics } from '../../metrics.js'
import { WorkerError, type LocalBuild } from '../worker/index.js'

/** sandbox/builder's buildFromGit, as the builder calls it */
export type GitBuild = (args: { repo: string, commit: string, buildTarget?: string, dataDir?: string }) =>
Promise<{ wasm_hash: string, size: number, path: string, build_key: string, seconds: number }>

export interface BuilderInit {
  signingKey: KeyPair
  builderImage: string
  dataDir?: string
}

export interface BuilderComponents {
  buildFromGit: GitBuild
  artifacts: Pick<ArtifactStore, 'put'>
  /** puts the DHT record and provides the wasm (and gossips the build) */
  announce: (attestation: BuildAttestation) => Promise<void>
  readFile: (path: string) => Promise<Uint8Array>
  logger: Logger
  metrics?: Metrics
}

/** One build per build key at a time, however many requests ask for it. */
export function builder (init: BuilderInit): (components: BuilderComponents) => LocalBuild {
  return (components) => {
    const inFlight = new Map<string, ReturnType<LocalBuild>>()
    const log = components.logger.child({ module: 'builder' })
    const run: LocalBuild = async (source) => {
      const started = performance.now()
      let built: Awaited<ReturnType<GitBuild>>
      try {
        built = await components.buildFromGit({ repo: source.repo, commit: source.commit, buildTarget: source.build_target, ...(init.dataDir != null ? { dataDir: init.dataDir } : {}) })
      } catch (err) {
        components.metrics?.artifactBuilds.inc({ outcome: 'error' })
        throw new WorkerError('BUILD_FAILED', `build of ${source.repo}@${source.commit} failed: ${(err as Error).message}`, { cause: err })
      }
      components.metrics?.artifactBuilds.inc({ outcome: 'ok' })
      components.metrics?.artifactBuildSeconds.observe(built.seconds)
      const hash = await components.artifacts.put(await components.readFile(built.path))
      const attestation = signBuildAttestation({
        repo: source.repo, commit: source.commit, build_target: source.build_target, builder_image: init.builderImage,
        wasm_hash: hash, size: built.size
      }, init.signingKey)
      await components.announce(attestation).catch(err => log.warn({ err, buildKey: attestation.build_key }, 'build announce failed'))
      log.info({ repo: source.repo, commit: source.commit, wasmHash: hash, seconds: built.seconds }, 'built')
      return { wasm_hash: hash, compile_ms: Math.round(performance.now() - started) }
    }
    return async (source, signal) => {
      const key = `${source.repo}@${source.commit}/${source.build_target}`
      let p = inFlight.get(key)
      if (p == null) {
        p = run(source, signal).finally(() => inFlight.delete(key))
        inFlight.set(key, p)
      }
      return await p
    }
  }
}
