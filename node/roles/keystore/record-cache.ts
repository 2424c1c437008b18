/**
 * The worker's copies of secrets records (ciphertext only, as the chain holds them), keyed by owner, accessor
 * and profile, so a release needs no chain read of its own. A record changes only when its owner stores it
 * again, and that draws a new ephemeral point E: members answer with the E of the record they read, and an
 * answer naming another E makes the worker read the record again. A failed read or a missing record is not kept.
 */
import { bytesToHex } from '@noble/hashes/utils.js'
import { accessorKey, parseEcies, type Accessor } from '../../../protocol/secrets/index.js'
import type { KeystoreChain } from './chain.js'
import { KeystoreError } from './errors.js'

export interface CachedRecord {
  blob: Uint8Array
  /** the blob's ephemeral point E, hex */
  ephemeral: string
}

export interface RecordKey { owner: string, accessor: Accessor, profile: string }

export class RecordCache {
  private readonly entries = new Map<string, Promise<CachedRecord>>()

  constructor (private readonly chain: Pick<KeystoreChain, 'getSecrets'>, private readonly max = 256) {}

  /** The cached record, or the record read from chain. */
  async get (key: RecordKey): Promise<CachedRecord> {
    const id = idOf(key)
    let entry = this.entries.get(id)
    if (entry == null) {
      entry = this.read(key)
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!)
      this.entries.set(id, entry)
      const drop = (): void => { if (this.entries.get(id) === entry) this.entries.delete(id) }
      entry.catch(drop)
    }
    return await entry
  }

  /** The record whose E is `ephemeral`: the cached one if it is, else the record read again. */
  async matching (key: RecordKey, ephemeral: string): Promise<CachedRecord> {
    const cached = await this.get(key).catch(() => undefined)
    if (cached?.ephemeral === ephemeral) return cached
    // stale: read again, unless a concurrent caller already replaced it
    const id = idOf(key)
    const entry = this.entries.get(id)
    if (entry != null && (await entry.catch(() => undefined)) === cached) this.entries.delete(id)
    return await this.get(key)
  }

  private async read (key: RecordKey): Promise<CachedRecord> {
    const record = await this.chain.getSecrets(key.owner, key.accessor, key.profile)
    if (record == null) throw new KeystoreError('SECRETS_UNKNOWN', `no secrets for ${key.owner} ${accessorKey(key.accessor)} ${key.profile}`)
    const blob = Buffer.from(record.encrypted_secrets_base64, 'base64')
    try {
      return { blob, ephemeral: bytesToHex(parseEcies(blob).ephemeral) }
    } catch (err) {
      throw new KeystoreError('DECRYPT_FAILED', `the stored blob is not a v1 secrets blob: ${(err as Error).message}`, { cause: err })
    }
  }
}

const idOf = (key: RecordKey): string => JSON.stringify([key.owner, accessorKey(key.accessor), key.profile])
