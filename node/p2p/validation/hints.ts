/**
 * The asynchronous half of task, attestation and response_vote validation: does the request the hint names exist? Answered by
 * the node's `lookUpRequest` (an RPC: p2p does not know the chain), and only when the lookup guard admits it
 * (rate/lookup-guard.ts), so a flood of hints for made-up ids costs a bounded number of RPCs.
 *
 * Done inside validation on purpose: a node forwards a hint only after it found the request itself, so an
 * honest relay never carries an attacker's made-up ids, and the miss (a Reject) is charged by gossipsub to the
 * peer that delivered it, which is the flooder.
 *
 * A hint for a request the guard knows exists (the watcher saw it, or an earlier look-up found it) is accepted
 * without a look-up.
 *
 * REJECT UNKNOWN_REQUEST: looked up now and missing, or found missing before.
 * IGNORE LOOKUP_SKIPPED: not looked up (peer or global rate limit, peer over its miss budget, id far ahead of the
 *   highest known, the same id in flight) or the look-up failed (our RPC's problem, not the sender's).
 */
import type { AttestationPayload, Envelope, ResponseVotePayload, TaskPayload } from '../../../protocol/index.js'
import { GossipValidationError } from '../errors.js'
import type { GossipLookupGuard } from '../rate/lookup-guard.js'

/** True when the request named by the hint exists on chain (for this node's contract). */
export type LookUpRequest = (type: 'task' | 'attestation' | 'response_vote', payload: TaskPayload | AttestationPayload | ResponseVotePayload) => Promise<boolean>

export function createHintCheck (guard: GossipLookupGuard, lookUp: LookUpRequest): (envelope: Envelope, from: string) => Promise<void> {
  return async (envelope, from) => {
    if (envelope.type === 'build') return
    const payload = envelope.payload as TaskPayload | AttestationPayload | ResponseVotePayload
    if (guard.known(payload.request_id)) return
    const admission = guard.admit(from, payload.request_id)
    if (!admission.ok) {
      if (admission.reason === 'KNOWN_MISSING') throw new GossipValidationError('reject', 'UNKNOWN_REQUEST', `request ${payload.request_id} is known not to exist`)
      throw new GossipValidationError('ignore', 'LOOKUP_SKIPPED', `request ${payload.request_id} not looked up: ${admission.reason}`)
    }
    let exists: boolean
    try {
      exists = await lookUp(envelope.type, payload)
    } catch (err) {
      admission.release('failed')
      throw new GossipValidationError('ignore', 'LOOKUP_SKIPPED', `look-up of request ${payload.request_id} failed: ${(err as Error).message}`)
    }
    admission.release(exists ? 'found' : 'missing')
    if (!exists) throw new GossipValidationError('reject', 'UNKNOWN_REQUEST', `request ${payload.request_id} does not exist`)
  }
}
