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

export interface KeystoreChain extends ChainViews {
  readonly contractId: string
  height: () => Promise<number>
  getRequest: (requestId: string) => Promise<Record<string, unknown> | null>
  workerPublicKey: (accountId: string) => Promise<string | null>
  getSecrets: (owner: string, accessor: Accessor, profile: string) => Promise<SecretsRecord | null>
  getGroup: () => Promise<KeystoreGroup | null>
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
    getGroup: async () => {
      const raw = await own<unknown>('get_keystore_group', {})
      if (raw == null) return null
      const g = parseGroup(raw)
      if (!g.ok) throw new KeystoreError('NO_SHARE', `the published keystore group is unusable: ${g.error.message}`)
      return g.value
    }
  }
}
