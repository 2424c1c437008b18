/**
 * The I/O transcript of one run: every outside exchange the program made, in order, reduced to what two replicas
 * can compare without revealing bodies or header values (which may carry secrets). Hashed into the result and
 * into verification v2's digest (`transcript_hash`). Encoding: see protocol/README.md.
 */
import { canonicalBytes } from './jcs.js'
import { sha256Hex } from './hash.js'

export interface TranscriptRequest {
  method: string
  url: string
  /** lowercase, sorted, deduplicated */
  header_names: string[]
  body_sha256: string
}

export type TranscriptResponse =
  | { status: number, header_names: string[], body_sha256: string }
  /** a deterministic refusal the program saw instead of a response (e.g. HTTP-request-denied) */
  | { error: string }

export interface HttpTranscriptEntry {
  kind: 'http'
  request: TranscriptRequest
  response: TranscriptResponse
}

/** one NEAR view query (sandbox/exec/near): what was asked at which height, and the hash of the answer the guest got */
export interface NearRpcTranscriptEntry {
  kind: 'near_rpc'
  request: { method: string, account_id: string, method_name: string, args_sha256: string, block_height: number }
  /** `error`: a deterministic refusal or an error about the query (e.g. UNKNOWN_ACCOUNT) */
  response: { result_sha256: string } | { error: string }
}

export type TranscriptEntry = HttpTranscriptEntry | NearRpcTranscriptEntry

/** sha256("") — the transcript hash of a run that made no I/O */
export const EMPTY_TRANSCRIPT_HASH = sha256Hex(new Uint8Array(0))

/** Header names as the transcript keeps them: lowercase, sorted, each once. */
export function headerNames (names: Iterable<string>): string[] {
  return [...new Set([...names].map(n => n.toLowerCase()))].sort()
}

/** JCS of the entry array; empty bytes for no I/O. */
export function transcriptBytes (entries: readonly TranscriptEntry[]): Uint8Array {
  return entries.length === 0 ? new Uint8Array(0) : canonicalBytes(entries)
}

export function transcriptHash (entries: readonly TranscriptEntry[]): string {
  return sha256Hex(transcriptBytes(entries))
}
