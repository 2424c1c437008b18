/**
 * Tiny schema combinators. Each returns Result<T> and names the path of the first problem,
 * so every boundary (RPC, gossip, CLI, config) reports bad input the same way.
 */
import { fail, ok, type Result } from './errors.js'

export type Check<T> = (value: unknown, path: string) => Result<T>

export const str = (opts: { min?: number, max?: number, pattern?: RegExp } = {}): Check<string> => (v, path) => {
  if (typeof v !== 'string') return fail('INVALID', 'expected a string', path)
  if (v.length < (opts.min ?? 0)) return fail('INVALID', `must be at least ${opts.min ?? 0} characters`, path)
  if (opts.max != null && v.length > opts.max) return fail('TOO_LARGE', `must be at most ${opts.max} characters`, path)
  if (opts.pattern != null && !opts.pattern.test(v)) return fail('INVALID', `does not match ${opts.pattern}`, path)
  return ok(v)
}

export const int = (opts: { min?: number, max?: number } = {}): Check<number> => (v, path) => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) return fail('INVALID', 'expected an integer', path)
  if (opts.min != null && v < opts.min) return fail('INVALID', `must be ≥ ${opts.min}`, path)
  if (opts.max != null && v > opts.max) return fail('INVALID', `must be ≤ ${opts.max}`, path)
  return ok(v)
}

/**
 * An unsigned integer that may exceed 2^53: accepted as a decimal string or a safe integer, returned as bigint.
 * u64 by default; `max` widens it (a u128 yocto amount has up to 39 digits).
 */
export const u64 = (opts: { max?: bigint } = {}): Check<bigint> => (v, path) => {
  let n: bigint
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) n = BigInt(v)
  else if (typeof v === 'string' && /^(0|[1-9][0-9]{0,38})$/.test(v)) n = BigInt(v)
  else return fail('INVALID', 'expected an unsigned integer (decimal string or number)', path)
  if (n > (opts.max ?? 0xffff_ffff_ffff_ffffn)) return fail('INVALID', `must be ≤ ${opts.max ?? 'u64 max'}`, path)
  return ok(n)
}

export const bool: Check<boolean> = (v, path) => typeof v === 'boolean' ? ok(v) : fail('INVALID', 'expected a boolean', path)

export const oneOf = <T extends string>(values: readonly T[]): Check<T> => (v, path) =>
  typeof v === 'string' && (values as readonly string[]).includes(v) ? ok(v as T) : fail('INVALID', `must be one of ${values.join(', ')}`, path)

export const optional = <T>(check: Check<T>): Check<T | undefined> => (v, path) => v === undefined || v === null ? ok(undefined) : check(v, path)

export const array = <T>(item: Check<T>, opts: { max?: number } = {}): Check<T[]> => (v, path) => {
  if (!Array.isArray(v)) return fail('INVALID', 'expected an array', path)
  if (opts.max != null && v.length > opts.max) return fail('TOO_LARGE', `at most ${opts.max} items`, path)
  const out: T[] = []
  for (let i = 0; i < v.length; i++) {
    const r = item(v[i], `${path}[${i}]`)
    if (!r.ok) return r
    out.push(r.value)
  }
  return ok(out)
}

type Shape = Record<string, Check<unknown>>
type Parsed<S extends Shape> = { [K in keyof S]: S[K] extends Check<infer T> ? T : never }

/** A plain object with exactly these fields (unknown fields are refused, so signed payloads cannot smuggle data). */
export const object = <S extends Shape>(shape: S, opts: { allowUnknown?: boolean } = {}): Check<Parsed<S>> => (v, path) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail('INVALID', 'expected an object', path)
  const record = v as Record<string, unknown>
  if (opts.allowUnknown !== true) {
    const extra = Object.keys(record).find(k => !Object.hasOwn(shape, k))
    if (extra != null) return fail('INVALID', `unknown field "${extra}"`, path)
  }
  const out: Record<string, unknown> = {}
  for (const [key, check] of Object.entries(shape)) {
    const r = check(record[key], `${path}.${key}`)
    if (!r.ok) return r
    if (r.value !== undefined) out[key] = r.value
  }
  return ok(out as Parsed<S>)
}

/** An externally tagged enum as serde writes it: `{ "Variant": {...} }`. */
export const tagged = <S extends Record<string, Check<unknown>>>(variants: S): Check<{ [K in keyof S]: { [P in K]: S[K] extends Check<infer T> ? T : never } }[keyof S]> => (v, path) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail('INVALID', `expected one of ${Object.keys(variants).join(', ')}`, path)
  const keys = Object.keys(v)
  const tag = keys[0]
  if (keys.length !== 1 || tag == null || !Object.hasOwn(variants, tag)) return fail('INVALID', `expected exactly one of ${Object.keys(variants).join(', ')}`, path)
  const r = variants[tag]!((v as Record<string, unknown>)[tag], `${path}.${tag}`)
  return r.ok ? ok({ [tag]: r.value } as never) : r
}

export const hex = (bytes: number): Check<string> => str({ min: bytes * 2, max: bytes * 2, pattern: /^[0-9a-f]+$/ })
export const base64 = (maxBytes: number): Check<string> => str({ max: Math.ceil(maxBytes / 3) * 4, pattern: /^[A-Za-z0-9+/]*={0,2}$/ })
