/**
 * Byzantine workers through the node's narrow hook (`NodeOverrides.behaviour`, node/roles/worker WorkerBehaviour):
 * the node runs its normal v2 flow (assignment, execute, commit, reveal) and the behaviour changes only what a
 * dishonest operator could change in its own worker, with the request in hand. Honest nodes get a behaviour too,
 * one that changes nothing and records the honest output (the ground truth for "wrong resume").
 */
import type { AttestationPayload, ExecutionRequest, ExecutionResult } from '../../protocol/index.js'
import type { WorkerBehaviour } from '../../node/roles/worker/index.js'
import { INSTRUMENTER_VERSION } from '../../sandbox/exec/index.js'
import type { ByzantineBehaviour } from '../scenario/types.js'
import { lieFor, withOutput } from './lies.js'

export interface BehaviourContext {
  /** shared by a coordinated group, unique for an independent liar or an equivocator */
  label: string
  /** the behaviour applies from this request index on (request ids are 1, 2, …: index = id − 1) */
  fromRequest: number
  /** every honest output and every lie, by the request's seed */
  record: (seed: string, kind: 'honest' | 'lie', stdout: Uint8Array) => void
  /** lazy copy: the first reveal another worker gossips for this request, or undefined by the deadline */
  copyFrom: (requestId: string, timeoutMs: number) => Promise<AttestationPayload | undefined>
  /** how long a lazy copier waits for someone to copy */
  copyWaitMs: number
}

/** A local failure: attest() refuses it, so the worker commits nothing. */
export function silent (): ExecutionResult {
  return { status: 'timeout', exit_code: null, trap: null, stdout: new Uint8Array(0), stderr: new Uint8Array(0), fuel_used: 0n, instrumenter_version: INSTRUMENTER_VERSION, result_hash: null, wall_ms: 0, message: 'nothing to copy (simulated)' }
}

export function workerBehaviour (behaviour: ByzantineBehaviour | 'honest', ctx: BehaviourContext): WorkerBehaviour {
  const active = (request: ExecutionRequest): boolean => behaviour !== 'honest' && Number(request.request_id) - 1 >= ctx.fromRequest
  const recordHonest = (result: ExecutionResult, request: ExecutionRequest): void => {
    if (result.status === 'ok') ctx.record(request.seed, 'honest', result.stdout)
  }
  const lie = (result: ExecutionResult, request: ExecutionRequest): ExecutionResult => {
    const stdout = lieFor(ctx.label, request.seed, request.input_data ?? '', result.stdout)
    ctx.record(request.seed, 'lie', stdout)
    return withOutput(result, stdout)
  }
  switch (behaviour) {
    case 'honest':
      return { resultTransform: (result, request) => { recordHonest(result, request); return result } }
    case 'wrong-coordinated':
    case 'wrong-independent':
      return { resultTransform: (result, request) => { recordHonest(result, request); return active(request) ? lie(result, request) : result } }
    case 'withhold':
      return { resultTransform: (result, request) => { recordHonest(result, request); return result }, withhold: active }
    case 'equivocate':
      // the worker commits and reveals the honest result and gossips this transform's lie as a second reveal
      return { resultTransform: (result, request) => { recordHonest(result, request); return active(request) ? lie(result, request) : result }, equivocate: active }
    case 'lazy-copy':
      return {
        resultTransform: async (result, request) => {
          if (!active(request)) { recordHonest(result, request); return result }
          // its own run is discarded: it signs only what it copied, and reveals exist only once the phase closed
          const copied = await ctx.copyFrom(request.request_id.toString(), ctx.copyWaitMs)
          if (copied?.output == null || !copied.success) return silent()
          return withOutput({ ...result, fuel_used: BigInt(copied.instructions) }, new Uint8Array(Buffer.from(copied.output, 'base64')))
        }
      }
  }
}
