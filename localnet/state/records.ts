/**
 * Typed access to the state spaces: accounts, access keys, contract code and contract data.
 * Storage usage is counted as nearcore does (100 bytes per account, 40 extra bytes per record).
 */
import { toHex } from './codec.js'
import type { StateReader, StateWriter } from './store.js'

export const NO_CODE_HASH = '11111111111111111111111111111111'
export const STORAGE_PRICE_PER_BYTE = 10n ** 19n
export const ACCOUNT_BYTES = 100
export const EXTRA_BYTES_PER_RECORD = 40

export interface Account { amount: bigint, locked: bigint, codeHash: string, storageUsage: number }
export interface FunctionCallPermission { receiverId: string, methodNames: string[], allowance: bigint | null }
export interface AccessKey { nonce: bigint, permission: 'FullAccess' | FunctionCallPermission }

const ACCOUNTS = 'acct'
const CODE = 'code'
const keysSpace = (accountId: string): string => `key:${accountId}`
const dataSpace = (accountId: string): string => `data:${accountId}`

export const getAccount = (s: StateReader, id: string): Account | undefined => s.get<Account>(ACCOUNTS, id)
export const setAccount = (s: StateWriter, id: string, a: Account): void => s.set(ACCOUNTS, id, { ...a })
export const deleteAccountRecord = (s: StateWriter, id: string): void => s.del(ACCOUNTS, id)

export const getAccessKey = (s: StateReader, id: string, pk: string): AccessKey | undefined => s.get<AccessKey>(keysSpace(id), pk)
export const accessKeys = (s: StateReader, id: string): Array<[string, AccessKey]> =>
  s.keys(keysSpace(id)).map(pk => [pk, s.get<AccessKey>(keysSpace(id), pk)!])

/** Writes or removes a key and keeps the account's storage usage in step. */
export function putAccessKey (s: StateWriter, id: string, pk: string, key: AccessKey | undefined): void {
  const acct = getAccount(s, id)
  const before = getAccessKey(s, id, pk)
  let delta = 0
  if (before != null) delta -= accessKeyBytes(before)
  if (key != null) { delta += accessKeyBytes(key); s.set(keysSpace(id), pk, key) } else s.del(keysSpace(id), pk)
  if (acct != null) setAccount(s, id, { ...acct, storageUsage: acct.storageUsage + delta })
}

/** borsh(PublicKey ed25519) = 33 bytes, plus borsh(AccessKey), plus the per-record overhead. */
export function accessKeyBytes (k: AccessKey): number {
  let n = 33 + 8 + 1 + EXTRA_BYTES_PER_RECORD
  if (k.permission !== 'FullAccess') {
    n += 1 + (k.permission.allowance != null ? 16 : 0) + 4 + k.permission.receiverId.length + 4
    for (const m of k.permission.methodNames) n += 4 + Buffer.byteLength(m)
  }
  return n
}

export const getCode = (s: StateReader, hash: string): Uint8Array | undefined => s.get<Uint8Array>(CODE, hash)
export const putCode = (s: StateWriter, hash: string, code: Uint8Array): void => s.set(CODE, hash, code)

export const readData = (s: StateReader, id: string, key: Uint8Array): Uint8Array | undefined => s.get<Uint8Array>(dataSpace(id), toHex(key))

/** Sets (or with `undefined` removes) a contract storage entry; returns the previous value. */
export function writeData (s: StateWriter, id: string, key: Uint8Array, value: Uint8Array | undefined): Uint8Array | undefined {
  const hexKey = toHex(key)
  const before = s.get<Uint8Array>(dataSpace(id), hexKey)
  let delta = 0
  if (before != null) delta -= key.length + before.length + EXTRA_BYTES_PER_RECORD
  if (value != null) { delta += key.length + value.length + EXTRA_BYTES_PER_RECORD; s.set(dataSpace(id), hexKey, value) } else if (before != null) s.del(dataSpace(id), hexKey)
  if (delta !== 0) {
    const acct = getAccount(s, id)
    if (acct != null) setAccount(s, id, { ...acct, storageUsage: acct.storageUsage + delta })
  }
  return before
}

/** Contract data keys (hex) in byte order, optionally under a prefix. */
export function dataKeys (s: StateReader, id: string, prefixHex = ''): string[] {
  return s.keys(dataSpace(id)).filter(k => k.startsWith(prefixHex))
}
export const readDataHex = (s: StateReader, id: string, hexKey: string): Uint8Array | undefined => s.get<Uint8Array>(dataSpace(id), hexKey)

/** Removes every record of an account (DeleteAccount). */
export function purgeAccount (s: StateWriter, id: string): void {
  for (const k of s.keys(dataSpace(id))) s.del(dataSpace(id), k)
  for (const k of s.keys(keysSpace(id))) s.del(keysSpace(id), k)
  deleteAccountRecord(s, id)
}

/** Balance the account must keep for its storage. */
export const storageCost = (a: Account): bigint => BigInt(a.storageUsage) * STORAGE_PRICE_PER_BYTE
