/**
 * The contract's views, decoded once here into the types the roles decide on (contract/src/views.ts,
 * workers.ts, config.ts). A view that does not have the shape is a BAD_RESPONSE, never a guess.
 */
import { isRequestStatus, type ExecutionRequest, type RequestStatus } from '../../protocol/index.js'
import { ChainError } from './errors.js'
import { normaliseRequest } from './events.js'

/** One commit of the commit–reveal phase (`get_assignment`, `get_request`). */
export interface CommitView {
  worker_id: string
  slot: number
  /** hex of commitHash(digest, salt) */
  commit: string
  block: number
}

/** Who may sign a request, and where its commit phase stands (protocol/VERIFICATION-V2.md). */
export interface AssignmentView {
  /** R primaries: slot i belongs to assigned[i] */
  assigned: string[]
  /** ranked backups, allowed to commit from commit_deadline + 1 */
  backups: string[]
  commit_deadline: number
  close_at: number
  commits: CommitView[]
  phase: 'committing' | 'revealing'
}

/**
 * `get_request`: an open request as the event carried it plus where it stands; a finished one is a small receipt
 * (`request` and `assignment` null, status `completed`).
 */
export interface RequestView {
  request: ExecutionRequest | null
  /** the request object as read (stored by roles, re-validated when loaded) */
  raw: unknown
  status: RequestStatus
  assignment: AssignmentView | null
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
  /** bound into every digest */
  networkId: string
  /** primaries commit within this many blocks; backups after */
  commitWindowBlocks: number
  /** workers bonded below this are never assigned */
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

const ids = (v: unknown): string[] => Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []

function commitView (v: unknown): CommitView {
  if (!isObject(v) || typeof v.worker_id !== 'string' || typeof v.commit !== 'string') throw bad('commit', 'no worker_id/commit')
  return { worker_id: v.worker_id, slot: height(v.slot, 'commit.slot'), commit: v.commit, block: height(v.block ?? 0, 'commit.block') }
}

export function decodeAssignment (v: unknown): AssignmentView | null {
  if (!isObject(v) || !Array.isArray(v.assigned)) return null
  return {
    assigned: ids(v.assigned),
    backups: ids(v.backups),
    commit_deadline: height(v.commit_deadline, 'commit_deadline'),
    close_at: height(v.close_at, 'close_at'),
    commits: Array.isArray(v.commits) ? v.commits.map(commitView) : [],
    phase: v.phase === 'revealing' ? 'revealing' : 'committing'
  }
}

export function decodeRequestView (v: unknown): RequestView | null {
  if (v == null) return null
  if (!isObject(v)) throw bad('get_request', 'not an object')
  if (!isRequestStatus(v.status)) throw bad('get_request', `unknown status ${JSON.stringify(v.status)}`)
  if (v.status === 'completed' || v.status === 'cancelled') return { request: null, raw: v, status: v.status, assignment: null, resolution: { success: v.success === true, error: '', workers: [], time_ms: 0 } }
  const parsed = normaliseRequest(v)
  if (parsed == null) throw bad('get_request', 'the request does not validate')
  return { ...parsed, status: v.status, assignment: decodeAssignment(v), resolution: resolution(v.resolution) }
}

function resolution (v: unknown): ResolutionView | null {
  if (!isObject(v)) return null
  const workers = Array.isArray(v.workers) ? v.workers.filter((w): w is string => typeof w === 'string') : []
  const used = isObject(v.resources_used) ? v.resources_used : {}
  return { success: v.success === true, error: typeof v.error === 'string' ? v.error : '', workers, time_ms: height(used.time_ms ?? 0, 'resolution.time_ms') }
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
  if (typeof v.network_id !== 'string' || v.network_id === '') throw bad('get_config', 'no network_id')
  return { networkId: v.network_id, commitWindowBlocks: height(v.commit_window_blocks, 'config.commit_window_blocks'), minBond: amount(v.min_bond ?? '0', 'config.min_bond'), paused: v.paused === true }
}
