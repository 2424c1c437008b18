/**
 * A prepared component as bytes: the disk cache's format and what the preparation thread transfers back. Binary,
 * so the caller's thread never parses the cores (a 14 MB core as base64 inside JSON held the event loop ~300 ms):
 *
 *   "outlayer-component/1" ‖ u32le header length ‖ header (JSON {glue: byte length, cores: [[name, byte length]]})
 *   ‖ glue (utf8) ‖ each core's bytes, in header order
 *
 * Decoding reads the small header and the glue; the cores are views into the same buffer, not copies.
 */
import type { InstrumentedComponent } from './admit.js'

const MAGIC = new TextEncoder().encode('outlayer-component/1')
const HEADER_AT = MAGIC.length + 4

interface Header { glue: number, cores: Array<[string, number]> }

export class StoredComponentError extends Error {
  override readonly name = 'StoredComponentError'
}

/** Runs in the preparation thread: one buffer, so it is transferred, never copied. */
export function encodeComponent (c: InstrumentedComponent): Uint8Array {
  const glue = new TextEncoder().encode(c.glue)
  const header = new TextEncoder().encode(JSON.stringify({ glue: glue.byteLength, cores: c.cores.map(([name, bytes]) => [name, bytes.byteLength]) } satisfies Header))
  const out = new Uint8Array(HEADER_AT + header.byteLength + glue.byteLength + c.cores.reduce((n, [, b]) => n + b.byteLength, 0))
  out.set(MAGIC)
  new DataView(out.buffer).setUint32(MAGIC.length, header.byteLength, true)
  let at = HEADER_AT
  for (const part of [header, glue, ...c.cores.map(([, bytes]) => bytes)]) {
    out.set(part, at)
    at += part.byteLength
  }
  return out
}

/** Whether the bytes are in this format (an older cache file is not: prepare it again). */
export function isStoredComponent (bytes: Uint8Array): boolean {
  return bytes.byteLength >= HEADER_AT && MAGIC.every((b, i) => bytes[i] === b)
}

/** Throws StoredComponentError when the bytes are not one whole stored component. */
export function decodeComponent (bytes: Uint8Array): InstrumentedComponent {
  if (!isStoredComponent(bytes)) throw new StoredComponentError('not a stored component')
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(MAGIC.length, true)
  let at = HEADER_AT + headerLength
  if (at > bytes.byteLength) throw new StoredComponentError('stored component header runs past the end')
  let header: Header
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER_AT, at))) as Header
  } catch {
    throw new StoredComponentError('stored component header is not JSON')
  }
  const take = (length: number): Uint8Array => {
    if (!Number.isInteger(length) || length < 0 || at + length > bytes.byteLength) throw new StoredComponentError('stored component part runs past the end')
    const part = bytes.subarray(at, at + length)
    at += length
    return part
  }
  const glue = new TextDecoder().decode(take(header.glue))
  const cores = header.cores.map(([name, length]): [string, Uint8Array] => [name, take(length)])
  if (at !== bytes.byteLength) throw new StoredComponentError('stored component has trailing bytes')
  return { glue, cores }
}
