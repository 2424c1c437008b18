/** The median rule's two parts, shared by `median` and `per_field` (aggregation.ts, per-field.ts). */
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/
const MAX_NUMBER_BYTES = 64

/** The output as exactly one strict JSON number (RFC 8259, no whitespace, ≤ 64 bytes, finite), or undefined. */
export function numericValue (output: Uint8Array): number | undefined {
  if (output.length === 0 || output.length > MAX_NUMBER_BYTES) return undefined
  const text = Array.from(output, c => String.fromCharCode(c)).join('')
  if (!NUMBER.test(text)) return undefined
  const n = parseFloat(text)
  return Number.isFinite(n) ? n : undefined
}

/**
 * The median rule: with at least 2Q−1 candidates, the lower median (index ⌊(n−1)/2⌋) of the candidates ordered by
 * value, ties keeping their order; undefined with fewer (the lower median of fewer could be set by the liars).
 */
export function medianOf<T> (candidates: readonly T[], value: (c: T) => number, quorum: number): T | undefined {
  if (candidates.length === 0 || candidates.length < 2 * quorum - 1) return undefined
  const sorted = [...candidates].sort((a, b) => value(a) - value(b)) // Array.prototype.sort is stable
  return sorted[Math.floor((sorted.length - 1) / 2)]
}
