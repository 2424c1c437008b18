/**
 * One outside response's decision in a consensus round (consensus.ts), a pure function of the votes taken so far,
 * so every replica holding the same votes decides the same:
 *  - identical: the digests, through protocol/aggregation.ts `agreeOnResponse`; ≥ Q equal digests win as soon as
 *    they are in (unique, since Q > R/2);
 *  - median, per_field: only once all R primaries voted; `agreeOnResponse` over the bodies of the 2xx votes (a
 *    body travels in its vote, or in another vote with the same digest; one over the vote's cap counts nowhere,
 *    not even on the replica that fetched it). median continues with the winning vote's status and content-type
 *    (the first, by worker id, of the votes with the winning body); per_field with 200, application/json and
 *    the JCS object of the agreed fields.
 */
import { base64 } from '@scure/base'
import {
  MAX_RESPONSE_VOTE_BODY_BYTES, agreeOnResponse, fromHex, toHex,
  type ResponseConsensusMode, type ResponseVotePayload
} from '../../../protocol/index.js'
import type { AgreedResponse } from '../../../sandbox/exec/index.js'

export type Decision = { ok: true, agreed: AgreedResponse } | { ok: false, detail: string }

export interface DecideArgs {
  /** the first vote of each primary so far, this worker's own included */
  votes: readonly ResponseVotePayload[]
  /** this worker's own digest and response (identical: continued with when it wins) */
  own: { digest: string, response: AgreedResponse }
  replicas: number
  quorum: number
  mode: ResponseConsensusMode
  index: number
  requestId: string
}

/** agreed, refused (the same on every replica), or null: wait for more votes. Throws when only a local failure is left. */
export function decideResponse (args: DecideArgs): Decision | null {
  return args.mode.mode === 'identical' ? byDigest(args) : args.votes.length < args.replicas ? null : byValue(args)
}

const bodyOf = (vote: ResponseVotePayload, votes: readonly ResponseVotePayload[]): string | undefined =>
  vote.body ?? votes.find(v => v.digest === vote.digest && v.body != null)?.body

const refusal = ({ replicas, index }: DecideArgs, detail: string): Decision =>
  ({ ok: false, detail: `all ${replicas} assigned workers voted on response ${index}: ${detail}` })

function byDigest (args: DecideArgs): Decision | null {
  const { votes, own, quorum, replicas, index, requestId } = args
  const agreed = agreeOnResponse(votes.map(v => ({ replica: v.worker_id, value: fromHex(v.digest) })), quorum, { mode: 'identical' })
  if (agreed.ok) {
    const winner = toHex(agreed.value)
    if (winner === own.digest) return { ok: true, agreed: own.response }
    const carrier = votes.find(v => v.digest === winner && v.body != null)
    // only a response over the vote's body cap travels by digest alone: we cannot continue with bytes we never saw
    if (carrier?.body == null) throw new Error(`response ${index} of request ${requestId}: the agreed response is over ${MAX_RESPONSE_VOTE_BODY_BYTES} bytes and not ours`)
    return { ok: true, agreed: { status: carrier.status, contentType: carrier.content_type ?? null, body: base64.decode(carrier.body) } }
  }
  return votes.length >= replicas ? refusal(args, agreed.detail) : null
}

function byValue (args: DecideArgs): Decision {
  const { votes, quorum, mode } = args
  const candidates = votes.flatMap(vote => {
    const body = bodyOf(vote, votes)
    return vote.status >= 200 && vote.status < 300 && body != null ? [{ replica: vote.worker_id, value: base64.decode(body), vote }] : []
  })
  const agreed = agreeOnResponse(candidates, quorum, mode)
  if (!agreed.ok) return refusal(args, `${candidates.length} of them 2xx with a carried body; ${agreed.detail}`)
  if (mode.mode === 'per_field') return { ok: true, agreed: { status: 200, contentType: 'application/json', body: agreed.value } }
  const winner = candidates
    .filter(c => Buffer.compare(c.value, agreed.value) === 0)
    .sort((a, b) => a.replica < b.replica ? -1 : a.replica > b.replica ? 1 : 0)[0]?.vote as ResponseVotePayload
  return { ok: true, agreed: { status: winner.status, contentType: winner.content_type ?? null, body: agreed.value } }
}
