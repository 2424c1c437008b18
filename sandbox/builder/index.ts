/**
 * sandbox/builder: reproducible git → wasm builds in a Docker builder image, and the content-addressed
 * artifact store (which has no Docker code, so the node uses it for wasm from peers too).
 */
export { BuildError, ArtifactStoreError } from './errors.js'
export type { BuildErrorCode, ArtifactStoreErrorCode } from './errors.js'
export { createArtifactStore } from './artifact-store.js'
export type { ArtifactStore, ArtifactStoreInit } from './artifact-store.js'
export { ensureBuilderImage, BUILDER_IMAGE } from './builder-image.js'
export type { BuilderImage, EnsureBuilderImageInit } from './builder-image.js'
export { DEFAULT_LIMITS, DEFAULT_BUILD_TARGET, DEFAULT_DATA_DIR } from './options.js'
export type { BuildLimits } from './options.js'
export type { OnProgress } from './progress.js'
export { buildFromGit } from './build.js'
export type { BuildFromGitInit, BuildResult } from './build.js'
export { builderBuildKey, isBuilderContentId } from './build-key.js'
export type { BuildSource } from './build-key.js'
