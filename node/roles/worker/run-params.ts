/**
 * What a request's params ask of its run beyond the code and limits: the consensus mode for outside responses and
 * the HTTP the request grants. Both are read from the on-chain request, so every replica derives the same.
 *
 * A malformed one is not skipped but attested as a refusal (refusal.ts, which says why): every replica attests,
 * without running anything, a `trap` named `bad_params:<field>` with 0 instructions (error
 * `trap(bad_params:params.http.allowed_hosts[1])`), under its own instrumenter name, like compile-only's result.
 *
 * A request that uses another account's secrets (secrets_ref) may not add hosts: the owner released them to the
 * program as its manifest lets it talk, and extra hosts would let the requester steer them elsewhere.
 */
import {
  requestHttpOf, responseConsensusOf,
  type ExecutionRequest, type ExecutionResult, type RequestHttp, type ResponseConsensusMode
} from '../../../protocol/index.js'
import { refusalResult } from './refusal.js'

export interface RunParams {
  consensus: ResponseConsensusMode | null
  http: RequestHttp | null
}

/** the instrumenter field of a params refusal: nothing ran, and every worker must say the same */
export const PARAMS_REFUSED_INSTRUMENTER = 'params-refused/1'

export type RunParamsResult = { ok: true, params: RunParams } | { ok: false, refusal: ExecutionResult, message: string }

export function runParamsOf (request: ExecutionRequest): RunParamsResult {
  const params = request.params as Record<string, unknown> | undefined
  const consensus = responseConsensusOf(params)
  if (!consensus.ok) return refused(consensus.error.path, consensus.error.message)
  const mode = consensus.value
  const { replicas, quorum } = request.redundancy
  const usesMedian = mode?.mode === 'median' || (mode?.mode === 'per_field' && Object.values(mode.fields).includes('median'))
  // the contract's rule for a median over outputs: fewer than 2Q−1 replicas could never reach one
  if (usesMedian && 2 * quorum - 1 > replicas) return refused('params.response_consensus', `a median needs replicas ≥ 2·quorum − 1 (${replicas} < ${2 * quorum - 1})`)
  const http = requestHttpOf(params)
  if (!http.ok) return refused(http.error.path, http.error.message)
  // another account's secrets were approved for this program as its manifest allows it to talk: a requester who
  // adds hosts could have the program send them elsewhere (a URL from the input), so only the owner may
  const owner = request.secrets_ref?.account_id
  if (http.value != null && owner != null && owner !== request.predecessor_id) {
    return refused('params.http', `the request uses ${owner}'s secrets: only ${owner} may add hosts to the program's own`)
  }
  return { ok: true, params: { consensus: mode, http: http.value } }
}

const refused = (field: string | undefined, message: string): RunParamsResult =>
  ({ ok: false, refusal: refusalResult(`bad_params:${field ?? 'params'}`, PARAMS_REFUSED_INSTRUMENTER), message })
