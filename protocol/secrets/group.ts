/**
 * ristretto255 points and scalars as 32-byte strings, Lagrange interpolation at 0 and the combination of
 * partial decryptions s_i·E into s·E. Identifiers are FROST's: a scalar, 32 bytes little-endian, hex.
 */
import { ristretto255 } from '@noble/curves/ed25519.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { SecretsError } from './errors.js'

export const Point = ristretto255.Point
export type Point = InstanceType<typeof ristretto255.Point>
export const Fn = Point.Fn
export const POINT_BYTES = 32
export const SCALAR_BYTES = 32

/** A canonical, non-identity point, or MALFORMED. */
export function decodePoint (bytes: Uint8Array, what = 'point'): Point {
  if (bytes.length !== POINT_BYTES) throw new SecretsError('MALFORMED', `${what} must be ${POINT_BYTES} bytes`)
  let p: Point
  try { p = Point.fromBytes(bytes) } catch (err) { throw new SecretsError('MALFORMED', `${what} is not a ristretto255 encoding`, { cause: err }) }
  if (p.equals(Point.ZERO)) throw new SecretsError('MALFORMED', `${what} is the identity`)
  return p
}

/** A canonical scalar (< ℓ), or MALFORMED. */
export function decodeScalar (bytes: Uint8Array, what = 'scalar'): bigint {
  if (bytes.length !== SCALAR_BYTES) throw new SecretsError('MALFORMED', `${what} must be ${SCALAR_BYTES} bytes`)
  try { return Fn.fromBytes(bytes) } catch (err) { throw new SecretsError('MALFORMED', `${what} is not a canonical scalar`, { cause: err }) }
}

export const encodeScalar = (s: bigint): Uint8Array => Fn.toBytes(s)

/** A uniformly random non-zero scalar from 64 random bytes (wide reduction, no bias worth the name). */
export function scalarFromWide (bytes64: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes64.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes64[i]!)
  const s = Fn.create(n)
  return s === 0n ? 1n : s
}

/** FROST identifier (hex of the scalar's 32 LE bytes) → scalar, refusing 0 (it would be the secret itself). */
export function identifierScalar (id: string): bigint {
  if (!/^[0-9a-f]{64}$/.test(id)) throw new SecretsError('MALFORMED', 'identifier must be 64 lowercase hex characters')
  const s = decodeScalar(hexToBytes(id), 'identifier')
  if (s === 0n) throw new SecretsError('MALFORMED', 'identifier 0 is not allowed')
  return s
}

export const identifierHex = (s: bigint): string => bytesToHex(encodeScalar(s))

/** λ_i = Π_{j≠i} x_j / (x_j − x_i), evaluated at 0, for each identifier of the set. */
export function lagrangeAtZero (ids: readonly string[]): Map<string, bigint> {
  const xs = ids.map(identifierScalar)
  if (new Set(ids).size !== ids.length) throw new SecretsError('NOT_ENOUGH_PARTIALS', 'duplicate identifiers')
  const out = new Map<string, bigint>()
  xs.forEach((xi, i) => {
    let num = 1n
    let den = 1n
    xs.forEach((xj, j) => {
      if (i === j) return
      num = Fn.mul(num, xj)
      den = Fn.mul(den, Fn.sub(xj, xi))
    })
    out.set(ids[i]!, Fn.div(num, den))
  })
  return out
}

export interface Partial { identifier: string, point: Uint8Array }

/** s·E = Σ λ_i·(s_i·E) over exactly `threshold` partials (the first ones given; callers pass verified ones). */
export function combinePartials (partials: readonly Partial[], threshold: number): Uint8Array {
  if (!Number.isInteger(threshold) || threshold < 1) throw new SecretsError('NOT_ENOUGH_PARTIALS', 'threshold must be a positive integer')
  if (partials.length < threshold) throw new SecretsError('NOT_ENOUGH_PARTIALS', `${partials.length} partials, ${threshold} needed`)
  const used = partials.slice(0, threshold)
  const lambdas = lagrangeAtZero(used.map(p => p.identifier))
  let sum = Point.ZERO
  // the Lagrange coefficients are public: the variable-time multiplication leaks nothing about the partials
  for (const p of used) sum = sum.add(decodePoint(p.point, 'partial').multiplyUnsafe(lambdas.get(p.identifier)!))
  return sum.toBytes()
}
