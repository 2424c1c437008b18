/** The artifact unit's options, each default written once (config.ts composes them). */
export interface ArtifactOptions {
  /** k: agreeing builder attestations needed to trust a wasm fetched for a git source @default 1 */
  trustBuilders: number
  /** a pinned-URL download larger than this is refused @default 64 MiB */
  maxWasmBytes: number
  /** the node's artifact store cap @default 2 GiB */
  storeBytes: number
}

export const DEFAULT_ARTIFACT_OPTIONS: ArtifactOptions = {
  trustBuilders: 1,
  maxWasmBytes: 64 * 1024 * 1024,
  storeBytes: 2 * 1024 * 1024 * 1024
}
