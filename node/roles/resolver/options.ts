/** The resolver's options, each default written once (config.ts composes them from config.json). */
import { LIMITS } from '../../../protocol/index.js'

export interface ResolverOptions {
  /**
   * once Q agree, wait up to this many blocks for the other lease holders' attestations, so that a dissenter is
   * in the submission and recorded (slashed) on chain; submits at once when every lease holder has attested.
   * @default 2
   */
  graceBlocks: number
  /** outputs this large or larger go through submit_execution_output @default LIMITS.inlineOutputBytes (1024) */
  inlineOutputBytes: number
  /** how long a registered worker's key is reused before get_worker is asked again @default 30 s */
  workerTtlMs: number
}

export const DEFAULT_RESOLVER_OPTIONS: ResolverOptions = {
  graceBlocks: 2,
  inlineOutputBytes: LIMITS.inlineOutputBytes,
  workerTtlMs: 30_000
}
