/**
 * Secrets for one run (issue 12): a request whose `secrets_ref` names an owner's profile gets that profile's env
 * vars from the keystore nodes just before it runs (node.ts plugs roles/keystore `fetchSecrets` in as the
 * worker's SecretsSource). The env lives in the run only: it is never stored, gossiped, logged or attested, and
 * the caller drops it after the run. Any failure to get it is a local failure of this job (SECRETS_UNAVAILABLE,
 * retried on reconciliation), never a deterministic result: another worker may well get them.
 */
import type { ExecutionRequest } from '../../../protocol/index.js'
import type { Accessor } from '../../../protocol/secrets/index.js'
import { WorkerError } from './errors.js'

export interface SecretsQuery {
  requestId: string
  /** from the request's secrets_ref */
  owner: string
  profile: string
  /** the request's code, as the secrets record names it */
  accessor: Accessor
  signal?: AbortSignal
}

/** The env vars of a profile, released to this worker for this request; throws when they cannot be had. */
export type SecretsSource = (query: SecretsQuery) => Promise<Record<string, string>>

/** The accessor of a request's code: WasmUrl → its pinned hash, GitHub → its repo, Project → its id. */
export function accessorOf (source: ExecutionRequest['source']): Accessor {
  if ('WasmUrl' in source) return { WasmHash: { hash: source.WasmUrl.hash } }
  if ('GitHub' in source) return { Repo: { repo: source.GitHub.repo } }
  return { Project: { project_id: source.Project.project_id } }
}

/** The env for the run: undefined without a secrets_ref; SECRETS_UNAVAILABLE (retryable) when not released. */
export async function secretsFor (request: ExecutionRequest, source: SecretsSource | undefined, signal?: AbortSignal): Promise<Record<string, string> | undefined> {
  const ref = request.secrets_ref
  if (ref == null) return undefined
  const id = request.request_id.toString()
  if (source == null) throw new WorkerError('SECRETS_UNAVAILABLE', `request ${id} names secrets and this node has no keystore client`)
  try {
    return await source({ requestId: id, owner: ref.account_id, profile: ref.profile, accessor: accessorOf(request.source), ...(signal != null ? { signal } : {}) })
  } catch (err) {
    const code = (err as { code?: unknown }).code
    throw new WorkerError('SECRETS_UNAVAILABLE', `secrets ${ref.account_id}/${ref.profile} for request ${id} not released${typeof code === 'string' ? ` (${code})` : ''}: ${(err as Error).message}`, { cause: err })
  }
}
