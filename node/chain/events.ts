/**
 * NEP-297 events of the outlayer contract, read from receipt logs: `EVENT_JSON:{standard, version, event, data}`.
 * Only our standard is accepted; anything malformed is dropped (a log line is not trusted input).
 */
import { EVENT_STANDARD, validateExecutionRequest, type ExecutionRequest } from '../../protocol/index.js'

const PREFIX = 'EVENT_JSON:'

export type OutlayerEvent =
  | { event: 'execution_requested', request: ExecutionRequest, raw: unknown }
  /** a worker committed; `closed` once the commit phase is over (the reveals may be gossiped) */
  | { event: 'result_committed', requestId: string, workerId: string, closed: boolean }
  /** the request left the pending set: resolved (`execution_resolved`), called back (`execution_completed`) or cancelled */
  | { event: 'request_closed', requestId: string, via: 'execution_resolved' | 'execution_unreachable' | 'execution_completed' | 'execution_cancelled' }
  | { event: 'worker_disagreed', requestId: string, workerId: string }
  /** a committed worker's reveal, sent on chain with reveal_result: a resolver may count it like a gossiped one */
  | { event: 'result_revealed', requestId: string, workerId: string, reveal: ChainReveal }

/** The reveal a `result_revealed` event carries: the signed result by its output hash, the salt and the signature. */
export interface ChainReveal {
  salt: string
  signature: string
  code_hash: string
  success: boolean
  output_hash: string
  error: string
  instructions: string
  transcript_hash: string
}

interface Nep297 { standard?: unknown, version?: unknown, event?: unknown, data?: unknown }

/** A u64 field as a decimal string, or undefined. */
function decimal (value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value)
  if (typeof value === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(value)) return value
  return undefined
}

/**
 * The request object from whatever carries it: the event's data item, a view's record, or OutLayer's
 * `request_data` JSON string inside either. Returns the validated request or undefined.
 */
export function normaliseRequest (value: unknown): { request: ExecutionRequest, raw: unknown } | undefined {
  let raw: unknown = value
  if (raw != null && typeof raw === 'object' && 'request_data' in raw) {
    const inner = (raw as { request_data: unknown }).request_data
    if (typeof inner === 'string') {
      try { raw = JSON.parse(inner) } catch { return undefined }
    } else raw = inner
  }
  const checked = validateExecutionRequest(raw)
  return checked.ok ? { request: checked.value, raw } : undefined
}

const HEX32 = /^[0-9a-f]{64}$/
const BASE64_SIGNATURE = /^[A-Za-z0-9+/]{86}==$/
/** the contract's error cap (contract/src/constants.ts MAX_ERROR_BYTES) */
const MAX_ERROR_CHARS = 1024

function chainReveal (item: Record<string, unknown>): ChainReveal | undefined {
  const r = item.response as Record<string, unknown> | null
  if (r == null || typeof r !== 'object') return undefined
  const used = r.resources_used as Record<string, unknown> | null
  const instructions = used != null && typeof used === 'object' ? decimal(used.instructions) : undefined
  const hex = (v: unknown): v is string => typeof v === 'string' && HEX32.test(v)
  if (!hex(item.salt) || typeof item.signature !== 'string' || !BASE64_SIGNATURE.test(item.signature)) return undefined
  if (!hex(r.code_hash) || !hex(r.output_hash) || !hex(r.transcript_hash) || typeof r.success !== 'boolean' || instructions == null) return undefined
  const error = r.error ?? ''
  if (typeof error !== 'string' || error.length > MAX_ERROR_CHARS) return undefined
  return { salt: item.salt, signature: item.signature, code_hash: r.code_hash, success: r.success, output_hash: r.output_hash, error, instructions, transcript_hash: r.transcript_hash }
}

function parseOne (name: string, item: Record<string, unknown>): OutlayerEvent | undefined {
  const requestId = decimal(item.request_id)
  switch (name) {
    case 'execution_requested': {
      const parsed = normaliseRequest(item)
      return parsed != null ? { event: name, ...parsed } : undefined
    }
    case 'result_committed': {
      const workerId = item.worker_id
      return requestId != null && typeof workerId === 'string' ? { event: name, requestId, workerId, closed: item.closed === true } : undefined
    }
    case 'result_revealed': {
      const workerId = item.worker_id
      const reveal = chainReveal(item)
      return requestId != null && typeof workerId === 'string' && reveal != null ? { event: name, requestId, workerId, reveal } : undefined
    }
    case 'worker_disagreed': {
      const workerId = item.worker_id
      return requestId != null && typeof workerId === 'string' ? { event: name, requestId, workerId } : undefined
    }
    case 'execution_resolved':
    case 'execution_unreachable':
    case 'execution_completed':
    case 'execution_cancelled':
      return requestId != null ? { event: 'request_closed', requestId, via: name } : undefined
    default:
      return undefined
  }
}

/** Every item of our standard's events in a list of receipt logs, in order, with its event name. */
export function eventItems (logs: readonly string[]): Array<{ event: string, data: Record<string, unknown> }> {
  const out: Array<{ event: string, data: Record<string, unknown> }> = []
  for (const log of logs) {
    if (!log.startsWith(PREFIX)) continue
    let body: Nep297
    try { body = JSON.parse(log.slice(PREFIX.length)) as Nep297 } catch { continue }
    if (body?.standard !== EVENT_STANDARD || typeof body.event !== 'string') continue
    const items = Array.isArray(body.data) ? body.data : [body.data]
    for (const item of items) if (item != null && typeof item === 'object' && !Array.isArray(item)) out.push({ event: body.event, data: item as Record<string, unknown> })
  }
  return out
}

/** Every outlayer event in a list of receipt logs, in order. */
export function parseOutlayerEvents (logs: readonly string[]): OutlayerEvent[] {
  const out: OutlayerEvent[] = []
  for (const { event, data } of eventItems(logs)) {
    const parsed = parseOne(event, data)
    if (parsed != null) out.push(parsed)
  }
  return out
}
