/**
 * Every build failure is one BuildError with a fixed code and the tail of the build log, so callers
 * (node roles, CLI, tests) branch on `code` and can show the user what the compiler said.
 */
export type BuildErrorCode =
  /** bad arguments: malformed commit, unsupported target, bad outlayer.json */
  | 'INVALID_INPUT'
  | 'UNSUPPORTED_TARGET'
  | 'REPO_NOT_FOUND'
  | 'COMMIT_NOT_FOUND'
  /** the repo has no build we recognise (no Cargo.toml, AssemblyScript project, Makefile, CMake or outlayer.json) */
  | 'UNKNOWN_PROJECT'
  | 'COMPILE_FAILED'
  | 'TIMEOUT'
  | 'OOM'
  /** the fetched repo or the produced wasm is over its size cap */
  | 'TOO_LARGE'
  | 'NETWORK_DENIED'
  /** no Docker engine answers */
  | 'NO_DOCKER'
  /** the builder image is missing and could not be made */
  | 'IMAGE_FAILED'
  /** the engine answered the ping but failed a call (image removed meanwhile, daemon restarted, ...) */
  | 'ENGINE_FAILED'
  /** the caller's AbortSignal fired */
  | 'ABORTED'
  /** the repo's host is or resolves to a loopback, private, link-local, metadata, ... address (SSRF guard) */
  | 'ADDRESS_REFUSED'

export class BuildError extends Error {
  override readonly name = 'BuildError'
  constructor (readonly code: BuildErrorCode, message: string, readonly logTail = '', options?: ErrorOptions) {
    super(logTail !== '' ? `${message}\n--- build log (tail) ---\n${logTail}` : message, options)
  }
}

export type ArtifactStoreErrorCode = 'BAD_HASH' | 'TOO_LARGE'

export class ArtifactStoreError extends Error {
  override readonly name = 'ArtifactStoreError'
  constructor (readonly code: ArtifactStoreErrorCode, message: string) {
    super(message)
  }
}
