/** The resolver's options, each default written once (config.ts composes them from config.json). */
export interface ResolverOptions {
  /**
   * once Q committed reveals agree, submit at once if every committed worker revealed; otherwise wait until this
   * many blocks after the commit phase closed (the last of R commits, or close_at + 1), so that a dissenter who
   * revealed is in the submission and recorded on chain. Counted in chain blocks, not in this node's time.
   * @default 10
   */
  graceBlocks: number
  /** outputs this large or larger are stored with submit_execution_output first (the yield payload holds 1024 bytes, ~700 of output) @default 600 */
  inlineOutputBytes: number
  /** how long a registered worker's key is reused before get_worker is asked again @default 30 s */
  workerTtlMs: number
}

export const DEFAULT_RESOLVER_OPTIONS: ResolverOptions = {
  graceBlocks: 10,
  inlineOutputBytes: 600,
  workerTtlMs: 30_000
}
