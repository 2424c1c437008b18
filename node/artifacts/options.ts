/** The artifact unit's options, each default written once (config.ts composes them). */
import { BUILDER_IMAGE } from '../../sandbox/build/index.js'

export interface ArtifactOptions {
  /** builder image named in build keys @default sandbox/build's BUILDER_IMAGE */
  builderImage: string
  /** k: agreeing builder attestations needed to trust a wasm fetched for a git source @default 1 */
  trustBuilders: number
  /** a pinned-URL download larger than this is refused @default 64 MiB */
  maxWasmBytes: number
  /** the node's artifact store cap @default 2 GiB */
  storeBytes: number
}

export const DEFAULT_ARTIFACT_OPTIONS: ArtifactOptions = {
  builderImage: BUILDER_IMAGE,
  trustBuilders: 1,
  maxWasmBytes: 64 * 1024 * 1024,
  storeBytes: 2 * 1024 * 1024 * 1024
}
