/** The resolver's options, each default written once (config.ts composes them from config.json). */
export interface ResolverOptions {
  /**
   * once Q agree, wait up to this many blocks for the other lease holders' attestations, so that a dissenter is
   * in the submission and recorded (slashed) on chain; submits at once when every lease holder has attested.
   * @default 2
   */
  graceBlocks: number
  /** outputs this large or larger are stored with submit_execution_output first (the yield payload holds 1024 bytes, ~700 of output) @default 600 */
  inlineOutputBytes: number
  /** how long a registered worker's key is reused before get_worker is asked again @default 30 s */
  workerTtlMs: number
}

export const DEFAULT_RESOLVER_OPTIONS: ResolverOptions = {
  graceBlocks: 2,
  inlineOutputBytes: 600,
  workerTtlMs: 30_000
}
