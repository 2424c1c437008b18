/**
 * When no quorum can form any more (contract/src/unreachable.ts, "Quorum unreachable" in contract/README.md): the
 * reveals at hand, of committed workers, disagree so much that even if every committed worker not among them
 * joined the largest group it would stay below Q (and, for median, the possible candidates below 2Q−1; for
 * per_field, protocol `perFieldReachable` says no field set could pass). Then
 * settle_unreachable refunds the payer now instead of at the yield timeout.
 * This node asks only when the contract's last rule holds as well: until reveal_by every committed worker that
 * has not revealed on chain must be among the reveals shown, so it waits for all committed reveals until then.
 */
import { perFieldReachable, type AttestationPayload, type Redundancy } from '../../../protocol/index.js'
import type { AssignmentView } from '../../chain/index.js'
import { agreementKey, numericOutput, type Aggregation } from './quorum.js'
import { outputBytes } from './verify.js'

/** the longest output settle_unreachable takes inline (contract/src/limits.ts); longer ones go by output_hash */
export const MAX_SETTLE_INLINE_OUTPUT = 1024

/** At least two different results among the reveals: the cheap test before asking the chain anything. */
export function hasDisagreement (reveals: readonly AttestationPayload[]): boolean {
  return new Set(reveals.map(agreementKey)).size > 1
}

/** One reveal per committed worker (the first seen), in worker-id order (as the contract takes them). */
function committedReveals (reveals: readonly AttestationPayload[], assignment: AssignmentView): AttestationPayload[] {
  const committed = new Set(assignment.commits.map(c => c.worker_id))
  const byWorker = new Map<string, AttestationPayload>()
  for (const a of reveals) if (committed.has(a.worker_id) && !byWorker.has(a.worker_id)) byWorker.set(a.worker_id, a)
  return [...byWorker.values()].sort((a, b) => a.worker_id < b.worker_id ? -1 : a.worker_id > b.worker_id ? 1 : 0)
}

/** The reveals that prove the request unreachable at `height`, or undefined when a quorum could still form. */
export function unreachableProof (reveals: readonly AttestationPayload[], assignment: AssignmentView, rule: { quorum: number, aggregation: Aggregation, fields?: Redundancy['fields'], height: number, sentInline: (a: AttestationPayload) => boolean }): AttestationPayload[] | undefined {
  const { quorum, aggregation, height } = rule
  if (assignment.phase !== 'revealing') return undefined
  const shown = committedReveals(reveals, assignment)
  const missing = assignment.commits.length - shown.length
  if (shown.length === 0) return undefined
  if (missing > 0 && (assignment.reveal_by == null || height <= assignment.reveal_by)) return undefined
  const groups = new Map<string, number>()
  for (const a of shown) groups.set(agreementKey(a), (groups.get(agreementKey(a)) ?? 0) + 1)
  if (Math.max(...groups.values()) + missing >= quorum) return undefined
  // the contract sees an output sent inline and judges it; one named by its hash could still be numeric
  const candidates = shown.filter(a => a.success && (!rule.sentInline(a) || numericOutput(a) != null)).length
  if (aggregation === 'median' && candidates + missing >= 2 * quorum - 1) return undefined
  // per_field: an output named by hash could be anything, like a commit not shown
  const successes = shown.filter(a => a.success).map(a => rule.sentInline(a) ? outputBytes(a) ?? null : null)
  if (aggregation === 'per_field' && rule.fields != null && perFieldReachable(successes, missing, quorum, rule.fields)) return undefined
  return shown
}
