/**
 * JSON Canonicalization Scheme (RFC 8785) for everything we hash or sign.
 * Object keys are sorted by UTF-16 code units, numbers use ECMAScript's shortest form
 * (which is what RFC 8785 specifies), strings use JSON.stringify's minimal escaping.
 */
import { ProtocolError } from './errors.js'

export function canonicalize (value: unknown): string {
  return encode(value, '$')
}

export function canonicalBytes (value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalize(value))
}

function encode (value: unknown, path: string): string {
  if (value === null) return 'null'
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(value)) throw new ProtocolError('NOT_CANONICAL', `${path}: ${value} has no JSON form`)
      return JSON.stringify(value)
    case 'string':
      return JSON.stringify(value)
    case 'bigint':
      throw new ProtocolError('NOT_CANONICAL', `${path}: bigint must be encoded as a decimal string`)
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v, i) => encode(v, `${path}[${i}]`)).join(',')}]`
      if (value instanceof Uint8Array) throw new ProtocolError('NOT_CANONICAL', `${path}: bytes must be encoded as hex or base64`)
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${encode(v, `${path}.${k}`)}`).join(',')}}`
    }
    default:
      throw new ProtocolError('NOT_CANONICAL', `${path}: ${typeof value} has no JSON form`)
  }
}
