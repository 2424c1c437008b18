/** Turns an executor result into the signed attestation a worker gossips (protocol/attestation.ts, messages.ts). */
import {
  MAX_GOSSIP_OUTPUT_BYTES, isDeterministic, responseError, sha256Hex, signAttestation,
  type AttestationPayload, type ExecutionResult, type KeyPair
} from '../../../protocol/index.js'
import { WorkerError } from './errors.js'

export interface AttestArgs {
  contractId: string
  requestId: bigint
  workerId: string
  result: ExecutionResult
  key: KeyPair
}

export function attest ({ contractId, requestId, workerId, result, key }: AttestArgs): AttestationPayload {
  const { status } = result
  if (!isDeterministic(status) || result.result_hash == null) {
    throw new WorkerError('LOCAL_FAILURE', `execution failed locally (${status}${result.message != null ? `: ${result.message}` : ''})`)
  }
  const success = status === 'ok'
  const output = success ? result.stdout : new Uint8Array(0)
  const error = responseError({ status, exit_code: result.exit_code, trap: result.trap })
  const signature = signAttestation({ contractId, requestId, success, output, error, instructions: result.fuel_used }, key.secretKey)
  return {
    contract_id: contractId,
    request_id: requestId.toString(),
    worker_id: workerId,
    success,
    output: output.length <= MAX_GOSSIP_OUTPUT_BYTES ? Buffer.from(output).toString('base64') : undefined,
    output_hash: sha256Hex(output),
    error,
    instructions: result.fuel_used.toString(),
    time_ms: Math.max(0, Math.round(result.wall_ms)),
    result_hash: result.result_hash,
    signature: Buffer.from(signature).toString('base64')
  }
}
