/**
 * What the executor produces and how it is hashed. Only deterministic outcomes are hashed and attested;
 * `timeout` and `host_error` are local failures of one machine and never leave it as a result.
 */
import { canonicalBytes } from './jcs.js'
import { concatBytes, sha256, sha256Hex, toHex } from './hash.js'
import { DOMAIN } from './ids.js'
import { EMPTY_TRANSCRIPT_HASH, type TranscriptEntry } from './transcript.js'

export const DETERMINISTIC_STATUSES = ['ok', 'exit', 'trap', 'out_of_fuel', 'memory_limit', 'depth_limit', 'output_limit'] as const
export const LOCAL_STATUSES = ['timeout', 'host_error'] as const

export type DeterministicStatus = typeof DETERMINISTIC_STATUSES[number]
export type LocalStatus = typeof LOCAL_STATUSES[number]
export type ExecutionStatus = DeterministicStatus | LocalStatus

export function isDeterministic (status: ExecutionStatus): status is DeterministicStatus {
  return (DETERMINISTIC_STATUSES as readonly string[]).includes(status)
}

export interface ExecutionResult {
  status: ExecutionStatus
  /** WASI exit code: 0 for `ok`, the code for `exit`, null otherwise */
  exit_code: number | null
  /** trap kind for `trap` (e.g. `unreachable`, `memory_out_of_bounds`), else null */
  trap: string | null
  stdout: Uint8Array
  stderr: Uint8Array
  fuel_used: bigint
  instrumenter_version: string
  /** hex sha256, see resultHash(); null for local failures */
  result_hash: string | null
  /** local, informative only: never hashed */
  wall_ms: number
  /** human-readable detail for local failures and traps; never hashed */
  message?: string
  /** hex sha256 of the run's I/O transcript (protocol/transcript.ts); absent or sha256("") when it made no I/O */
  transcript_hash?: string
  /** the transcript itself (local, so two replicas that disagree can show why); only its hash is attested */
  transcript?: TranscriptEntry[]
}

export interface ResultHashInput {
  status: DeterministicStatus
  exit_code: number | null
  trap: string | null
  stdout: Uint8Array
  fuel_used: bigint
  instrumenter_version: string
  transcript_hash?: string
}

/**
 * sha256(DOMAIN.result ‖ 0x00 ‖ JCS{status, exit_code, trap, stdout_sha256, fuel_used, instrumenter_version
 * [, transcript_sha256]}). transcript_sha256 is present only for a run that made I/O, so every I/O-free result
 * keeps the hash it always had.
 */
export function resultHash (r: ResultHashInput): string {
  const madeIo = r.transcript_hash != null && r.transcript_hash !== EMPTY_TRANSCRIPT_HASH
  const body = canonicalBytes({
    status: r.status,
    exit_code: r.exit_code,
    trap: r.trap,
    stdout_sha256: sha256Hex(r.stdout),
    fuel_used: r.fuel_used.toString(),
    instrumenter_version: r.instrumenter_version,
    ...(madeIo ? { transcript_sha256: r.transcript_hash } : {})
  })
  return toHex(sha256(concatBytes(new TextEncoder().encode(DOMAIN.result), new Uint8Array([0]), body)))
}

/** The `error` string a response carries for a deterministic failure; empty for `ok`. */
export function responseError (r: { status: DeterministicStatus, exit_code: number | null, trap: string | null }): string {
  switch (r.status) {
    case 'ok': return ''
    case 'exit': return `exit(${r.exit_code ?? -1})`
    case 'trap': return `trap(${r.trap ?? 'unknown'})`
    case 'out_of_fuel':
    case 'memory_limit':
    case 'depth_limit':
    case 'output_limit':
      return r.status
    default:
      return r.status satisfies never
  }
}
