/** Defaults for builds: every limit can be overridden per call through `limits`. */
import { homedir } from 'node:os'
import { join } from 'node:path'

export interface BuildLimits {
  /** container memory cap (swap is capped at the same value) @default 2 GiB */
  memoryBytes: number
  /** CPUs the container may use @default 2 */
  cpus: number
  /** max processes in the container @default 256 */
  pids: number
  /** wall-clock limit for the container run @default 300 s */
  timeoutMs: number
  /** size of the tmpfs work dir (/work) @default 1 GiB */
  workBytes: number
  /** cap on the fetched git data @default 200 MiB */
  maxRepoBytes: number
  /** cap on the produced wasm @default 32 MiB */
  maxWasmBytes: number
  /** cap on the git fetch time @default 120 s */
  fetchTimeoutMs: number
}

export const DEFAULT_LIMITS: BuildLimits = {
  memoryBytes: 2 * 1024 ** 3,
  cpus: 2,
  pids: 256,
  timeoutMs: 300_000,
  workBytes: 1024 ** 3,
  maxRepoBytes: 200 * 1024 ** 2,
  maxWasmBytes: 32 * 1024 ** 2,
  fetchTimeoutMs: 120_000
}

/** Where builds keep artifacts (`wasm/`) and build records (`builds/`) unless a dataDir is given. */
export const DEFAULT_DATA_DIR = join(homedir(), '.outlayer')

/** The one target we build; `wasm32-wasi` is the same ABI under its older name and is recorded as this. */
export const DEFAULT_BUILD_TARGET = 'wasm32-wasip1'

/** Lines of build log kept for errors and results. */
export const LOG_TAIL_LINES = 40

/** Uid/gid the build runs as inside the container (nobody). */
export const BUILD_USER = '65534:65534'

/** Artifact store cap used by builds. @default 2 GiB */
export const DEFAULT_STORE_BYTES = 2 * 1024 ** 3
