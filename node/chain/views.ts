/**
 * The contract's views, decoded once here into the types the roles decide on (contract/src/views.ts,
 * workers.ts, config.ts). A view that does not have the shape is a BAD_RESPONSE, never a guess.
 */
import { isRequestStatus, type ExecutionRequest, type RequestStatus } from '../../protocol/index.js'
import { ChainError } from './errors.js'
import { normaliseRequest } from './events.js'

export interface ChainLease {
  worker_id: string
  /** block heights */
  claimed_at: number
  expires_at: number
}

/** `get_request`: the request as the event carried it, plus where it stands. */
export interface RequestView {
  request: ExecutionRequest
  /** the request object as read (stored by roles, re-validated when loaded) */
  raw: unknown
  status: RequestStatus
  leases: ChainLease[]
  /** once resolved: what the contract accepted */
  resolution: ResolutionView | null
}

export interface ResolutionView {
  success: boolean
  error: string
  /** the workers whose results were accepted */
  workers: string[]
  /** the median run time the resolve reported */
  time_ms: number
}

/** `get_worker` / `list_workers` */
export interface WorkerView {
  account_id: string
  /** `ed25519:` key that signs attestations */
  public_key: string
  /** yoctoNEAR */
  bond: bigint
  status: 'active' | 'unregistered'
  /** results this worker had accepted / recorded as disagreeing with the quorum */
  completed: number
  disagreed: number
}

/** `get_config`, the fields the node uses */
export interface ContractConfig {
  leaseBlocks: number
  /** workers bonded below this may not lease */
  minBond: bigint
  paused: boolean
}

type Fields = Record<string, unknown>

const bad = (what: string, detail: string): ChainError => new ChainError('BAD_RESPONSE', `${what}: ${detail}`)
const isObject = (v: unknown): v is Fields => v != null && typeof v === 'object' && !Array.isArray(v)

function amount (v: unknown, what: string): bigint {
  if ((typeof v === 'string' && /^[0-9]{1,40}$/.test(v)) || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) return BigInt(v)
  throw bad(what, `not a yocto amount: ${JSON.stringify(v)}`)
}

function height (v: unknown, what: string): number {
  const n = typeof v === 'string' ? Number(v) : v
  if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) return n
  throw bad(what, `not a block height: ${JSON.stringify(v)}`)
}

function lease (v: unknown): ChainLease {
  if (!isObject(v) || typeof v.worker_id !== 'string') throw bad('lease', 'no worker_id')
  return { worker_id: v.worker_id, claimed_at: height(v.claimed_at, 'lease.claimed_at'), expires_at: height(v.expires_at, 'lease.expires_at') }
}

export function decodeRequestView (v: unknown): RequestView | null {
  if (v == null) return null
  if (!isObject(v)) throw bad('get_request', 'not an object')
  const parsed = normaliseRequest(v)
  if (parsed == null) throw bad('get_request', 'the request does not validate')
  if (!isRequestStatus(v.status)) throw bad('get_request', `unknown status ${JSON.stringify(v.status)}`)
  const leases = Array.isArray(v.leases) ? v.leases.map(lease) : []
  return { ...parsed, status: v.status, leases, resolution: resolution(v.resolution) }
}

function resolution (v: unknown): ResolutionView | null {
  if (!isObject(v)) return null
  const workers = Array.isArray(v.workers) ? v.workers.filter((w): w is string => typeof w === 'string') : []
  const used = isObject(v.resources_used) ? v.resources_used : {}
  return { success: v.success === true, error: typeof v.error === 'string' ? v.error : '', workers, time_ms: height(used.time_ms ?? 0, 'resolution.time_ms') }
}

export function decodeLeases (v: unknown): ChainLease[] {
  if (v == null) return []
  if (!Array.isArray(v)) throw bad('get_leases', 'not an array')
  return v.map(lease)
}

export function decodeWorkerView (v: unknown): WorkerView | null {
  if (v == null) return null
  if (!isObject(v) || typeof v.account_id !== 'string' || typeof v.public_key !== 'string') throw bad('get_worker', 'no account_id/public_key')
  return {
    account_id: v.account_id,
    public_key: v.public_key,
    bond: amount(v.bond ?? '0', 'worker.bond'),
    status: v.status === 'unregistered' ? 'unregistered' : 'active',
    completed: height(v.completed ?? 0, 'worker.completed'),
    disagreed: height(v.disagreed ?? 0, 'worker.disagreed')
  }
}

export function decodeWorkerList (v: unknown): WorkerView[] {
  if (v == null) return []
  if (!Array.isArray(v)) throw bad('list_workers', 'not an array')
  return v.map(w => decodeWorkerView(w)!).filter(w => w != null)
}

export function decodeContractConfig (v: unknown): ContractConfig {
  if (!isObject(v)) throw bad('get_config', 'not an object')
  const leaseBlocks = height(v.lease_blocks, 'config.lease_blocks')
  if (leaseBlocks === 0) throw bad('get_config', 'lease_blocks is 0')
  return { leaseBlocks, minBond: amount(v.min_bond ?? '0', 'config.min_bond'), paused: v.paused === true }
}
