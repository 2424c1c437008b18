/**
 * What a request_execution transaction ended as, read from its final outcome: the contract yields until the mesh
 * resolves the request, then the callback's return value is the transaction's value, and `execution_completed`
 * carries how it went (or `execution_requested` alone and a Failure when the contract refused the request).
 */
import { eventItems } from './events.js'

export interface RequestOutcome {
  txHash: string
  requestId?: string
  /** the callback's return value: the output per response_format; null when the request failed or timed out */
  result: unknown
  success: boolean
  timedOut: boolean
  error?: string
  /** the contract refused the request itself (bad source, limits, deposit): its panic message */
  refused?: string
  resourcesUsed?: unknown
  workers: string[]
  paymentCharged?: string
  paymentRefunded?: string
}

export interface FinalTx {
  status: unknown
  receipts_outcome?: Array<{ outcome: { logs: string[] } }>
}

/** The JSON a transaction returned (its SuccessValue, decoded); text when it is not JSON. */
export function successValue (status: unknown): unknown {
  const raw = (status as { SuccessValue?: string } | undefined)?.SuccessValue
  if (raw == null || raw === '') return undefined
  const text = Buffer.from(raw, 'base64').toString('utf8')
  try { return JSON.parse(text) } catch { return text }
}

/** The contract's panic text inside a nearcore Failure (`…FunctionCallError.ExecutionError`), else the JSON. */
export function failureMessage (failure: unknown): string | undefined {
  if (failure == null) return undefined
  const find = (v: unknown): string | undefined => {
    if (v == null || typeof v !== 'object') return undefined
    for (const [k, inner] of Object.entries(v)) {
      if (k === 'ExecutionError' && typeof inner === 'string') return inner
      const found = find(inner)
      if (found != null) return found
    }
    return undefined
  }
  return find(failure) ?? JSON.stringify(failure)
}

export function readRequestOutcome (tx: FinalTx, txHash: string): RequestOutcome {
  const status = tx.status as { SuccessValue?: string, Failure?: unknown }
  const items = eventItems((tx.receipts_outcome ?? []).flatMap(r => r.outcome.logs))
  const requested = items.find(i => i.event === 'execution_requested')?.data
  const completed = items.find(i => i.event === 'execution_completed')?.data
  const requestId = requested?.request_id != null ? String(requested.request_id) : undefined
  if (status.Failure != null || completed == null) {
    const refused = failureMessage(status.Failure) ?? 'the transaction failed without a completion event'
    return { txHash, ...(requestId != null ? { requestId } : {}), result: null, success: false, timedOut: false, refused, workers: [] }
  }
  return {
    txHash,
    ...(requestId != null ? { requestId } : {}),
    result: completed.success === true ? successValue(status) ?? '' : null,
    success: completed.success === true,
    timedOut: completed.timed_out === true,
    ...(typeof completed.error_message === 'string' && completed.error_message !== '' ? { error: completed.error_message } : {}),
    resourcesUsed: completed.resources_used,
    workers: Array.isArray(completed.workers) ? completed.workers.filter((w): w is string => typeof w === 'string') : [],
    paymentCharged: String(completed.payment_charged),
    paymentRefunded: String(completed.payment_refunded)
  }
}
