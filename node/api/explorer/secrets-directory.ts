/**
 * Which secrets records each owner has, as the chain announced them: the contract emits `secrets_stored` and
 * `secrets_deleted` ({owner, accessor, profile}) but has no view that lists an owner's records, so the explorer
 * folds those events here. Only ids (owner, accessor, profile, block) are kept, never the ciphertext. Bounded
 * (`maxEntries` over all owners, the oldest dropped); like the execution index it knows what its blocks carried
 * (on start, the backfill), and the page reads each record itself with get_secrets.
 */
import type { StepRef } from './index-record.js'

export type SecretsAccessor = { Repo: { repo: string, branch?: string } } | { WasmHash: { hash: string } } | { Project: { project_id: string } }

export interface SecretsEntry { owner: string, accessor: SecretsAccessor, profile: string, stored: StepRef }

type Item = Record<string, unknown>
const isItem = (v: unknown): v is Item => v != null && typeof v === 'object' && !Array.isArray(v)
const str = (v: unknown, max: number): string | undefined => typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined

/** The accessor in a canonical form (only its known fields, in one order); undefined when it is none of the three. */
export function canonicalAccessor (v: unknown): SecretsAccessor | undefined {
  if (!isItem(v)) return undefined
  if (isItem(v.Repo) && str(v.Repo.repo, 256) != null) {
    const branch = str(v.Repo.branch, 256)
    return { Repo: { repo: v.Repo.repo as string, ...(branch != null ? { branch } : {}) } }
  }
  if (isItem(v.WasmHash) && typeof v.WasmHash.hash === 'string' && /^[0-9a-f]{64}$/.test(v.WasmHash.hash)) return { WasmHash: { hash: v.WasmHash.hash } }
  if (isItem(v.Project) && str(v.Project.project_id, 128) != null) return { Project: { project_id: v.Project.project_id as string } }
  return undefined
}

export class SecretsDirectory {
  /** insertion order is age: a re-stored record moves to the end */
  private readonly entries = new Map<string, SecretsEntry>()

  constructor (private readonly maxEntries = 10_000) {}

  /** Applies `secrets_stored` / `secrets_deleted`; false for any other event or a malformed item. */
  apply (event: string, item: Item, at: StepRef): boolean {
    if (event !== 'secrets_stored' && event !== 'secrets_deleted') return false
    const owner = str(item.owner, 64)
    const profile = str(item.profile, 64)
    const accessor = canonicalAccessor(item.accessor)
    if (owner == null || profile == null || accessor == null) return false
    const key = JSON.stringify([owner, accessor, profile])
    this.entries.delete(key)
    if (event === 'secrets_stored') {
      this.entries.set(key, { owner, accessor, profile, stored: at })
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
    }
    return true
  }

  /** an owner's records, newest first */
  list (owner: string): SecretsEntry[] {
    return [...this.entries.values()].filter(e => e.owner === owner).reverse()
  }
}
