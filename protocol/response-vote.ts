/**
 * Consensus-on-responses (issue 13 §2): the replicas of one request agree on each outside HTTP response during
 * the run. A request opts in with `params.response_consensus`; each replica gossips a `response_vote` per exchange
 * on the `responses` topic, and every replica continues with the response that Q assigned workers voted for.
 *
 *   call_sha256 = sha256( JCS{method, url} )
 *   digest      = sha256( "outlayer-mesh/response-vote/v1" ‖ 0x00 ‖ JCS{call_sha256, status, content_type, body_sha256} )
 *
 * `content_type` is null when the response had none. The digest is what replicas count; the body rides along
 * (≤ MAX_RESPONSE_VOTE_BODY_BYTES) so a replica whose own server answered something else can continue with the
 * agreed one. The check here is the whole schema: a vote whose digest or body hash does not recompute is INVALID.
 */
import { base64 as b64 } from '@scure/base'
import { fail, ok, type Result } from './errors.js'
import { concatBytes, sha256Hex, toBytes } from './hash.js'
import { DOMAIN } from './ids.js'
import { canonicalBytes } from './jcs.js'
import { validateAccountId } from './near.js'
import { base64, hex, int, object, optional, str, type Check } from './validate.js'

/** the consensus modes a request may name in `params.response_consensus` */
export const RESPONSE_CONSENSUS_MODES = ['identical'] as const
export type ResponseConsensusMode = typeof RESPONSE_CONSENSUS_MODES[number]

/** the largest body carried in a vote: the contract's output cap, like an attestation's inline output */
export const MAX_RESPONSE_VOTE_BODY_BYTES = 256 * 1024
/** exchanges per run a vote may name (the executor's own cap is far lower; this only bounds garbage) */
export const MAX_RESPONSE_VOTE_INDEX = 1023

export interface ResponseVotePayload {
  contract_id: string
  request_id: string
  worker_id: string
  /** the run's n-th outside exchange, from 0 */
  index: number
  call_sha256: string
  status: number
  /** absent when the response had no content-type */
  content_type?: string
  body_sha256: string
  /** base64; absent when the body is over MAX_RESPONSE_VOTE_BODY_BYTES (the vote then counts by digest only) */
  body?: string
  digest: string
}

/**
 * The request's consensus mode: null when it did not ask for one; an error (the same on every replica) when it
 * names a mode this protocol does not define.
 */
export function responseConsensusOf (params: Record<string, unknown> | undefined): Result<ResponseConsensusMode | null> {
  const mode = params?.response_consensus
  if (mode === undefined || mode === null) return ok(null)
  if (typeof mode === 'string' && (RESPONSE_CONSENSUS_MODES as readonly string[]).includes(mode)) return ok(mode as ResponseConsensusMode)
  return fail('INVALID', `must be one of ${RESPONSE_CONSENSUS_MODES.join(', ')}`, 'params.response_consensus')
}

export function callHash (method: string, url: string): string {
  return sha256Hex(canonicalBytes({ method, url }))
}

export function responseDigest (r: { call_sha256: string, status: number, content_type: string | null, body_sha256: string }): string {
  return sha256Hex(concatBytes(toBytes(DOMAIN.responseVote), new Uint8Array([0]),
    canonicalBytes({ call_sha256: r.call_sha256, status: r.status, content_type: r.content_type, body_sha256: r.body_sha256 })))
}

const decimal = str({ min: 1, max: 20, pattern: /^(0|[1-9][0-9]*)$/ })
const accountId: Check<string> = (v, path) => validateAccountId(v, path)

const shape = object({
  contract_id: accountId,
  request_id: decimal,
  worker_id: accountId,
  index: int({ min: 0, max: MAX_RESPONSE_VOTE_INDEX }),
  call_sha256: hex(32),
  status: int({ min: 100, max: 599 }),
  content_type: optional(str({ max: 256 })),
  body_sha256: hex(32),
  body: optional(base64(MAX_RESPONSE_VOTE_BODY_BYTES)),
  digest: hex(32)
})

/** The schema, then the two hashes recomputed (the body's only when it is carried). */
export const responseVotePayloadCheck: Check<ResponseVotePayload> = (v, path) => {
  const r = shape(v, path)
  if (!r.ok) return r
  const vote = r.value as ResponseVotePayload
  if (vote.body != null) {
    let body: Uint8Array
    try { body = b64.decode(vote.body) } catch { return fail('INVALID', 'body is not base64', `${path}.body`) }
    if (body.length > MAX_RESPONSE_VOTE_BODY_BYTES) return fail('TOO_LARGE', `body is over ${MAX_RESPONSE_VOTE_BODY_BYTES} bytes`, `${path}.body`)
    if (sha256Hex(body) !== vote.body_sha256) return fail('INVALID', 'body does not hash to body_sha256', `${path}.body`)
  }
  if (responseDigest({ ...vote, content_type: vote.content_type ?? null }) !== vote.digest) return fail('INVALID', 'digest does not recompute', `${path}.digest`)
  return ok(vote)
}
