/** Exit codes shared by every subcommand. */
export const EXIT = {
  ok: 0,
  /** something failed on this machine (I/O, engine, network) */
  local: 1,
  /** bad usage, bad input, or a refused module */
  usage: 2,
  /** the guest failed deterministically (exit code, trap, out of fuel, ...) */
  guest: 3,
  /** a local failure of the job: wall-clock timeout or host error */
  jobLocal: 4
} as const

/** Thrown by a command for bad arguments or input: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}
