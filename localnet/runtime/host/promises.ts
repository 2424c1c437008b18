/** Promise, batch-action, promise-result and yield/resume host functions. */
import { base58 } from '@scure/base'
import { validateAccountId } from '../../../protocol/near.js'
import { ACTION, EXT, LIMITS } from '../fees.js'
import { hostErrors } from '../errors.js'
import type { Action, NewReceipt } from '../actions.js'
import type { AccessKey } from '../../state/records.js'
import type { HostFn } from './basic.js'
import type { Logic } from './logic.js'


function accountIdArg (L: Logic, len: bigint, ptr: bigint): string {
  const id = L.readUtf8(ptr, len)
  if (!validateAccountId(id).ok) throw hostErrors.invalidAccountId()
  return id
}

/** borsh PublicKey: 0 ‖ 32 bytes (ed25519) or 1 ‖ 64 bytes (secp256k1) → NEAR's string form */
function publicKeyArg (L: Logic, len: bigint, ptr: bigint): string {
  const b = L.readOrRegister(ptr, len)
  if (b[0] === 0 && b.length === 33) return 'ed25519:' + base58.encode(b.slice(1))
  if (b[0] === 1 && b.length === 65) return 'secp256k1:' + base58.encode(b.slice(1))
  throw hostErrors.invalidPublicKey()
}

/** Send fee is burnt now; the execution fee is reserved for when the receipt runs. */
function payAction (L: Logic, fee: bigint): void {
  L.burn(fee)
  L.reserve(fee)
}

function spend (L: Logic, amount: bigint): void {
  if (amount > L.balance) throw hostErrors.balanceExceeded()
  L.balance -= amount
}

function newReceipt (L: Logic, receiverId: string, inputDataIds: string[]): number {
  L.notInView('promise_batch_create')
  if (L.receipts.length >= LIMITS.max_promises_per_function_call_action) throw hostErrors.numberPromisesExceeded(L.receipts.length + 1, LIMITS.max_promises_per_function_call_action)
  if (inputDataIds.length > LIMITS.max_number_input_data_dependencies) throw hostErrors.numberInputDataDependenciesExceeded(inputDataIds.length, LIMITS.max_number_input_data_dependencies)
  payAction(L, ACTION.receipt_creation)
  const receipt: NewReceipt = { receiverId, actions: [], inputDataIds, outputDataReceivers: [], gasWeights: [] }
  const receiptIndex = L.receipts.push(receipt) - 1
  return L.promises.push({ kind: 'receipt', receiptIndex }) - 1
}

/** The receipts a promise stands for (an `and` stands for all of its parts). */
function receiptsOf (L: Logic, idx: bigint): number[] {
  const p = L.promises[Number(idx)]
  if (idx < 0n || p == null) throw hostErrors.invalidPromiseIndex(idx)
  return p.kind === 'receipt' ? [p.receiptIndex] : p.promises.flatMap(i => receiptsOf(L, BigInt(i)))
}

function then (L: Logic, idx: bigint, receiverId: string): number {
  const deps = receiptsOf(L, idx)
  const inputDataIds: string[] = []
  for (const r of deps) {
    const dataId = L.ctx.newDataId()
    L.receipts[r]!.outputDataReceivers.push({ dataId, receiverId })
    inputDataIds.push(dataId)
    L.burn(ACTION.data_receipt_base * 2n) // send and execution: data receipts have no outcome of their own to burn it in
  }
  return newReceipt(L, receiverId, inputDataIds)
}

function batchReceipt (L: Logic, idx: bigint): NewReceipt {
  L.notInView('promise_batch_action')
  const p = L.promises[Number(idx)]
  if (idx < 0n || p == null) throw hostErrors.invalidPromiseIndex(idx)
  if (p.kind !== 'receipt') throw hostErrors.cannotAppendToJoint()
  return L.receipts[p.receiptIndex]!
}

function addAction (L: Logic, idx: bigint, action: Action, fee: bigint, weight = 0n): void {
  const r = batchReceipt(L, idx)
  payAction(L, fee)
  r.actions.push(action)
  r.gasWeights.push(weight)
}

function functionCall (L: Logic, idx: bigint, a: bigint[], weight: bigint): void {
  const [, mLen, mPtr, argsLen, argsPtr, amountPtr, gas] = a
  batchReceipt(L, idx)
  const amount = L.readU128(amountPtr!)
  const methodName = L.readUtf8(mPtr!, mLen!)
  if (methodName.length === 0 || methodName.length > LIMITS.max_length_method_name) throw hostErrors.invalidMethodName()
  const args = L.readOrRegister(argsPtr!, argsLen!)
  spend(L, amount)
  L.reserve(gas!)
  addAction(L, idx, { type: 'FunctionCall', methodName, args, gas: gas!, deposit: amount },
    ACTION.function_call_base + ACTION.function_call_byte * BigInt(methodName.length + args.length), weight)
}

function methodNamesArg (L: Logic, len: bigint, ptr: bigint): string[] {
  const raw = L.readUtf8(ptr, len)
  return raw === '' ? [] : raw.split(',')
}

export const promiseHost: Record<string, HostFn> = {
  promise_create: (L, a) => {
    L.burn(EXT.base)
    const idx = BigInt(newReceipt(L, accountIdArg(L, a[0]!, a[1]!), []))
    functionCall(L, idx, [idx, ...a.slice(2)], 0n)
    return idx
  },
  promise_then: (L, a) => {
    L.burn(EXT.base)
    const idx = BigInt(then(L, a[0]!, accountIdArg(L, a[1]!, a[2]!)))
    functionCall(L, idx, [idx, ...a.slice(3)], 0n)
    return idx
  },
  promise_and: (L, [ptr, count]) => {
    L.burn(EXT.base)
    L.notInView('promise_and')
    L.burn(EXT.promise_and_base + EXT.promise_and_per_promise * count!)
    const raw = L.readMemory(ptr!, count! * 8n)
    const dv = new DataView(raw.buffer)
    const promises: number[] = []
    for (let i = 0; i < Number(count); i++) {
      const idx = dv.getBigUint64(i * 8, true)
      receiptsOf(L, idx)
      promises.push(Number(idx))
    }
    return BigInt(L.promises.push({ kind: 'and', promises }) - 1)
  },
  promise_batch_create: (L, [len, ptr]) => { L.burn(EXT.base); return BigInt(newReceipt(L, accountIdArg(L, len!, ptr!), [])) },
  promise_batch_then: (L, [idx, len, ptr]) => { L.burn(EXT.base); return BigInt(then(L, idx!, accountIdArg(L, len!, ptr!))) },

  promise_batch_action_create_account: (L, [idx]) => { L.burn(EXT.base); addAction(L, idx!, { type: 'CreateAccount' }, ACTION.create_account); return undefined },
  promise_batch_action_deploy_contract: (L, [idx, len, ptr]) => {
    L.burn(EXT.base)
    batchReceipt(L, idx!)
    const code = L.readOrRegister(ptr!, len!)
    const bytes = BigInt(code.length)
    L.burn(ACTION.deploy_contract_base + ACTION.deploy_contract_byte_send * bytes)
    L.reserve(ACTION.deploy_contract_base + ACTION.deploy_contract_byte_exec * bytes)
    batchReceipt(L, idx!).actions.push({ type: 'DeployContract', code })
    batchReceipt(L, idx!).gasWeights.push(0n)
    return undefined
  },
  promise_batch_action_function_call: (L, a) => { L.burn(EXT.base); functionCall(L, a[0]!, a, 0n); return undefined },
  promise_batch_action_function_call_weight: (L, a) => { L.burn(EXT.base); functionCall(L, a[0]!, a.slice(0, 7), a[7]!); return undefined },
  promise_batch_action_transfer: (L, [idx, amountPtr]) => {
    L.burn(EXT.base)
    batchReceipt(L, idx!)
    const amount = L.readU128(amountPtr!)
    spend(L, amount)
    addAction(L, idx!, { type: 'Transfer', deposit: amount }, ACTION.transfer)
    return undefined
  },
  promise_batch_action_stake: (L, [idx, amountPtr, pkLen, pkPtr]) => {
    L.burn(EXT.base)
    batchReceipt(L, idx!)
    const stake = L.readU128(amountPtr!)
    addAction(L, idx!, { type: 'Stake', stake, publicKey: publicKeyArg(L, pkLen!, pkPtr!) }, ACTION.stake)
    return undefined
  },
  promise_batch_action_add_key_with_full_access: (L, [idx, pkLen, pkPtr, nonce]) => {
    L.burn(EXT.base)
    batchReceipt(L, idx!)
    const accessKey: AccessKey = { nonce: nonce!, permission: 'FullAccess' }
    addAction(L, idx!, { type: 'AddKey', publicKey: publicKeyArg(L, pkLen!, pkPtr!), accessKey }, ACTION.add_key_full)
    return undefined
  },
  promise_batch_action_add_key_with_function_call: (L, [idx, pkLen, pkPtr, nonce, allowancePtr, rLen, rPtr, mLen, mPtr]) => {
    L.burn(EXT.base)
    batchReceipt(L, idx!)
    const publicKey = publicKeyArg(L, pkLen!, pkPtr!)
    const allowance = L.readU128(allowancePtr!)
    const receiverId = accountIdArg(L, rLen!, rPtr!)
    const methodNames = methodNamesArg(L, mLen!, mPtr!)
    const accessKey: AccessKey = { nonce: nonce!, permission: { receiverId, methodNames, allowance: allowance === 0n ? null : allowance } }
    const bytes = BigInt(methodNames.reduce((n, m) => n + m.length, 0) + methodNames.length)
    addAction(L, idx!, { type: 'AddKey', publicKey, accessKey }, ACTION.add_key_function_call + ACTION.add_key_byte * bytes)
    return undefined
  },
  promise_batch_action_delete_key: (L, [idx, pkLen, pkPtr]) => {
    L.burn(EXT.base)
    batchReceipt(L, idx!)
    addAction(L, idx!, { type: 'DeleteKey', publicKey: publicKeyArg(L, pkLen!, pkPtr!) }, ACTION.delete_key)
    return undefined
  },
  promise_batch_action_delete_account: (L, [idx, len, ptr]) => {
    L.burn(EXT.base)
    batchReceipt(L, idx!)
    addAction(L, idx!, { type: 'DeleteAccount', beneficiaryId: accountIdArg(L, len!, ptr!) }, ACTION.delete_account)
    return undefined
  },

  promise_results_count: (L) => { L.burn(EXT.base); L.notInView('promise_results_count'); return BigInt(L.ctx.promiseResults.length) },
  promise_result: (L, [idx, r]) => {
    L.burn(EXT.base)
    L.notInView('promise_result')
    const res = L.ctx.promiseResults[Number(idx)]
    if (idx! < 0n || res == null) throw hostErrors.invalidPromiseResultIndex(idx!)
    if (res.status === 'failed') return 2n
    L.registerWrite(r!, res.data)
    return 1n
  },
  promise_return: (L, [idx]) => {
    L.burn(EXT.base + EXT.promise_return)
    L.notInView('promise_return')
    const p = L.promises[Number(idx)]
    if (idx! < 0n || p == null) throw hostErrors.invalidPromiseIndex(idx!)
    if (p.kind !== 'receipt') throw hostErrors.cannotReturnJoint()
    L.returnData = { kind: 'receipt', index: p.receiptIndex }
    return undefined
  },

  promise_yield_create: (L, [mLen, mPtr, argsLen, argsPtr, gas, weight, r]) => {
    L.burn(EXT.base)
    L.notInView('promise_yield_create')
    const methodName = L.readUtf8(mPtr!, mLen!)
    if (methodName.length === 0 || methodName.length > LIMITS.max_length_method_name) throw hostErrors.invalidMethodName()
    const args = L.readOrRegister(argsPtr!, argsLen!)
    L.burn(EXT.yield_create_base + EXT.yield_create_byte * BigInt(methodName.length + args.length))
    const dataId = L.ctx.newDataId()
    const idx = BigInt(newReceipt(L, L.ctx.currentAccountId, [dataId]))
    L.receipts[L.receipts.length - 1]!.yieldDataId = dataId
    L.reserve(gas!)
    addAction(L, idx, { type: 'FunctionCall', methodName, args, gas: gas!, deposit: 0n },
      ACTION.function_call_base + ACTION.function_call_byte * BigInt(methodName.length + args.length), weight!)
    L.ctx.yieldCreate(dataId)
    L.registerWrite(r!, base58.decode(dataId))
    return idx
  },
  promise_yield_resume: (L, [idLen, idPtr, payloadLen, payloadPtr]) => {
    L.burn(EXT.base)
    L.notInView('promise_yield_resume')
    const dataId = L.readOrRegister(idPtr!, idLen!)
    const payload = L.readOrRegister(payloadPtr!, payloadLen!)
    L.burn(EXT.yield_resume_base + EXT.yield_resume_byte * BigInt(dataId.length + payload.length))
    if (payload.length > LIMITS.max_yield_payload_size) throw hostErrors.yieldPayloadLength(payload.length, LIMITS.max_yield_payload_size)
    if (dataId.length !== 32) throw hostErrors.dataIdMalformed()
    return L.ctx.yieldResume(base58.encode(dataId), payload) ? 1 : 0
  }
}

