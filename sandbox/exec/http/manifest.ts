/**
 * The program's own HTTP manifest: a custom section `outlayer.http` holding JSON `{"hosts": ["api.example.com"]}`,
 * at the top level of a module or a component (custom sections may sit anywhere there), so it is covered by the
 * wasm hash like the code. `addHttpManifest` appends one; `readHttpManifest` finds it without a wasm parser beyond
 * the section framing.
 */
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

/** The manifest, `null` without one; a malformed one is refused by the caller (`bad_manifest`). */
export function readHttpManifest (wasm: Uint8Array): HttpManifest | null | 'malformed' {
  let at = 8
  try {
    while (at < wasm.length) {
      const id = wasm[at] as number
      const [size, body] = readLeb(wasm, at + 1)
      const end = body + size
      if (end > wasm.length) return null
      if (id === 0) {
        const [nameLen, nameAt] = readLeb(wasm, body)
        const name = new TextDecoder().decode(wasm.subarray(nameAt, nameAt + nameLen))
        if (name === MANIFEST_SECTION) {
          const json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(wasm.subarray(nameAt + nameLen, end))) as unknown
          const hosts = (json as { hosts?: unknown })?.hosts
          if (!Array.isArray(hosts) || hosts.some(h => typeof h !== 'string')) return 'malformed'
          return { hosts: hosts as string[] }
        }
      }
      at = end
    }
  } catch {
    return 'malformed'
  }
  return null
}

export function addHttpManifest (wasm: Uint8Array, manifest: HttpManifest): Uint8Array {
  const name = new TextEncoder().encode(MANIFEST_SECTION)
  const payload = new TextEncoder().encode(JSON.stringify(manifest))
  const body = [...leb(name.length), ...name, ...payload]
  return new Uint8Array([...wasm, 0, ...leb(body.length), ...body])
}
