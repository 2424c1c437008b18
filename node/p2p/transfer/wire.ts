/**
 * `/outlayer/wasm/1.0.0`, length-prefixed (unsigned varint) frames:
 *   client → server  frame: JSON {hash: <sha256 hex>, max_bytes: n}      then closes its write side
 *   server → client  frame: JSON {status: "ok", size: n}  followed by body frames of ≤ CHUNK_BYTES until n bytes
 *                    or frame: JSON {status: "not_found" | "too_large" | "rate_limited" | "bad_request" | "error"}
 * The client refuses a size above its own cap before reading any body, and hashes what it got: the server is
 * never trusted for content, only asked.
 */
import { isHex } from '../../../protocol/index.js'
import { MeshError } from '../errors.js'

export const CHUNK_BYTES = 64 * 1024
/** a header or request frame is tiny; anything bigger is a broken or hostile peer */
export const MAX_CONTROL_FRAME_BYTES = 1024

export const TRANSFER_STATUSES = ['ok', 'not_found', 'too_large', 'rate_limited', 'bad_request', 'error'] as const
export type TransferStatus = typeof TRANSFER_STATUSES[number]

export interface TransferRequest {
  hash: string
  max_bytes: number
}

export interface TransferHeader {
  status: TransferStatus
  size?: number
}

const utf8 = new TextEncoder()

export function encodeFrame (value: TransferRequest | TransferHeader): Uint8Array {
  return utf8.encode(JSON.stringify(value))
}

function parseJson (bytes: Uint8Array): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw new MeshError('BAD_INPUT', 'transfer frame is not UTF-8 JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MeshError('BAD_INPUT', 'transfer frame is not an object')
  return value as Record<string, unknown>
}

export function decodeRequest (bytes: Uint8Array): TransferRequest {
  const r = parseJson(bytes)
  if (!isHex(r.hash, 32)) throw new MeshError('BAD_INPUT', 'request hash must be 32 bytes of lowercase hex')
  if (typeof r.max_bytes !== 'number' || !Number.isSafeInteger(r.max_bytes) || r.max_bytes < 1) throw new MeshError('BAD_INPUT', 'request max_bytes must be a positive integer')
  return { hash: r.hash, max_bytes: r.max_bytes }
}

export function decodeHeader (bytes: Uint8Array): TransferHeader {
  const h = parseJson(bytes)
  if (typeof h.status !== 'string' || !(TRANSFER_STATUSES as readonly string[]).includes(h.status)) throw new MeshError('BAD_INPUT', 'unknown transfer status')
  if (h.status !== 'ok') return { status: h.status as TransferStatus }
  if (typeof h.size !== 'number' || !Number.isSafeInteger(h.size) || h.size < 0) throw new MeshError('BAD_INPUT', 'transfer size must be a non-negative integer')
  return { status: 'ok', size: h.size }
}
