/**
 * One run's NEAR view queries, on the guest's side: the deterministic checks (access granted, call count, answer
 * size) with fuel charged per call and per byte, and the transcript entry of every call, refused ones included.
 */
import { sha256Hex } from '../../../protocol/hash.js'
import type { TranscriptEntry } from '../../../protocol/transcript.js'
import type { SyncChannel } from '../sync-channel.js'
import { LocalFailure } from '../wasi/signals.js'
import { querySync } from './bridge.js'
import { NEAR_FUEL, type NearLimits, type NearQuery } from './query.js'

export interface NearAccess {
  /** the request's block height: every query reads the state there */
  blockHeight: number
  limits: NearLimits
  /** null when the executor has no provider: a query is this machine's local failure (another replica may have one) */
  channel: SyncChannel | null
}

/** refusals the guest sees, decided the same way on every replica */
export type NearRefusal = 'NEAR-rpc-denied' | 'NEAR-calls-exceeded' | 'NEAR-response-too-large' | 'NEAR-request-invalid'

export class NearSession {
  private calls = 0

  /** `transcript`: the run's one transcript, shared with HTTP so entries stay in the order they happened */
  constructor (private readonly access: NearAccess | null, private readonly charge: (fuel: bigint) => void, private readonly transcript: TranscriptEntry[]) {}

  /** The JSON the guest gets: the answer, or {error}. Throws LocalFailure when this machine could not ask. */
  query (query: NearQuery): string {
    const methodName = query.method === 'call_function' ? query.method_name : ''
    const args = query.method === 'call_function' ? Buffer.from(query.args_base64, 'base64') : new Uint8Array(0)
    // the arguments are paid for like an HTTP request body: a guest cannot send megabytes to the RPC for free
    this.charge(NEAR_FUEL.perCall + NEAR_FUEL.perByte * BigInt(args.length))
    const record = (response: { result_sha256: string } | { error: string }): void => {
      this.transcript.push({
        kind: 'near_rpc',
        request: { method: query.method, account_id: query.account_id, method_name: methodName, args_sha256: sha256Hex(args), block_height: this.access?.blockHeight ?? 0 },
        response
      })
    }
    const refuse = (error: string): string => { record({ error }); return JSON.stringify({ error }) }
    const access = this.access
    if (access == null) return refuse('NEAR-rpc-denied')
    if (this.calls >= access.limits.maxCalls) return refuse('NEAR-calls-exceeded')
    this.calls++
    if (access.channel == null) throw new LocalFailure('host_error', 'this executor has no NEAR RPC provider')
    const answer = querySync(access.channel, query)
    if (answer.kind === 'local_failure') throw new LocalFailure('host_error', answer.message)
    if (answer.kind === 'error') return refuse(answer.error)
    const bytes = Buffer.byteLength(answer.json)
    if (bytes > access.limits.maxResponseBytes) return refuse('NEAR-response-too-large')
    this.charge(NEAR_FUEL.perByte * BigInt(bytes))
    record({ result_sha256: sha256Hex(new TextEncoder().encode(answer.json)) })
    return answer.json
  }

  /** a request the guest wrote that is not a query: refused and recorded */
  malformed (): string {
    this.charge(NEAR_FUEL.perCall)
    this.transcript.push({ kind: 'near_rpc', request: { method: '', account_id: '', method_name: '', args_sha256: sha256Hex(new Uint8Array(0)), block_height: this.access?.blockHeight ?? 0 }, response: { error: 'NEAR-request-invalid' } })
    return JSON.stringify({ error: 'NEAR-request-invalid' })
  }
}
