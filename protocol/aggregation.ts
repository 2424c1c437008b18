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
import { sha256Hex } from './hash.js'
import { medianOf, numericValue } from './median.js'
import { aggregatePerField, type FieldRule } from './per-field.js'

export { medianOf, numericValue } from './median.js'

export type AggregationMode =
  | { mode: 'identical' }
  | { mode: 'median' }
  | { mode: 'per_field', fields: Record<string, FieldRule> }

export type Aggregated =
  | { ok: true, value: Uint8Array, /** indices of the inputs that agree */ agreeing: number[] }
  | { ok: false, reason: 'no_agreement' | 'bad_rule', detail: string }

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

export function aggregate (outputs: readonly Uint8Array[], quorum: number, mode: AggregationMode): Aggregated {
  if (!Number.isInteger(quorum) || quorum < 1) return { ok: false, reason: 'bad_rule', detail: `quorum must be ≥ 1, got ${quorum}` }
  switch (mode.mode) {
    case 'identical': return aggregateIdentical(outputs, quorum)
    case 'median': return aggregateMedian(outputs, quorum)
    case 'per_field': {
      const r = aggregatePerField(outputs, quorum, mode.fields)
      if (r.ok || r.reason === 'bad_rule') return r
      // as on chain (contract/src/quorum.ts): when the rule gives nothing, the identical rule applies
      const same = aggregateIdentical(outputs, quorum)
      return same.ok ? same : fail(`${r.detail}, and ${same.detail}`)
    }
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
