/**
 * What a request's params ask of its run beyond the code and limits: the consensus mode for outside responses and
 * the HTTP the request grants. Both are read from the on-chain request, so every replica derives the same; a
 * malformed one is skipped with the field named, the same on every replica (nothing runs, nothing is attested).
 */
import {
  requestHttpOf, responseConsensusOf,
  type ExecutionRequest, type RequestHttp, type ResponseConsensusMode
} from '../../../protocol/index.js'
import { WorkerError } from './errors.js'

export interface RunParams {
  consensus: ResponseConsensusMode | null
  http: RequestHttp | null
}

/** Throws WorkerError CONSENSUS_UNSUPPORTED or HTTP_PARAMS_INVALID. */
export function runParamsOf (request: ExecutionRequest): RunParams {
  const params = request.params as Record<string, unknown> | undefined
  const consensus = responseConsensusOf(params)
  if (!consensus.ok) throw new WorkerError('CONSENSUS_UNSUPPORTED', consensus.error.message)
  const http = requestHttpOf(params)
  if (!http.ok) throw new WorkerError('HTTP_PARAMS_INVALID', http.error.message)
  return { consensus: consensus.value, http: http.value }
}
