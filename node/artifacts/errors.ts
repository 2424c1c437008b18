/** Why the wasm a request names could not be had; fixed codes, safe as metric labels. */
import { CodedError } from '../errors.js'
export type ArtifactErrorCode =
  /** the source kind cannot be fetched (e.g. an ipfs:// URL, or a Project not resolved first) */
  | 'SOURCE_UNSUPPORTED'
  /** download failed or too large, or no trusted build and no builder here: may go away, retried */
  | 'WASM_UNAVAILABLE'
  /** this node's build of the git source failed (bad repo, compile error, limits): deterministic, not retried */
  | 'BUILD_FAILED'
  /** bytes whose sha256 is not the pinned or trusted hash */
  | 'WASM_HASH_MISMATCH'

export class ArtifactError extends CodedError<ArtifactErrorCode> { override readonly name = 'ArtifactError' }
