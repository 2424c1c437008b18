/**
 * The explorer's HTTP routes: /api/* (what the dashboard reads), OutLayer's public shapes (/public/workers,
 * /public/jobs, /public/stats, /attestations/:id) and /openapi.json. Every list is paged (`limit` 1..100,
 * `offset` ≤ 1e6) and every bad parameter is a JSON 400 naming it. Returns undefined for a path it does not own.
 */
import type { IncomingMessage } from 'node:http'
import { transcriptHash } from '../../../protocol/index.js'
import { ApiError, BadRequestError, MethodNotAllowedError, NotFoundItemError, UpstreamError } from '../errors.js'
import type { Explorer } from './explorer.js'
import { EXECUTION_STATUSES, type ExecutionRecord, type ExecutionStatus } from './index-record.js'
import { OPENAPI } from './openapi.js'

export const MAX_LIMIT = 100
const DEFAULT_LIMIT = 20
const MAX_OFFSET = 1_000_000
const MAX_BODY_BYTES = 64 * 1024
const ACCOUNT = /^(([a-z\d]+[-_])*[a-z\d]+\.)*([a-z\d]+[-_])*[a-z\d]+$/
const REQUEST_ID = /^(0|[1-9][0-9]{0,19})$/
const TX_HASH = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/

export interface RouteReply { body: unknown }

interface Page { limit: number, offset: number }

function page (q: URLSearchParams): Page {
  return { limit: int(q, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT), offset: int(q, 'offset', 0, 0, MAX_OFFSET) }
}

function int (q: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = q.get(name)
  if (raw == null) return fallback
  if (!/^[0-9]{1,12}$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new BadRequestError(`${name} must be an integer in ${min}..${max}`)
  return Number(raw)
}

function paged<T> (items: readonly T[], p: Page): { items: T[], total: number, limit: number, offset: number } {
  return { items: items.slice(p.offset, p.offset + p.limit), total: items.length, limit: p.limit, offset: p.offset }
}

function text (q: URLSearchParams, name: string, max: number, pattern?: RegExp): string | undefined {
  const raw = q.get(name)
  if (raw == null || raw === '') return undefined
  if (raw.length > max || (pattern != null && !pattern.test(raw))) throw new BadRequestError(`${name} is not a valid value`)
  return raw
}

/** the list row: what the Executions page and /public/jobs show */
export function summary (r: ExecutionRecord): Record<string, unknown> {
  return {
    request_id: r.request_id, caller: r.caller, source: r.source_label, status: r.status, replicas: r.replicas, quorum: r.quorum,
    aggregation: r.aggregation, blocks_taken: r.blocks_taken ?? null, cost: r.payment_charged ?? null,
    requested_block: r.steps.requested?.block ?? null
  }
}

function filterExecutions (all: ExecutionRecord[], q: URLSearchParams): ExecutionRecord[] {
  const search = text(q, 'q', 128)?.toLowerCase()
  const caller = text(q, 'caller', 64, ACCOUNT)
  const status = text(q, 'status', 16)
  if (status != null && !(EXECUTION_STATUSES as readonly string[]).includes(status)) throw new BadRequestError(`status must be one of ${EXECUTION_STATUSES.join(', ')}`)
  return all.filter(r => (caller == null || r.caller === caller) && (status == null || r.status === status) &&
    (search == null || r.request_id === search || r.caller.includes(search) || r.source_label.toLowerCase().includes(search)))
}

function requestId (raw: string): string {
  if (!REQUEST_ID.test(raw)) throw new BadRequestError('request id must be a decimal u64')
  return raw
}

async function upstream<T> (what: string, fn: () => Promise<T>): Promise<T> {
  try { return await fn() } catch (err) {
    if (err instanceof ApiError) throw err
    throw new UpstreamError(what)
  }
}

/** Everything the recheck needs, in one object: the record's context and each revealed signature with its key. */
async function attestations (explorer: Explorer, r: ExecutionRecord): Promise<Record<string, unknown>> {
  const keys = new Map((await upstream('list_workers', explorer.workers)).workers.map(w => [w.account_id, w.public_key]))
  return {
    job_id: r.request_id, request_id: r.request_id, contract_id: (await upstream('get_config', explorer.contract)).contract_id,
    context: r.context, resolution: r.resolution ?? null, response: r.response ?? null,
    attestations: r.workers.filter(w => w.signature != null).map(w => ({
      worker_id: w.worker_id, public_key: keys.get(w.worker_id) ?? null, signature: w.signature, salt: w.salt ?? null,
      agreed: w.agreed, result: w.dissent ?? r.response ?? null
    }))
  }
}

/**
 * The record with this node's own I/O transcript of the run, only when it hashes to the agreed transcript_hash:
 * the page then shows entries a quorum vouched for, never a dissenter's or an unresolved run's.
 */
async function withTranscript (explorer: Explorer, r: ExecutionRecord): Promise<ExecutionRecord & { transcript?: unknown }> {
  const agreed = r.response?.transcript_hash
  if (agreed == null) return r
  const entries = await explorer.transcript(r.request_id).catch(() => undefined)
  return entries != null && entries.length > 0 && transcriptHash(entries) === agreed ? { ...r, transcript: entries } : r
}

async function readBody (req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new BadRequestError('content-type must be application/json')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new BadRequestError(`body larger than ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk)
  }
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
    if (body != null && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>
  } catch {}
  throw new BadRequestError('body must be a JSON object')
}

/** The routes' method rule: POST only on /api/tx, GET/HEAD everywhere else. */
function only (req: IncomingMessage, allowed: readonly string[]): void {
  if (!allowed.includes(req.method ?? '')) throw new MethodNotAllowedError(req.method ?? '?', allowed)
}

export const EXPLORER_PREFIXES = ['/api/', '/public/', '/attestations/', '/openapi.json'] as const

export async function explorerRoute (explorer: Explorer, req: IncomingMessage, path: string, q: URLSearchParams): Promise<RouteReply | undefined> {
  if (path === '/api/tx') {
    only(req, ['POST'])
    const body = await readBody(req)
    if (typeof body.signed_tx_base64 !== 'string' || !/^[A-Za-z0-9+/]{4,}={0,2}$/.test(body.signed_tx_base64)) throw new BadRequestError('signed_tx_base64 must be base64')
    return { body: await upstream('send_tx', async () => await explorer.sendTx(body.signed_tx_base64 as string)) }
  }
  if (!EXPLORER_PREFIXES.some(p => path.startsWith(p))) return undefined
  only(req, ['GET', 'HEAD'])
  const parts = path.split('/').slice(1)
  const [root, name, arg] = parts
  if (path === '/openapi.json') return { body: OPENAPI }
  if (root === 'attestations' && parts.length === 2) {
    const r = explorer.execution(requestId(name!))
    if (r == null) throw new NotFoundItemError(`request ${name}`)
    return { body: await attestations(explorer, r) }
  }
  if (root === 'public' && parts.length === 2) {
    switch (name) {
      case 'jobs': {
        const p = paged(filterExecutions(explorer.executions(), q), page(q))
        return { body: { jobs: p.items.map(r => ({ job_id: r.request_id, ...summary(r) })), total: p.total, limit: p.limit, offset: p.offset } }
      }
      case 'workers': {
        const p = paged((await upstream('list_workers', explorer.workers)).workers, page(q))
        return { body: { workers: p.items, total: p.total, limit: p.limit, offset: p.offset } }
      }
      case 'stats': return { body: stats(explorer.executions(), (await upstream('list_workers', explorer.workers)).workers.length) }
    }
  }
  if (root === 'api') {
    if (name === 'executions' && parts.length === 2) {
      const tx = text(q, 'tx', 44, TX_HASH)
      if (tx != null) {
        const r = explorer.executionByTx(tx)
        if (r == null) throw new NotFoundItemError(`transaction ${tx}`)
        return { body: r }
      }
      const p = paged(filterExecutions(explorer.executions(), q), page(q))
      return { body: { ...p, items: p.items.map(summary) } }
    }
    if (name === 'executions' && parts.length === 3) {
      const r = explorer.execution(requestId(arg!))
      if (r == null) throw new NotFoundItemError(`request ${arg}`)
      return { body: await withTranscript(explorer, r) }
    }
    if (parts.length === 2) {
      switch (name) {
        case 'workers': {
          const all = await upstream('list_workers', explorer.workers)
          return { body: { ...paged(all.workers, page(q)), formula: all.formula } }
        }
        case 'network': {
          const net = await upstream('network view', explorer.network)
          const p = paged(net.peers, page(q))
          return { body: { ...net, peers: p.items, peers_total: p.total, limit: p.limit, offset: p.offset } }
        }
        case 'contract': return { body: await upstream('contract views', explorer.contract) }
        case 'estimate': return { body: { cost: await upstream('estimate_execution_cost', async () => await explorer.estimate(estimateArgs(q))) } }
        case 'tx-context': {
          const account = text(q, 'account_id', 64, ACCOUNT)
          const key = text(q, 'public_key', 60, /^ed25519:[1-9A-HJ-NP-Za-km-z]{32,44}$/)
          if (account == null || key == null) throw new BadRequestError('account_id and public_key (ed25519:…) are required')
          return { body: await upstream('view_access_key', async () => await explorer.txContext(account, key)) }
        }
        case 'secrets': {
          const owner = text(q, 'owner', 64, ACCOUNT)
          const accessor = text(q, 'accessor', 512)
          const profile = text(q, 'profile', 64) ?? 'default'
          if (owner == null) throw new BadRequestError('owner is required (and accessor, JSON such as {"WasmHash":{"hash":"…"}}, for one record)')
          if (accessor == null) return { body: { owner, ...paged(explorer.secrets(owner), page(q)) } }
          let parsed: unknown
          try { parsed = JSON.parse(accessor) } catch { throw new BadRequestError('accessor must be JSON') }
          return { body: { owner, profile, record: await upstream('get_secrets', async () => await explorer.view('get_secrets', { owner, accessor: parsed, profile })) } }
        }
        case 'keystore-group': return { body: { group: await upstream('get_keystore_group', explorer.keystoreGroup) } }
      }
    }
  }
  throw new NotFoundItemError(`route ${JSON.stringify(path.slice(0, 100))} (see /openapi.json)`)
}

function estimateArgs (q: URLSearchParams): Record<string, unknown> {
  const kind = text(q, 'source', 16)
  if (kind != null && !['GitHub', 'WasmUrl', 'Project'].includes(kind)) throw new BadRequestError('source must be GitHub, WasmUrl or Project')
  return {
    resource_limits: {
      max_instructions: int(q, 'max_instructions', 1_000_000_000, 1, 500_000_000_000),
      max_memory_mb: int(q, 'max_memory_mb', 128, 1, 4096),
      max_execution_seconds: int(q, 'max_execution_seconds', 10, 1, 600)
    },
    ...(kind === 'WasmUrl' ? { source: { WasmUrl: { url: 'https://x.invalid/a.wasm', hash: '0'.repeat(64) } } } : {})
  }
}

function stats (records: ExecutionRecord[], workers: number): Record<string, unknown> {
  const by = (s: ExecutionStatus): number => records.filter(r => r.status === s).length
  const done = records.filter(r => r.steps.callback != null && r.blocks_taken != null).map(r => r.blocks_taken!).sort((a, b) => a - b)
  return {
    total_executions: records.length, pending: by('pending') + by('resolved'), completed: by('completed'), failed: by('failed'),
    timed_out: by('timed_out'), unreachable: by('unreachable'), cancelled: by('cancelled'), workers,
    slashes: records.reduce((n, r) => n + r.slashes.length, 0),
    median_blocks_to_callback: done.length === 0 ? null : done[Math.floor((done.length - 1) / 2)],
    total_charged: records.reduce((n, r) => n + BigInt(r.payment_charged ?? '0'), 0n).toString()
  }
}
