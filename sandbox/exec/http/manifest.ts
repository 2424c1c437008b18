/**
 * The program's own HTTP manifest: a custom section `outlayer.http` holding JSON `{"hosts": ["api.example.com"]}`,
 * at the top level of a module or a component (custom sections may sit anywhere there), so it is covered by the
 * wasm hash like the code. `addHttpManifest` appends one; `readHttpManifest` finds it without a wasm parser beyond
 * the section framing.
 */
import { wasmKind } from '../component/detect.js'

export const MANIFEST_SECTION = 'outlayer.http'

export interface HttpManifest { hosts: string[] }

function readLeb (bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0
  let shift = 0
  for (let i = at; i < bytes.length && shift < 35; i++) {
    const b = bytes[i] as number
    value += (b & 0x7f) * 2 ** shift
    if ((b & 0x80) === 0) return [value, i + 1]
    shift += 7
  }
  throw new RangeError('bad LEB128')
}

function leb (n: number): number[] {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n = Math.floor(n / 128)
    if (n !== 0) b |= 0x80
    out.push(b)
  } while (n !== 0)
  return out
}

/**
 * The manifest, `null` without one (also for bytes that are not wasm or whose sections do not frame: admission
 * refuses those with its own reason); 'malformed' when the section is there but not `{"hosts": [string]}`.
 */
export function readHttpManifest (wasm: Uint8Array): HttpManifest | null | 'malformed' {
  if (wasmKind(wasm) == null) return null
  let at = 8
  while (at < wasm.length) {
    let section: { id: number, body: number, end: number }
    try {
      const [size, body] = readLeb(wasm, at + 1)
      section = { id: wasm[at] as number, body, end: body + size }
    } catch {
      return null
    }
    if (section.end > wasm.length) return null
    if (section.id === 0) {
      let name: string
      let payload: Uint8Array
      try {
        const [nameLen, nameAt] = readLeb(wasm, section.body)
        name = new TextDecoder().decode(wasm.subarray(nameAt, nameAt + nameLen))
        payload = wasm.subarray(nameAt + nameLen, section.end)
      } catch {
        return null
      }
      if (name === MANIFEST_SECTION) return parseManifest(payload)
    }
    at = section.end
  }
  return null
}

function parseManifest (payload: Uint8Array): HttpManifest | 'malformed' {
  try {
    const hosts = (JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload)) as { hosts?: unknown })?.hosts
    if (!Array.isArray(hosts) || hosts.some(h => typeof h !== 'string')) return 'malformed'
    return { hosts: hosts as string[] }
  } catch {
    return 'malformed'
  }
}

export function addHttpManifest (wasm: Uint8Array, manifest: HttpManifest): Uint8Array {
  const name = new TextEncoder().encode(MANIFEST_SECTION)
  const payload = new TextEncoder().encode(JSON.stringify(manifest))
  const body = [...leb(name.length), ...name, ...payload]
  return new Uint8Array([...wasm, 0, ...leb(body.length), ...body])
}
