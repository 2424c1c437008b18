/** JSON from this node's API; an error body `{error:{code,message}}` becomes an ApiError with that message. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor (readonly status: number, readonly code: string, message: string) { super(message) }
}

export async function api<T> (path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { cache: 'no-store', ...init, headers: { accept: 'application/json', ...(init?.body != null ? { 'content-type': 'application/json' } : {}) } })
  const body = await res.json().catch(() => null) as { error?: { code?: string, message?: string } } | null
  if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? 'HTTP', body?.error?.message ?? `HTTP ${res.status}`)
  return body as T
}

export interface Step { block: number, tx?: string }
export interface WorkerOutcome {
  worker_id: string, role: string, committed?: Step, agreed: boolean, revealed: boolean, signature?: string, salt?: string
  dissent?: Result
}
export interface Result { success: boolean, output?: string, output_hash?: string, error?: string, instructions?: string, code_hash?: string, transcript_hash?: string }
export interface Execution {
  request_id: string, caller: string, payer: string, source: unknown, source_label: string, input_data?: string, response_format: string
  replicas: number, quorum: number, aggregation: string, resource_limits: unknown, deposit: string, status: string
  context: { network_id: string, data_id: string, input_hash: string, seed: string }
  steps: Partial<Record<string, Step>>, workers: WorkerOutcome[]
  slashes: Array<{ worker_id: string, kind: string, amount: string, block: number, tx?: string }>
  resolution?: { success: boolean, error: string, workers: string[], resolver_id: string, code_hash: string, output_hash: string, instructions: string }
  response?: Result, payment_charged?: string, payment_refunded?: string, blocks_taken?: number
}
export interface Paged<T> { items: T[], total: number, limit: number, offset: number }
