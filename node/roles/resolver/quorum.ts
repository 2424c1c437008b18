/**
 * Which attestations agree, mirroring the contract's rule (contract/src/quorum.ts) so that what we submit is what
 * it accepts:
 *  - identical: group by the signed fields (success, output hash, error, instructions); the biggest group wins
 *    when it has at least Q members.
 *  - median: the successful reveals whose output is exactly one strict JSON number (protocol `numericValue`) are
 *    the candidates; with at least 2Q−1 of them, ordered by value (ties keep submission order), the lower median
 *    (index ⌊(n−1)/2⌋, protocol `medianOf`) wins and every candidate agrees. With fewer the identical rule applies.
 *  - per_field: protocol `aggregatePerField` over the successful outputs of the most common code_hash among its
 *    candidates; the contract composes the output itself and the resolve must name it exactly (`composed`),
 *    with every reveal sent with its own output. With no per_field result the identical rule applies.
 * Results agree when code_hash, success, output hash, error, instructions and transcript_hash are equal.
 */
import { aggregatePerField, medianOf, numericValue, perFieldValues, type AttestationPayload, type Redundancy } from '../../../protocol/index.js'
import { outputBytes } from './verify.js'

export type Aggregation = Redundancy['aggregation']
/** what a request's redundancy says about aggregating (a bare mode name for identical and median) */
export type AggregationRule = Aggregation | Pick<Redundancy, 'aggregation' | 'fields'>

export function agreementKey (a: Pick<AttestationPayload, 'code_hash' | 'success' | 'output_hash' | 'error' | 'instructions' | 'transcript_hash'>): string {
  return `${a.code_hash ?? ''}|${a.success ? 1 : 0}|${a.output_hash}|${a.instructions}|${a.error}|${a.transcript_hash ?? ''}`
}

export interface QuorumOutcome {
  /** the attestation whose result the contract returns */
  winner: AttestationPayload
  /** the agreeing attestations, at least `quorum` of them */
  agreeing: AttestationPayload[]
  /** attestations that differ from the quorum (their workers are recorded and slashed on chain) */
  disagreeing: AttestationPayload[]
  /** every vote in the order to submit them: the winner's group first, so the contract's tie rules agree */
  ordered: AttestationPayload[]
  /** per_field: the result the contract composes from the reveals, which the resolve must name */
  composed?: { output: Uint8Array, code_hash: string, instructions: string }
}

/** A successful attestation's output as exactly one strict JSON number (protocol `numericValue`), or undefined. */
export function numericOutput (a: AttestationPayload): number | undefined {
  if (!a.success || a.output == null) return undefined
  return numericValue(Buffer.from(a.output, 'base64'))
}

function identical (votes: AttestationPayload[], quorum: number): QuorumOutcome | undefined {
  const groups = new Map<string, AttestationPayload[]>()
  for (const a of votes) groups.set(agreementKey(a), [...(groups.get(agreementKey(a)) ?? []), a])
  let best: AttestationPayload[] = []
  for (const group of groups.values()) if (group.length > best.length) best = group
  if (best.length === 0 || best.length < quorum) return undefined
  const winners = new Set(best)
  const disagreeing = votes.filter(a => !winners.has(a))
  return { winner: best[0]!, agreeing: best, disagreeing, ordered: [...best, ...disagreeing] }
}

function medianRule (votes: AttestationPayload[], quorum: number): QuorumOutcome | undefined {
  const candidates = votes.map(a => ({ a, v: numericOutput(a) })).filter((c): c is { a: AttestationPayload, v: number } => c.v != null)
  // 2Q−1 candidates: with at most Q−1 liars the lower median lies within the honest values
  const winner = medianOf(candidates, c => c.v, quorum)?.a
  if (winner == null) return undefined
  const agreeing = candidates.map(c => c.a)
  const disagreeing = votes.filter(a => !agreeing.includes(a))
  return { winner, agreeing, disagreeing, ordered: [...agreeing, ...disagreeing] }
}

/** The most common code_hash among the per_field candidates (the first seen on a tie), as the contract keeps them. */
function candidateCode (votes: AttestationPayload[], names: string[]): string | undefined {
  const codes = votes.flatMap(a => { const o = a.success ? outputBytes(a) : undefined; return o != null && perFieldValues(o, names) != null ? [a.code_hash ?? ''] : [] })
  let best: string | undefined
  let bestCount = 0
  for (const c of codes) { const n = codes.filter(d => d === c).length; if (n > bestCount) { best = c; bestCount = n } }
  return best
}

function perFieldRule (votes: AttestationPayload[], quorum: number, fields: NonNullable<Redundancy['fields']>): QuorumOutcome | undefined {
  const code = candidateCode(votes, Object.keys(fields).sort())
  const outputs = votes.map(a => a.success && a.code_hash === code ? outputBytes(a) : undefined)
  const r = aggregatePerField(outputs, quorum, fields)
  if (!r.ok) return undefined
  const agreeing = r.agreeing.map(i => votes[i]!)
  const disagreeing = votes.filter(a => !agreeing.includes(a))
  // charged: the lower median of the agreeing instructions (counts stay far below 2^53)
  const instructions = medianOf(agreeing, a => Number(a.instructions), 1)!.instructions
  // submitted in the order computed: the contract's median ties keep reveal order
  return { winner: agreeing[0]!, agreeing, disagreeing, ordered: votes, composed: { output: r.value, code_hash: code!, instructions } }
}

const ruleOf = (rule: AggregationRule): Pick<Redundancy, 'aggregation' | 'fields'> => typeof rule === 'string' ? { aggregation: rule } : rule

/** One vote per worker (the first seen), in worker-id order so every aggregator builds the same submission. */
export function findQuorum (attestations: readonly AttestationPayload[], quorum: number, rule: AggregationRule = 'identical'): QuorumOutcome | undefined {
  const { aggregation, fields } = ruleOf(rule)
  const byWorker = new Map<string, AttestationPayload>()
  for (const a of attestations) if (!byWorker.has(a.worker_id)) byWorker.set(a.worker_id, a)
  const votes = [...byWorker.values()].sort((a, b) => a.worker_id < b.worker_id ? -1 : a.worker_id > b.worker_id ? 1 : 0)
  const special = aggregation === 'median' ? medianRule(votes, quorum) : aggregation === 'per_field' && fields != null ? perFieldRule(votes, quorum, fields) : undefined
  return special ?? identical(votes, quorum)
}

/** Median of integers; the lower middle for an even count, so the result is always one of the inputs. */
export function median (values: readonly number[]): number {
  return medianOf(values, v => v, 1) ?? 0
}
