import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js'
import { canonicalBytes } from './jcs.js'

const utf8 = new TextEncoder()

export function toBytes (data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? utf8.encode(data) : data
}

export function sha256 (data: Uint8Array | string): Uint8Array {
  return nobleSha256(toBytes(data))
}

export function sha256Hex (data: Uint8Array | string): string {
  return bytesToHex(sha256(data))
}

/** sha256 over the RFC 8785 form of a JSON value, as lowercase hex. */
export function canonicalHash (value: unknown): string {
  return sha256Hex(canonicalBytes(value))
}

export const toHex = bytesToHex

export function fromHex (hex: string): Uint8Array {
  return nobleHexToBytes(hex)
}

export function isHex (value: unknown, bytes: number): value is string {
  return typeof value === 'string' && value.length === bytes * 2 && /^[0-9a-f]*$/.test(value)
}

export function concatBytes (...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) { out.set(p, offset); offset += p.length }
  return out
}

export function u64le (value: bigint | number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(value), true)
  return out
}
