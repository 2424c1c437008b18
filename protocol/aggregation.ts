/**
 * Aggregation modes as pure functions over the outputs (or, for consensus-on-responses, the outside responses)
 * of R replicas, so node and contract can apply the same rule. Every rule needs at least Q inputs to agree; when
 * none does the outcome is a deterministic failure (`no_agreement`), attested as such.
 *  - identical:  byte-identical outputs, the biggest group (ties: the group seen first) with ≥ Q members.
 *  - median:     the contract's rule (contract/src/quorum.ts), which decides: the candidates are the outputs that are
 *                exactly one strict JSON number (RFC 8259 grammar, nothing around it, ≤ 64 bytes, finite: `numericValue`);
 *                with at least 2Q−1 of them, ordered by value (ties keep input order), the lower median (index
 *                ⌊(n−1)/2⌋) wins byte for byte and every candidate agrees (`medianOf`). With at most Q−1 liars both
 *                sides of it hold an honest value. With fewer candidates the identical rule applies, as on chain.
 *                node/roles/resolver/quorum.ts uses `numericValue` and `medianOf`.
 *  - per_field:  outputs that are JSON objects; each named field by its own rule — median (`medianOf` over the
 *                field's finite numbers: ≥ 2Q−1 of them), identical (JCS-equal values, ≥ Q), mode (the most frequent
 *                JCS value among ≥ Q outputs that have the field; ties: the smallest JCS text); the result is the
 *                JCS object of the agreed fields.
 * Consensus-on-responses applies the same rules to the replicas' copies of one outside response, so every
 * replica continues with the agreed one.
 */
import { canonicalBytes, canonicalize } from './jcs.js'
import { sha256Hex } from './hash.js'

export type FieldRule = 'median' | 'identical' | 'mode'
export type AggregationMode =
  | { mode: 'identical' }
  | { mode: 'median' }
  | { mode: 'per_field', fields: Record<string, FieldRule> }

export type Aggregated =
  | { ok: true, value: Uint8Array, /** indices of the inputs that agree */ agreeing: number[] }
  | { ok: false, reason: 'no_agreement' | 'bad_rule', detail: string }

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

const fail = (detail: string): Aggregated => ({ ok: false, reason: 'no_agreement', detail })

export function aggregateIdentical (outputs: readonly Uint8Array[], quorum: number): Aggregated {
  const groups = new Map<string, number[]>()
  outputs.forEach((o, i) => { const k = sha256Hex(o); groups.set(k, [...(groups.get(k) ?? []), i]) })
  let best: number[] = []
  for (const g of groups.values()) if (g.length > best.length) best = g
  if (best.length === 0 || best.length < quorum) return fail(`largest identical group ${best.length} < quorum ${quorum}`)
  return { ok: true, value: outputs[best[0] as number] as Uint8Array, agreeing: best }
}

export function aggregateMedian (outputs: readonly Uint8Array[], quorum: number): Aggregated {
  const candidates = outputs.flatMap((o, i) => { const v = numericValue(o); return v == null ? [] : [{ i, v }] })
  const winner = medianOf(candidates, c => c.v, quorum)
  if (winner == null) {
    const same = aggregateIdentical(outputs, quorum)
    return same.ok ? same : fail(`${candidates.length} numeric outputs < 2Q−1 = ${2 * quorum - 1}, and ${same.detail}`)
  }
  return { ok: true, value: outputs[winner.i] as Uint8Array, agreeing: candidates.map(c => c.i) }
}

function parseObject (output: Uint8Array): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(output)) as unknown
    return v != null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

export function aggregatePerField (outputs: readonly Uint8Array[], quorum: number, fields: Record<string, FieldRule>): Aggregated {
  const names = Object.keys(fields)
  if (names.length === 0) return { ok: false, reason: 'bad_rule', detail: 'per_field names no field' }
  const objects = outputs.map(parseObject)
  const result: Record<string, unknown> = {}
  const agreeing = new Set<number>()
  for (const name of names) {
    const rule = fields[name]
    const present = objects.flatMap((o, i) => o != null && Object.hasOwn(o, name) ? [{ i, value: o[name] }] : [])
    if (rule === 'median') {
      const numbers = present.filter((p): p is { i: number, value: number } => typeof p.value === 'number' && Number.isFinite(p.value))
      const winner = medianOf(numbers, p => p.value, quorum)
      if (winner == null) return fail(`field ${name}: ${numbers.length} numbers < 2Q−1 = ${2 * quorum - 1}`)
      result[name] = winner.value
      numbers.forEach(p => agreeing.add(p.i))
      continue
    }
    if (rule !== 'identical' && rule !== 'mode') return { ok: false, reason: 'bad_rule', detail: `field ${name}: unknown rule ${String(rule)}` }
    const groups = new Map<string, number[]>()
    for (const p of present) { const k = canonicalize(p.value); groups.set(k, [...(groups.get(k) ?? []), p.i]) }
    const ranked = [...groups.entries()].sort(([ka, a], [kb, b]) => b.length - a.length || (ka < kb ? -1 : ka > kb ? 1 : 0))
    const top = ranked[0]
    if (rule === 'identical' && (top == null || top[1].length < quorum)) return fail(`field ${name}: largest identical group ${top?.[1].length ?? 0} < quorum ${quorum}`)
    if (rule === 'mode' && (top == null || present.length < quorum)) return fail(`field ${name}: present in ${present.length} outputs < quorum ${quorum}`)
    const [key, members] = top as [string, number[]]
    result[name] = JSON.parse(key) as unknown
    members.forEach(i => agreeing.add(i))
  }
  return { ok: true, value: canonicalBytes(result), agreeing: [...agreeing].sort((a, b) => a - b) }
}

export function aggregate (outputs: readonly Uint8Array[], quorum: number, mode: AggregationMode): Aggregated {
  if (!Number.isInteger(quorum) || quorum < 1) return { ok: false, reason: 'bad_rule', detail: `quorum must be ≥ 1, got ${quorum}` }
  switch (mode.mode) {
    case 'identical': return aggregateIdentical(outputs, quorum)
    case 'median': return aggregateMedian(outputs, quorum)
    case 'per_field': return aggregatePerField(outputs, quorum, mode.fields)
    default: return { ok: false, reason: 'bad_rule', detail: `unknown mode ${String((mode as { mode: unknown }).mode)}` }
  }
}

/** One replica's copy of one outside response, as exchanged over gossip during the run. */
export interface ResponseVote {
  replica: string
  /** the response body */
  value: Uint8Array
}

/**
 * Consensus-on-responses: one vote per replica (the first seen), ordered by replica id so every replica computes
 * the same thing, then the mode's rule. Every replica continues with `value`; none agreeing is `no_agreement`.
 */
export function agreeOnResponse (votes: readonly ResponseVote[], quorum: number, mode: AggregationMode): Aggregated & { replicas?: string[] } {
  const byReplica = new Map<string, ResponseVote>()
  for (const v of votes) if (!byReplica.has(v.replica)) byReplica.set(v.replica, v)
  const ordered = [...byReplica.values()].sort((a, b) => a.replica < b.replica ? -1 : a.replica > b.replica ? 1 : 0)
  const r = aggregate(ordered.map(v => v.value), quorum, mode)
  return r.ok ? { ...r, replicas: r.agreeing.map(i => (ordered[i] as ResponseVote).replica) } : r
}
