/**
 * Which attestations agree, mirroring the contract's rule (contract/src/quorum.ts) so that what we submit is what
 * it accepts:
 *  - identical: group by the signed fields (success, output hash, error, instructions); the biggest group wins
 *    when it has at least Q members.
 *  - median: the successful reveals whose output is exactly one strict JSON number (protocol `numericValue`) are
 *    the candidates; with at least 2Q−1 of them, ordered by value (ties keep submission order), the lower median
 *    (index ⌊(n−1)/2⌋, protocol `medianOf`) wins and every candidate agrees. With fewer the identical rule applies.
 * Results agree when code_hash, success, output hash, error, instructions and transcript_hash are equal.
 */
import { medianOf, numericValue, type AttestationPayload } from '../../../protocol/index.js'

export type Aggregation = 'identical' | 'median'

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

/** One vote per worker (the first seen), in worker-id order so every aggregator builds the same submission. */
export function findQuorum (attestations: readonly AttestationPayload[], quorum: number, aggregation: Aggregation = 'identical'): QuorumOutcome | undefined {
  const byWorker = new Map<string, AttestationPayload>()
  for (const a of attestations) if (!byWorker.has(a.worker_id)) byWorker.set(a.worker_id, a)
  const votes = [...byWorker.values()].sort((a, b) => a.worker_id < b.worker_id ? -1 : a.worker_id > b.worker_id ? 1 : 0)
  return (aggregation === 'median' ? medianRule(votes, quorum) : undefined) ?? identical(votes, quorum)
}

/** Median of integers; the lower middle for an even count, so the result is always one of the inputs. */
export function median (values: readonly number[]): number {
  return medianOf(values, v => v, 1) ?? 0
}
