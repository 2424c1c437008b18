/**
 * The keystore's own chain view: every release check reads the chain through this, never from what the
 * worker says. Built on a near-api-js provider (node/chain's client exposes one as `client.provider`).
 */
import type { JsonRpcProvider } from 'near-api-js'
import type { Accessor } from '../../../protocol/secrets/index.js'
import type { ChainViews } from './access.js'
import { KeystoreError } from './errors.js'
import { parseGroup, type KeystoreGroup } from './group.js'

export interface SecretsRecord {
  owner: string
  accessor: Accessor
  profile: string
  encrypted_secrets_base64: string
  access: unknown
}

/** What one release needs from the chain, read in one view at one block (`get_release_view`). */
export interface ReleaseView {
  /** as get_request answers it: the open request, a finished one's receipt, or null */
  request: Record<string, unknown> | null
  /** the worker's registered key (ed25519:…), null for an unknown worker */
  workerPublicKey: string | null
  /** the secrets record of (owner, accessor, profile), or null */
  record: SecretsRecord | null
  /** the published keystore group's version (0: none); a cached group older than this is stale */
  groupVersion: number
  height: number
}

export interface ReleaseViewArgs { requestId: string, workerId: string, owner: string, accessor: Accessor, profile: string }

export interface KeystoreChain extends ChainViews {
  readonly contractId: string
  height: () => Promise<number>
  getRequest: (requestId: string) => Promise<Record<string, unknown> | null>
  workerPublicKey: (accountId: string) => Promise<string | null>
  getSecrets: (owner: string, accessor: Accessor, profile: string) => Promise<SecretsRecord | null>
  getGroup: () => Promise<KeystoreGroup | null>
  releaseView: (args: ReleaseViewArgs) => Promise<ReleaseView>
}

function unavailable (what: string, err: unknown): KeystoreError {
  return err instanceof KeystoreError ? err : new KeystoreError('CHAIN_UNAVAILABLE', `${what}: ${(err as Error).message}`, { cause: err })
}

export function createKeystoreChain ({ provider, contractId }: { provider: JsonRpcProvider, contractId: string }): KeystoreChain {
  const viewFunction = async (contract: string, method: string, args: Record<string, unknown>): Promise<unknown> =>
    await provider.callFunction({ contractId: contract, method, args, blockQuery: { finality: 'optimistic' } }) ?? null
  const own = async <T>(method: string, args: Record<string, unknown>): Promise<T | null> => {
    try { return (await viewFunction(contractId, method, args)) as T | null } catch (err) { throw unavailable(`view ${method}`, err) }
  }
  return {
    contractId,
    viewFunction,
    accountBalance: async (accountId) => BigInt((await provider.viewAccount({ accountId, blockQuery: { finality: 'optimistic' } })).amount),
    height: async () => {
      try { return Number((await provider.viewBlock({ finality: 'optimistic' })).header.height) } catch (err) { throw unavailable('block', err) }
    },
    getRequest: async (requestId) => await own<Record<string, unknown>>('get_request', { request_id: Number(requestId) }),
    workerPublicKey: async (accountId) => (await own<{ public_key?: string }>('get_worker', { account_id: accountId }))?.public_key ?? null,
    getSecrets: async (owner, accessor, profile) => await own<SecretsRecord>('get_secrets', { owner, accessor, profile }),
    releaseView: async ({ requestId, workerId, owner, accessor, profile }) => {
      const v = await own<{ request?: Record<string, unknown> | null, worker?: { public_key?: string } | null, secrets?: SecretsRecord | null, keystore_version?: unknown, block_height?: unknown }>(
        'get_release_view', { request_id: Number(requestId), worker_id: workerId, owner, accessor, profile })
      if (v == null || !Number.isSafeInteger(v.keystore_version) || !Number.isSafeInteger(v.block_height)) throw new KeystoreError('CHAIN_UNAVAILABLE', 'get_release_view answered no {request, worker, secrets, keystore_version, block_height}')
      return { request: v.request ?? null, workerPublicKey: v.worker?.public_key ?? null, record: v.secrets ?? null, groupVersion: v.keystore_version as number, height: v.block_height as number }
    },
    getGroup: async () => {
      const raw = await own<unknown>('get_keystore_group', {})
      if (raw == null) return null
      const g = parseGroup(raw)
      if (!g.ok) throw new KeystoreError('NO_SHARE', `the published keystore group is unusable: ${g.error.message}`)
      return g.value
    }
  }
}
