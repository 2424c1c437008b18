/**
 * The release checks, all from the keystore node's own chain view (issue 12): the request exists and is
 * pending; the worker is assigned to it now; the request signature is the worker's registered key; the request
 * names this owner and profile in its secrets_ref; its code is the secret's accessor; the record exists; its
 * access condition holds for the request's predecessor. Each failure is its own KeystoreError code.
 *
 * Assignment (verification v2, protocol/VERIFICATION-V2.md): get_request carries `assigned` (R primaries),
 * `backups` and `commit_deadline`; a primary may fetch at once, a backup only after `commit_deadline` (when it
 * may take a slot). A view without `assigned` (a receipt, or not v2) assigns nobody.
 *
 * Whose access: the request's `predecessor_id`, the account that called request_execution. `payer_account_id`
 * is an argument the predecessor chooses, so checking it would let anyone name a whitelisted payer.
 */
import { parsePublicKey } from '../../../protocol/index.js'
import { accessorKey, type Accessor } from '../../../protocol/secrets/index.js'
import { evaluateAccess } from './access.js'
import type { KeystoreChain, SecretsRecord } from './chain.js'
import { KeystoreError } from './errors.js'
import { verifyRelease, type ReleaseRequest } from './wire.js'

const refuse = (code: ConstructorParameters<typeof KeystoreError>[0], message: string): never => { throw new KeystoreError(code, message) }

/** Whether the request's code source is the accessor's code. */
export function codeMatches (request: Record<string, unknown>, accessor: Accessor): boolean {
  const source = request.source as Record<string, Record<string, unknown>> | undefined
  if (source == null) return false
  if ('Repo' in accessor) {
    const gh = source.GitHub
    if (gh == null || typeof gh.repo !== 'string' || normaliseRepo(gh.repo) !== normaliseRepo(accessor.Repo.repo)) return false
    // a branch accessor matches only a request that names that branch as its ref: the keystore cannot prove a
    // commit hash lies on a branch without asking GitHub
    return accessor.Repo.branch == null || gh.commit === accessor.Repo.branch
  }
  if ('WasmHash' in accessor) return source.WasmUrl?.hash === accessor.WasmHash.hash
  return (source.Project?.project_id ?? request.project_id) === accessor.Project.project_id
}

/** github.com/o/n, https://github.com/o/n(.git) and o/n name one repo */
export function normaliseRepo (repo: string): string {
  return repo.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/^github\.com\//, '').replace(/\.git$/, '').replace(/\/+$/, '')
}

function isAssigned (request: Record<string, unknown>, worker: string, height: number): boolean {
  if (!Array.isArray(request.assigned)) return false
  if (request.assigned.includes(worker)) return true
  const deadline = Number(request.commit_deadline)
  return Array.isArray(request.backups) && request.backups.includes(worker) && Number.isFinite(deadline) && height > deadline
}

export interface CheckedRelease { record: SecretsRecord, request: Record<string, unknown> }

export async function checkRelease (chain: KeystoreChain, network: string, r: ReleaseRequest, signature: string): Promise<CheckedRelease> {
  if (r.network !== network || r.contract_id !== chain.contractId) refuse('BAD_MESSAGE', `this keystore serves ${network}/${chain.contractId}`)
  // one round of reads: the record is looked up by what the worker names and only used once every check passed
  const [request, height, publicKey, record] = await Promise.all([chain.getRequest(r.request_id), chain.height(), chain.workerPublicKey(r.worker_id), chain.getSecrets(r.owner, r.accessor, r.profile)])
  if (request == null) return refuse('REQUEST_UNKNOWN', `no request ${r.request_id}`)
  if (publicKey == null) return refuse('NOT_ASSIGNED', `${r.worker_id} is not a registered worker`)
  let key: Uint8Array
  try { key = parsePublicKey(publicKey) } catch { return refuse('BAD_SIGNATURE', `${r.worker_id} has an unreadable key`) }
  if (!verifyRelease(r, signature, key)) refuse('BAD_SIGNATURE', `the release request is not signed by ${r.worker_id}'s worker key`)
  if (request.status !== 'pending') refuse('REQUEST_NOT_PENDING', `request ${r.request_id} is ${String(request.status)}`)
  if (!isAssigned(request, r.worker_id, height)) refuse('NOT_ASSIGNED', `${r.worker_id} is not assigned to request ${r.request_id}`)
  const ref = request.secrets_ref as { profile?: unknown, account_id?: unknown } | undefined
  if (ref == null) refuse('PROFILE_MISMATCH', `request ${r.request_id} has no secrets_ref`)
  if (ref!.account_id !== r.owner || ref!.profile !== r.profile) refuse('PROFILE_MISMATCH', `request ${r.request_id} names ${String(ref!.account_id)}/${String(ref!.profile)}, not ${r.owner}/${r.profile}`)
  if (!codeMatches(request, r.accessor)) refuse('CODE_MISMATCH', `request ${r.request_id} does not run ${accessorKey(r.accessor)}`)
  if (record == null) return refuse('SECRETS_UNKNOWN', `no secrets for ${r.owner} ${accessorKey(r.accessor)} ${r.profile}`)
  const who = request.predecessor_id
  if (typeof who !== 'string') return refuse('CHAIN_UNAVAILABLE', 'the request view has no predecessor_id')
  if (!await evaluateAccess(record.access, who, chain)) refuse('ACCESS_DENIED', `the access condition does not hold for ${who}`)
  return { record, request }
}
