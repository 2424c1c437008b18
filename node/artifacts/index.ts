/**
 * node/artifacts: where a request's wasm comes from — the node's one artifact store, a pinned URL, peers (trusted
 * by k registered builders' attestations), or this node's own build. Used by the worker (resolve) and the builder (store).
 */
export { ArtifactResolver, type ArtifactNetwork, type ArtifactResolverComponents, type BuilderContentId, type ConcreteCodeSource, type GitSource, type LocalBuild, type ResolvedWasm } from './resolver.js'
export { fetchPinnedWasm, type FetchUrlArgs } from './fetch-url.js'
export { ArtifactError, type ArtifactErrorCode } from './errors.js'
export { DEFAULT_ARTIFACT_OPTIONS, type ArtifactOptions } from './options.js'
