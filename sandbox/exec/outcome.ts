/** Turns how a run ended into an ExecutionResult (protocol/result.ts); only deterministic outcomes get a hash. */
import { isDeterministic, resultHash, type ExecutionResult, type ExecutionStatus } from '../../protocol/result.js'
import { transcriptHash, type TranscriptEntry } from '../../protocol/transcript.js'
import { INSTRUMENTER_VERSION } from './version.js'

export interface RunEnd {
  status: ExecutionStatus
  exit_code?: number | null
  trap?: string | null
  stdout?: Uint8Array
  stderr?: Uint8Array
  fuel_used?: bigint
  wall_ms?: number
  message?: string
  /** the run's outside I/O, in order (http/session.ts); hashed into the result when not empty */
  transcript?: TranscriptEntry[]
}

export function finish (end: RunEnd): ExecutionResult {
  const result: ExecutionResult = {
    status: end.status,
    exit_code: end.exit_code ?? (end.status === 'ok' ? 0 : null),
    trap: end.trap ?? null,
    stdout: end.stdout ?? new Uint8Array(0),
    stderr: end.stderr ?? new Uint8Array(0),
    fuel_used: end.fuel_used ?? 0n,
    instrumenter_version: INSTRUMENTER_VERSION,
    result_hash: null,
    wall_ms: end.wall_ms ?? 0,
    transcript_hash: transcriptHash(end.transcript ?? [])
  }
  if (end.message != null) result.message = end.message
  if (end.transcript != null && end.transcript.length > 0) result.transcript = end.transcript
  if (isDeterministic(result.status)) {
    result.result_hash = resultHash({ ...result, status: result.status })
  }
  return result
}

/** V8's trap messages → stable trap kinds (the kind is hashed, the message is not). */
const TRAP_KINDS: Array<[RegExp, string]> = [
  [/unreachable/i, 'unreachable'],
  [/memory access out of bounds|data segment/i, 'memory_out_of_bounds'],
  [/(divide|remainder) by zero/i, 'integer_divide_by_zero'],
  [/integer overflow|unrepresentable/i, 'integer_overflow'],
  [/float unrepresentable|convert/i, 'invalid_conversion_to_integer'],
  [/table index|element segment|table/i, 'table_out_of_bounds'],
  [/signature mismatch|null function/i, 'bad_indirect_call']
]

export function trapKind (message: string): string {
  // "float unrepresentable in integer range" must win over the generic "unrepresentable"
  if (/float unrepresentable/i.test(message)) return 'invalid_conversion_to_integer'
  return TRAP_KINDS.find(([re]) => re.test(message))?.[1] ?? 'unknown'
}
