/** State queries (view_account, view_access_key(_list), call_function, view_state, view_code) as nearcore answers them. */
import { sha256 } from '@noble/hashes/sha2.js'
import { runMethod } from '../runtime/vm.js'
import { MAX_GAS_BURNT_VIEW } from '../runtime/fees.js'
import { fromBase58, toBase58, toBase64, toHex, fromHex } from '../state/codec.js'
import { NO_CODE_HASH, accessKeys, dataKeys, getAccessKey, getAccount, getCode, readData, readDataHex } from '../state/records.js'
import { Overlay, type StateWriter } from '../state/store.js'
import type { AccessKeyListView, AccessKeyView, AccountView, BlockStamp, CallResult, CodeView, StateView } from './api.js'
import { handlerError } from './errors.js'
import { permissionView } from './views.js'

export interface QueryBlock { height: number, hash: string, timestampNs: bigint, randomSeed: string }

const stamp = (b: QueryBlock): BlockStamp => ({ block_height: b.height, block_hash: b.hash })

function account (s: StateWriter, id: string, b: QueryBlock) {
  const a = getAccount(s, id)
  if (a == null) throw handlerError('UNKNOWN_ACCOUNT', { requested_account_id: id, ...stamp(b) }, `account ${id} does not exist while viewing`)
  return a
}

export function viewAccount (s: StateWriter, id: string, b: QueryBlock): AccountView {
  const a = account(s, id, b)
  return { amount: a.amount.toString(), locked: a.locked.toString(), code_hash: a.codeHash, storage_usage: a.storageUsage, storage_paid_at: 0, ...stamp(b) }
}

export function viewAccessKey (s: StateWriter, id: string, pk: string, b: QueryBlock): AccessKeyView {
  const k = getAccessKey(s, id, pk)
  if (k == null) throw handlerError('UNKNOWN_ACCESS_KEY', { public_key: pk, ...stamp(b) }, `access key ${pk} does not exist while viewing`)
  return { nonce: Number(k.nonce), permission: permissionView(k), ...stamp(b) }
}

export function viewAccessKeyList (s: StateWriter, id: string, b: QueryBlock): AccessKeyListView {
  account(s, id, b)
  return { keys: accessKeys(s, id).map(([pk, k]) => ({ public_key: pk, access_key: { nonce: Number(k.nonce), permission: permissionView(k) } })), ...stamp(b) }
}

function code (s: StateWriter, id: string, b: QueryBlock): Uint8Array {
  const a = account(s, id, b)
  const c = a.codeHash === NO_CODE_HASH ? undefined : getCode(s, a.codeHash)
  if (c == null) throw handlerError('NO_CONTRACT_CODE', { contract_account_id: id, ...stamp(b) }, `Contract code for contract ID ${id} has never been observed on the node`)
  return c
}

export function viewCode (s: StateWriter, id: string, b: QueryBlock): CodeView {
  const c = code(s, id, b)
  return { code_base64: toBase64(c), hash: toBase58(sha256(c)), ...stamp(b) }
}

export function viewState (s: StateWriter, id: string, prefix: Uint8Array, b: QueryBlock): StateView {
  account(s, id, b)
  const values = dataKeys(s, id, toHex(prefix)).map(k => ({ key: toBase64(fromHex(k)), value: toBase64(readDataHex(s, id, k)!) }))
  return { values, ...stamp(b) }
}

/** A view call: the contract runs on a throw-away overlay, with the view-only host restrictions. */
export function callView (s: StateWriter, id: string, method: string, args: Uint8Array, b: QueryBlock): CallResult {
  const a = account(s, id, b)
  const c = code(s, id, b)
  const ov = new Overlay(s)
  const out = runMethod({
    code: c,
    codeHash: a.codeHash,
    method,
    ctx: {
      currentAccountId: id, signerAccountId: '', signerAccountPk: new Uint8Array(0), predecessorAccountId: '',
      input: args, blockHeight: BigInt(b.height), blockTimestampNs: b.timestampNs, epochHeight: BigInt(Math.floor(b.height / 43_200)),
      randomSeed: fromBase58(b.randomSeed), accountBalance: a.amount, accountLockedBalance: a.locked, attachedDeposit: 0n,
      prepaidGas: MAX_GAS_BURNT_VIEW, isView: true, promiseResults: [],
      storage: { read: key => readData(ov, id, key), write: () => undefined, remove: () => undefined, storageUsage: () => a.storageUsage },
      newDataId: () => '', yieldCreate: () => undefined, yieldResume: () => false
    }
  })
  if (out.error != null) {
    const vmError = out.error.vmError()
    throw handlerError('CONTRACT_EXECUTION_ERROR', { vm_error: `wasm execution failed with error: ${JSON.stringify(vmError)}`, error: vmError, ...stamp(b) },
      `wasm execution failed with error: ${out.error.message}`)
  }
  const ret = out.logic.returnData
  return { result: ret.kind === 'value' ? ret.data : new Uint8Array(0), logs: out.logic.logs, ...stamp(b) }
}
