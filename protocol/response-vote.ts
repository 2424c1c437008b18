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
import type { AggregationMode } from './aggregation.js'
import { fail, ok, type Result } from './errors.js'
import { concatBytes, sha256Hex, toBytes } from './hash.js'
import { DOMAIN } from './ids.js'
import { canonicalBytes } from './jcs.js'
import { FIELD_RULES, PER_FIELD, type FieldRule } from './per-field.js'
import { validateAccountId } from './near.js'
import { base64, hex, int, object, oneOf, optional, str, type Check } from './validate.js'

/** the consensus modes a request may name in `params.response_consensus` */
export const RESPONSE_CONSENSUS_MODES = ['identical', 'median', 'per_field'] as const
export type ResponseConsensusMode = AggregationMode
/** fields a per_field spec may name, and their names: the contract's per_field caps (protocol/per-field.ts) */
export const MAX_CONSENSUS_FIELDS = PER_FIELD.maxFields

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

const PATH = 'params.response_consensus'

function fieldsOf (v: unknown): Result<Record<string, FieldRule>> {
  const path = `${PATH}.fields`
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail('INVALID', 'expected an object {field: median | identical | mode}', path)
  const entries = Object.entries(v)
  if (entries.length === 0) return fail('INVALID', 'must name at least one field', path)
  if (entries.length > MAX_CONSENSUS_FIELDS) return fail('TOO_LARGE', `at most ${MAX_CONSENSUS_FIELDS} fields`, path)
  const fields: Record<string, FieldRule> = {}
  for (const [name, rule] of entries) {
    // `__proto__` is refused so no replica builds a result through it
    if (!PER_FIELD.name.test(name) || name === '__proto__') return fail('INVALID', `field name ${JSON.stringify(name.slice(0, 40))} must be 1..32 characters of A-Z a-z 0-9 _`, path)
    const r = oneOf(FIELD_RULES)(rule, `${path}.${name}`)
    if (!r.ok) return r
    fields[name] = r.value
  }
  return ok(fields)
}

/**
 * The request's consensus mode (protocol/aggregation.ts's AggregationMode): null when it did not ask for one; an
 * error naming the field (the same on every replica) when malformed. `"identical"` and `"median"` may be written
 * as a bare string; per_field needs its fields: `{mode: "per_field", fields: {price: "median", source: "mode"}}`.
 */
export function responseConsensusOf (params: Record<string, unknown> | undefined): Result<ResponseConsensusMode | null> {
  const raw = params?.response_consensus
  if (raw === undefined || raw === null) return ok(null)
  const spec = typeof raw === 'string' ? { mode: raw } : raw
  if (typeof spec !== 'object' || Array.isArray(spec)) return fail('INVALID', `must be one of ${RESPONSE_CONSENSUS_MODES.join(', ')}, or {mode, fields}`, PATH)
  const { mode, fields, ...extra } = spec as Record<string, unknown>
  const unknown = Object.keys(extra)[0]
  if (unknown != null) return fail('INVALID', `unknown field "${unknown}"`, PATH)
  const named = oneOf(RESPONSE_CONSENSUS_MODES)(mode, typeof raw === 'string' ? PATH : `${PATH}.mode`)
  if (!named.ok) return named
  if (named.value !== 'per_field') {
    if (fields !== undefined) return fail('INVALID', `only per_field takes fields`, `${PATH}.fields`)
    return ok({ mode: named.value })
  }
  if (typeof raw === 'string') return fail('INVALID', 'per_field needs its fields: {mode: "per_field", fields: {name: median | identical | mode}}', PATH)
  const checked = fieldsOf(fields)
  return checked.ok ? ok({ mode: 'per_field', fields: checked.value }) : checked
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
