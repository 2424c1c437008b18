/** Mutators: bytes (wasm, raw envelopes, request text) and JSON values (structure-aware). */
import type { Rng } from './rng.js'

const INTERESTING = [0x00, 0x01, 0x02, 0x0b, 0x3f, 0x40, 0x41, 0x60, 0x7f, 0x80, 0xfc, 0xfd, 0xff]

/** 1–4 random edits: flip a bit, set an interesting or random byte, insert, delete, duplicate, truncate. */
export function mutateBytes (rng: Rng, input: Uint8Array): Uint8Array {
  let out: Uint8Array = input.slice()
  const edits = 1 + rng.int(4)
  for (let e = 0; e < edits; e++) {
    const at = out.length === 0 ? 0 : rng.int(out.length)
    switch (rng.int(7)) {
      case 0: if (out.length > 0) out[at] = (out[at] as number) ^ (1 << rng.int(8)); break
      case 1: if (out.length > 0) out[at] = rng.pick(INTERESTING); break
      case 2: if (out.length > 0) out[at] = rng.int(256); break
      case 3: { // insert
        const extra = Uint8Array.from({ length: 1 + rng.int(8) }, () => rng.chance(0.5) ? rng.pick(INTERESTING) : rng.int(256))
        out = concat(out.subarray(0, at), extra, out.subarray(at))
        break
      }
      case 4: out = concat(out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + rng.int(16)))); break
      case 5: { // duplicate a chunk in place
        const len = Math.min(out.length - at, 1 + rng.int(64))
        out = concat(out.subarray(0, at + len), out.subarray(at, at + len), out.subarray(at + len))
        break
      }
      default: out = out.subarray(0, at)
    }
  }
  return out
}

function concat (...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

/** A random JSON-ish value, sometimes hostile: huge numbers, long or odd strings, deep nesting. */
export function randomValue (rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 3 ? 7 : 10)) {
    case 0: return null
    case 1: return rng.chance(0.5)
    case 2: return rng.pick([0, -1, 1, 2 ** 53, -(2 ** 53), 1e308, -0, 0.5, 2 ** 64, 18446744073709551615])
    case 3: return rng.pick(['', '0', '-1', '18446744073709551616', '1e3', 'alice.test.near', 'ab'.repeat(32), '__proto__', 'x'.repeat(300), '\u0000', '\ud800', 'ed25519:11111111111111111111111111111111'])
    case 4: return String(rng.int(1_000_000))
    case 5: return 'A'.repeat(rng.int(5000))
    case 6: return rng.int(100)
    case 7: return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1))
    case 8: return Object.fromEntries(Array.from({ length: rng.int(4) }, () => [rng.pick(['a', 'type', 'payload', 'constructor', '__proto__', 'v']), randomValue(rng, depth + 1)]))
    default: { let v: unknown = 1; for (let i = 0; i < 1 + rng.int(2000); i++) v = [v]; return v }
  }
}

/** A copy of `value` with 1–3 structural edits: replace a node, drop or add an object key. */
export function mutateJson (rng: Rng, value: unknown): unknown {
  let out = structuredClone(value)
  for (let e = 0, n = 1 + rng.int(3); e < n; e++) out = editAt(rng, out)
  return out
}

function editAt (rng: Rng, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || rng.chance(0.2)) return randomValue(rng)
  if (Array.isArray(value)) {
    if (value.length === 0) return rng.chance(0.5) ? [randomValue(rng)] : randomValue(rng)
    const i = rng.int(value.length)
    value[i] = editAt(rng, value[i])
    return value
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  const op = rng.int(4)
  if (op === 0 && keys.length > 0) { delete record[rng.pick(keys)]; return record }
  if (op === 1) { record[rng.pick(['extra', 'type', 'id', 'params', '__proto__', 'v'])] = randomValue(rng); return record }
  if (keys.length === 0) return randomValue(rng)
  const key = rng.pick(keys)
  record[key] = editAt(rng, record[key])
  return record
}
