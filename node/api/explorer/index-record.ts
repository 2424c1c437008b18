/**
 * One request's history as the explorer keeps it, and the pure fold that applies a contract event or a call to
 * our contract to it. Everything here comes from the chain (NEP-297 events and the function-call receipts the
 * block feed carries), so any node rebuilds the same record; a malformed item is ignored, never guessed.
 */
export const STEPS = ['requested', 'assigned', 'committed', 'revealed', 'resolved', 'callback'] as const
export type StepName = typeof STEPS[number]

/** where a step happened: the block and, when the feed named it, the transaction it descends from */
export interface StepRef { block: number, tx?: string }

/** unreachable: settle_unreachable showed no quorum can form; the payer was refunded as on a timeout, before it */
export const EXECUTION_STATUSES = ['pending', 'resolved', 'completed', 'failed', 'timed_out', 'unreachable', 'cancelled'] as const
export type ExecutionStatus = typeof EXECUTION_STATUSES[number]

export interface WorkerOutcome {
  worker_id: string
  /** assigned as a primary, a backup, or only seen committing / claiming */
  role: 'primary' | 'backup' | 'other'
  committed?: StepRef
  /** in the resolution's agreeing set */
  agreed: boolean
  /** the result this worker revealed when it differed from the main one (base64 output, error) */
  dissent?: RevealedResult
  /** revealed in the resolve transaction (signature over its digest) */
  revealed: boolean
  signature?: string
  salt?: string
}

/** a result as the resolve call carried it (base64 output) */
export interface RevealedResult { success: boolean, output?: string, output_hash?: string, error?: string, instructions?: string, code_hash?: string, transcript_hash?: string }

export interface Slash { worker_id: string, kind: 'disagreed' | 'withheld' | 'equivocated', amount: string, block: number, tx?: string }

export interface ExecutionRecord {
  request_id: string
  caller: string
  payer: string
  /** the request's source object as the event carried it (GitHub / WasmUrl / Project) */
  source: unknown
  source_label: string
  input_data?: string
  response_format: string
  replicas: number
  quorum: number
  aggregation: string
  resource_limits: unknown
  deposit: string
  /** what the v2 attestation digest binds besides the result (execution_requested fields, hex) */
  context: { network_id: string, data_id: string, input_hash: string, seed: string }
  status: ExecutionStatus
  steps: Partial<Record<StepName, StepRef>>
  workers: WorkerOutcome[]
  slashes: Slash[]
  resolution?: { success: boolean, error: string, workers: string[], resolver_id: string, code_hash: string, output_hash: string, instructions: string }
  /** the main response of the resolve call: base64 output (or the hash of a stored blob) */
  response?: RevealedResult
  payment_charged?: string
  payment_refunded?: string
  /** blocks from requested to callback (or to now while open) */
  blocks_taken?: number
}

type Item = Record<string, unknown>
const str = (v: unknown): string | undefined => typeof v === 'string' ? v : undefined
const num = (v: unknown): number | undefined => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined
const decimal = (v: unknown): string | undefined => typeof v === 'string' && /^[0-9]{1,40}$/.test(v) ? v : typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : undefined
const isItem = (v: unknown): v is Item => v != null && typeof v === 'object' && !Array.isArray(v)
const strings = (v: unknown): string[] => Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []

export function sourceLabel (source: unknown): string {
  if (!isItem(source)) return '?'
  const g = source.GitHub, w = source.WasmUrl, p = source.Project
  if (isItem(g)) return `${String(g.repo ?? '').replace(/^https?:\/\//, '')}@${String(g.commit ?? '').slice(0, 12)}`
  if (isItem(w)) return `wasm:${String(w.hash ?? '').slice(0, 12)}…`
  if (isItem(p)) return `project:${String(p.project_id ?? '')}`
  return '?'
}

/** A new record from `execution_requested`; undefined when the item lacks what every record needs. */
export function recordFromRequested (item: Item, at: StepRef): ExecutionRecord | undefined {
  const id = decimal(item.request_id)
  const caller = str(item.sender_id)
  const redundancy = isItem(item.redundancy) ? item.redundancy : {}
  if (id == null || caller == null) return undefined
  const record: ExecutionRecord = {
    request_id: id,
    caller,
    payer: str(item.payer_account_id) ?? caller,
    source: item.source,
    source_label: sourceLabel(item.source),
    ...(str(item.input_data) != null ? { input_data: str(item.input_data)! } : {}),
    response_format: str(item.response_format) ?? 'Text',
    replicas: num(redundancy.replicas) ?? 1,
    quorum: num(redundancy.quorum) ?? 1,
    aggregation: str(redundancy.aggregation) ?? 'identical',
    resource_limits: item.resource_limits ?? null,
    deposit: decimal(item.attached_deposit) ?? '0',
    context: { network_id: str(item.network_id) ?? '', data_id: str(item.data_id) ?? '', input_hash: str(item.input_hash) ?? '', seed: str(item.seed) ?? '' },
    status: 'pending',
    steps: { requested: at },
    workers: [],
    slashes: []
  }
  const assigned = strings(item.assigned)
  for (const w of assigned) worker(record, w, 'primary')
  for (const w of strings(item.backups)) worker(record, w, 'backup')
  if (assigned.length > 0) record.steps.assigned = at
  return record
}

function worker (r: ExecutionRecord, id: string, role: WorkerOutcome['role'] = 'other'): WorkerOutcome {
  let w = r.workers.find(x => x.worker_id === id)
  if (w == null) {
    w = { worker_id: id, role, agreed: false, revealed: false }
    r.workers.push(w)
  }
  return w
}

/** Applies one event item of our standard to the record of its request. Returns false when nothing matched. */
export function applyEvent (r: ExecutionRecord, event: string, item: Item, at: StepRef): boolean {
  const workerId = str(item.worker_id)
  switch (event) {
    case 'lease_claimed': // verification v1: a lease is the assignment
      if (workerId == null) return false
      worker(r, workerId).committed ??= at
      r.steps.assigned ??= at
      return true
    case 'result_committed':
      if (workerId == null) return false
      worker(r, workerId).committed ??= at
      r.steps.committed ??= at
      return true
    case 'worker_disagreed':
    case 'worker_withheld':
    case 'worker_equivocated':
      if (workerId == null) return false
      worker(r, workerId)
      r.slashes.push({ worker_id: workerId, kind: event.slice('worker_'.length) as Slash['kind'], amount: decimal(item.slashed) ?? '0', block: at.block, ...(at.tx != null ? { tx: at.tx } : {}) })
      return true
    case 'execution_resolved': {
      const res = isItem(item.resolution) ? item.resolution : {}
      const used = isItem(res.resources_used) ? res.resources_used : {}
      const agreed = strings(res.workers)
      r.resolution = {
        success: res.success === true, error: str(res.error) ?? '', workers: agreed, resolver_id: str(res.resolver_id) ?? '',
        code_hash: str(res.code_hash) ?? '', output_hash: str(res.output_hash) ?? '', instructions: decimal(used.instructions) ?? '0'
      }
      for (const w of agreed) worker(r, w).agreed = true
      r.steps.resolved ??= at
      r.steps.revealed ??= at
      if (r.status === 'pending') r.status = 'resolved'
      return true
    }
    case 'execution_completed': {
      r.steps.callback ??= at
      if (r.status !== 'unreachable') r.status = item.timed_out === true ? 'timed_out' : item.success === true ? 'completed' : 'failed'
      r.payment_charged = decimal(item.payment_charged) ?? '0'
      r.payment_refunded = decimal(item.payment_refunded) ?? '0'
      for (const w of strings(item.workers)) worker(r, w).agreed = true
      return true
    }
    case 'execution_unreachable':
      r.status = 'unreachable'
      r.steps.revealed ??= at
      return true
    case 'execution_cancelled':
      r.status = 'cancelled'
      return true
    default:
      return false
  }
}

/** Applies the arguments of a `resolve_execution` call (reveals or v1 attestations) to the record. */
export function applyResolveArgs (r: ExecutionRecord, args: Item, at: StepRef): void {
  if (isItem(args.response)) {
    r.response = revealedResult(args.response)
  }
  const reveals = Array.isArray(args.reveals) ? args.reveals : Array.isArray(args.attestations) ? args.attestations : []
  for (const rv of reveals) {
    if (!isItem(rv) || str(rv.worker_id) == null) continue
    const w = worker(r, str(rv.worker_id)!)
    w.revealed = true
    if (str(rv.signature) != null) w.signature = str(rv.signature)!
    if (str(rv.salt) != null) w.salt = str(rv.salt)!
    if (isItem(rv.response)) w.dissent = revealedResult(rv.response)
  }
  r.steps.revealed ??= at
}

function revealedResult (d: Item): RevealedResult {
  const used = isItem(d.resources_used) ? d.resources_used : {}
  const instructions = decimal(d.instructions) ?? decimal(used.instructions)
  return {
    success: d.success === true,
    ...(str(d.output) != null ? { output: str(d.output)! } : {}),
    ...(str(d.output_hash) != null ? { output_hash: str(d.output_hash)! } : {}),
    ...(str(d.error) != null && str(d.error) !== '' ? { error: str(d.error)! } : {}),
    ...(instructions != null ? { instructions } : {}),
    ...(str(d.code_hash) != null ? { code_hash: str(d.code_hash)! } : {}),
    ...(str(d.transcript_hash) != null ? { transcript_hash: str(d.transcript_hash)! } : {})
  }
}
