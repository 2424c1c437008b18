/**
 * Which attestations agree, and what response the quorum resolves with. Two attestations agree when they attest
 * the same signed fields: success, output hash, error and instructions (protocol/attestation.ts). `time_ms` is not
 * signed, so the response carries the median of the agreeing workers' times.
 */
import type { AttestationPayload } from '../../../protocol/index.js'

export function agreementKey (a: Pick<AttestationPayload, 'success' | 'output_hash' | 'error' | 'instructions'>): string {
  return `${a.success ? 1 : 0}|${a.output_hash}|${a.instructions}|${a.error}`
}

export interface QuorumOutcome {
  /** the agreeing attestations, sorted by worker id, at least `quorum` of them */
  agreeing: AttestationPayload[]
  /** workers whose attestation differs from the quorum's */
  disagreeing: AttestationPayload[]
}

/** The largest agreeing group when it reaches `quorum`; ties between equal groups cannot both reach a majority quorum. */
export function findQuorum (attestations: readonly AttestationPayload[], quorum: number): QuorumOutcome | undefined {
  // one vote per worker: the first attestation seen from it counts
  const votes = new Map<string, AttestationPayload>()
  for (const a of attestations) if (!votes.has(a.worker_id)) votes.set(a.worker_id, a)
  const groups = new Map<string, AttestationPayload[]>()
  for (const a of votes.values()) groups.set(agreementKey(a), [...(groups.get(agreementKey(a)) ?? []), a])
  let best: AttestationPayload[] = []
  for (const group of groups.values()) if (group.length > best.length) best = group
  if (best.length === 0 || best.length < quorum) return undefined
  const winners = new Set(best.map(a => a.worker_id))
  return {
    agreeing: [...best].sort((a, b) => a.worker_id < b.worker_id ? -1 : 1),
    disagreeing: [...votes.values()].filter(a => !winners.has(a.worker_id))
  }
}

/** Median of integers; the lower middle for an even count, so the result is always one of the inputs. */
export function median (values: readonly number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)]!
}
