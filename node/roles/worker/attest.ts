/**
 * Turns an executor result into what a verification-v2 worker commits to and later reveals
 * (protocol/VERIFICATION-V2.md): the digest v2 over the request's context, the code that ran and the result; its
 * signature; the derived salt; and commit = commitHash(digest, salt). Everything is a pure function of the request,
 * the wasm, the deterministic result and the worker's key, so a restarted worker rebuilds the same commit.
 */
import {
  EMPTY_TRANSCRIPT_HASH, MAX_GOSSIP_OUTPUT_BYTES, attestationDigestV2, commitHash, commitSalt, isDeterministic, responseError,
  sha256Hex, sign, toBytes, toHex, type AttestationContext, type AttestationPayload, type ExecutionRequest, type ExecutionResult, type KeyPair
} from '../../../protocol/index.js'
import { WorkerError } from './errors.js'

export interface AttestArgs {
  contractId: string
  /** the contract's network id (the event's network_id wins) */
  networkId: string
  request: ExecutionRequest
  workerId: string
  /** sha256 hex of the wasm that ran */
  codeHash: string
  result: ExecutionResult
  key: KeyPair
}

export interface Attested {
  /** the reveal, gossiped once the commit phase closed */
  reveal: AttestationPayload
  /** hex of commitHash(digest, salt): what commit_result sends */
  commit: string
}

/** The digest context of a request for one signer. */
export function contextOf (request: ExecutionRequest, contractId: string, networkId: string, workerId: string): AttestationContext {
  return {
    networkId: request.network_id ?? networkId,
    contractId,
    requestId: request.request_id,
    dataId: request.data_id,
    inputHash: request.input_hash ?? sha256Hex(toBytes(request.input_data ?? '')),
    seed: request.seed,
    workerId
  }
}

export function attest ({ contractId, networkId, request, workerId, codeHash, result, key }: AttestArgs): Attested {
  const { status } = result
  if (!isDeterministic(status) || result.result_hash == null) {
    throw new WorkerError('LOCAL_FAILURE', `execution failed locally (${status}${result.message != null ? `: ${result.message}` : ''})`)
  }
  const success = status === 'ok'
  const output = success ? result.stdout : new Uint8Array(0)
  const error = responseError({ status, exit_code: result.exit_code, trap: result.trap })
  // the run's own I/O transcript: the digest and the reveal carry it, so two runs that saw different outside data disagree
  const transcriptHash = result.transcript_hash ?? EMPTY_TRANSCRIPT_HASH
  const digest = attestationDigestV2({
    ...contextOf(request, contractId, networkId, workerId),
    codeHash, success, output, error, instructions: result.fuel_used, transcriptHash
  })
  const salt = commitSalt(key.secretKey, request.request_id)
  return {
    commit: toHex(commitHash(digest, salt)),
    reveal: {
      contract_id: contractId,
      request_id: request.request_id.toString(),
      worker_id: workerId,
      success,
      output: output.length <= MAX_GOSSIP_OUTPUT_BYTES ? Buffer.from(output).toString('base64') : undefined,
      output_hash: sha256Hex(output),
      error,
      instructions: result.fuel_used.toString(),
      time_ms: Math.max(0, Math.round(result.wall_ms)),
      result_hash: result.result_hash,
      code_hash: codeHash,
      transcript_hash: transcriptHash,
      salt: toHex(salt),
      signature: Buffer.from(sign(digest, key.secretKey)).toString('base64')
    }
  }
}
