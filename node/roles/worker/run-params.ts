/**
 * What a request's params ask of its run beyond the code and limits: the consensus mode for outside responses and
 * the HTTP the request grants. Both are read from the on-chain request, so every replica derives the same.
 *
 * A malformed one is not skipped: skipping would leave every primary without a commit, and the contract slashes
 * primaries that never committed (withhold_share, paid to the payer), so a requester could turn a bad params
 * object into its workers' bonds. Every replica instead attests the same refusal without running anything: a
 * `trap` named `bad_params:<field>` with 0 instructions (error `trap(bad_params:params.http.allowed_hosts[1])`),
 * under its own instrumenter name, like compile-only's result.
 */
import {
  requestHttpOf, resultHash, responseConsensusOf,
  type ExecutionRequest, type ExecutionResult, type RequestHttp, type ResponseConsensusMode
} from '../../../protocol/index.js'

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
  const http = requestHttpOf(params)
  if (consensus.ok && http.ok) return { ok: true, params: { consensus: consensus.value, http: http.value } }
  const error = !consensus.ok ? consensus.error : (http as Extract<typeof http, { ok: false }>).error
  return { ok: false, refusal: paramsRefusedResult(error.path ?? 'params'), message: error.message }
}

function paramsRefusedResult (field: string): ExecutionResult {
  const hashed = { status: 'trap' as const, exit_code: null, trap: `bad_params:${field}`, stdout: new Uint8Array(0), fuel_used: 0n, instrumenter_version: PARAMS_REFUSED_INSTRUMENTER }
  return { ...hashed, stderr: new Uint8Array(0), result_hash: resultHash(hashed), wall_ms: 0 }
}
