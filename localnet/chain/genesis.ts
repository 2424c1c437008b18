/** Genesis: the root account and prefunded user accounts, each with a fresh full-access key. */
import { generateKeyPair, publicKeyToString, secretKeyToString } from '../../protocol/keys.js'
import { nearToYocto } from '../../protocol/near.js'
import { ACCOUNT_BYTES, NO_CODE_HASH, putAccessKey, setAccount } from '../state/records.js'
import type { StateWriter } from '../state/store.js'
import type { KeyedAccount } from './api.js'

export const ROOT_ACCOUNT = 'test.near'
export const ROOT_BALANCE = nearToYocto(1_000_000_000)
export const USER_BALANCE = nearToYocto(1000)

export interface Genesis { root: KeyedAccount, accounts: KeyedAccount[], totalSupply: bigint }

function addAccount (s: StateWriter, accountId: string, amount: bigint): KeyedAccount {
  const pair = generateKeyPair()
  setAccount(s, accountId, { amount, locked: 0n, codeHash: NO_CODE_HASH, storageUsage: ACCOUNT_BYTES })
  putAccessKey(s, accountId, publicKeyToString(pair.publicKey), { nonce: 0n, permission: 'FullAccess' })
  return { accountId, secretKey: secretKeyToString(pair) }
}

export function writeGenesisState (s: StateWriter, users: number): Genesis {
  const root = addAccount(s, ROOT_ACCOUNT, ROOT_BALANCE)
  const accounts = Array.from({ length: users }, (_, k) => addAccount(s, `user${k}.${ROOT_ACCOUNT}`, USER_BALANCE))
  return { root, accounts, totalSupply: ROOT_BALANCE + USER_BALANCE * BigInt(users) }
}
