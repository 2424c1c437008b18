/**
 * Runs one action receipt against the state, as nearcore's apply_action_receipt does: every action in an
 * overlay that a failure throws away, deposits refunded to the predecessor on failure, unused gas
 * refunded to the signer, and the receipts and data the run produced.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { runMethod } from '../runtime/vm.js'
import type { Action, PromiseResult } from '../runtime/actions.js'
import type { Logic } from '../runtime/host/logic.js'
import { toBase58, toBase64, fromBase58 } from '../state/codec.js'
import {
  NO_CODE_HASH, ACCOUNT_BYTES, getAccount, setAccount, getAccessKey, putAccessKey, getCode, putCode,
  readData, writeData, purgeAccount, storageCost
} from '../state/records.js'
import { Overlay, type StateWriter } from '../state/store.js'
import { attachedGas, execFees, totalDeposit } from './cost.js'
import type { ActionReceipt, DataReceipt, OutcomeRecord, OutcomeStatus, ReceiptRecord } from './records.js'
import { hashOf } from './views.js'

export interface BlockContext {
  height: number
  hash: string
  timestampNs: bigint
  randomSeed: string
  /** CreateChainOptions.randomSecret: receipts see the block's seed unmixed (receipt ids hash run-specific tx hashes) */
  fixedRandomness?: boolean
  registrar: string
  yieldTimeoutBlocks: number
}

export interface Applied { outcome: OutcomeRecord, emitted: ReceiptRecord[] }

type ActionFailure = { index: number | null, kind: Record<string, unknown> }
const YIELDS = 'yield'
export interface YieldRecord { accountId: string, expiresAt: number }

function credit (s: StateWriter, id: string, amount: bigint): void {
  const a = getAccount(s, id)
  if (a != null && amount > 0n) setAccount(s, id, { ...a, amount: a.amount + amount })
}

export function applyActionReceipt (store: StateWriter, r: ActionReceipt, results: PromiseResult[], blk: BlockContext): Applied {
  const ov = new Overlay(store)
  const emitted: ReceiptRecord[] = []
  const logs: string[] = []
  let vmBurnt = 0n
  let vmUsed = 0n
  let dataCounter = 0
  let lastLogic: Logic | undefined
  const children: Logic[] = []
  const resumes: Array<{ dataId: string, payload: Uint8Array }> = []
  const newDataId = (): string => hashOf('data', r.id, String(dataCounter++))

  const runAction = (a: Action, index: number): ActionFailure | undefined => {
    const acct = getAccount(ov, r.receiverId)
    if (a.type === 'CreateAccount') {
      if (acct != null) return { index, kind: { AccountAlreadyExists: { account_id: r.receiverId } } }
      if (!r.receiverId.endsWith('.' + r.predecessorId) && r.predecessorId !== blk.registrar) {
        return { index, kind: { CreateAccountNotAllowed: { account_id: r.receiverId, predecessor_id: r.predecessorId } } }
      }
      setAccount(ov, r.receiverId, { amount: 0n, locked: 0n, codeHash: NO_CODE_HASH, storageUsage: ACCOUNT_BYTES })
      return undefined
    }
    if (acct == null && a.type === 'Transfer' && index === 0 && IMPLICIT.test(r.receiverId)) {
      createImplicitAccount(ov, r.receiverId, a.deposit, blk.height)
      return undefined
    }
    if (acct == null) return { index, kind: { AccountDoesNotExist: { account_id: r.receiverId } } }
    switch (a.type) {
      case 'Transfer':
        setAccount(ov, r.receiverId, { ...acct, amount: acct.amount + a.deposit })
        return undefined
      case 'DeployContract': {
        const hash = toBase58(sha256(a.code))
        const old = getCode(ov, acct.codeHash)?.length ?? 0
        putCode(ov, hash, a.code)
        setAccount(ov, r.receiverId, { ...acct, codeHash: hash, storageUsage: acct.storageUsage - old + a.code.length })
        return undefined
      }
      case 'AddKey':
        if (getAccessKey(ov, r.receiverId, a.publicKey) != null) return { index, kind: { AddKeyAlreadyExists: { account_id: r.receiverId, public_key: a.publicKey } } }
        putAccessKey(ov, r.receiverId, a.publicKey, { ...a.accessKey, nonce: BigInt(Math.max(0, blk.height - 1)) * 1_000_000n })
        return undefined
      case 'DeleteKey':
        if (getAccessKey(ov, r.receiverId, a.publicKey) == null) return { index, kind: { DeleteKeyDoesNotExist: { account_id: r.receiverId, public_key: a.publicKey } } }
        putAccessKey(ov, r.receiverId, a.publicKey, undefined)
        return undefined
      case 'DeleteAccount':
        if (acct.locked > 0n) return { index, kind: { DeleteAccountStaking: { account_id: r.receiverId } } }
        if (acct.amount > 0n) emitted.push(transferReceipt(r, a.beneficiaryId, acct.amount, emitted.length))
        purgeAccount(ov, r.receiverId)
        return undefined
      case 'Stake':
        return undefined // no validators on localnet: staking is accepted and ignored
      case 'FunctionCall':
        return functionCall(a, index, acct.amount + a.deposit)
      default:
        return a satisfies never
    }
  }

  const functionCall = (a: Extract<Action, { type: 'FunctionCall' }>, index: number, balance: bigint): ActionFailure | undefined => {
    const acct = getAccount(ov, r.receiverId)!
    setAccount(ov, r.receiverId, { ...acct, amount: balance })
    const out = runMethod({
      code: acct.codeHash === NO_CODE_HASH ? undefined : getCode(ov, acct.codeHash),
      codeHash: acct.codeHash,
      method: a.methodName,
      ctx: {
        currentAccountId: r.receiverId,
        signerAccountId: r.signerId,
        signerAccountPk: borshPublicKey(r.signerPublicKey),
        predecessorAccountId: r.predecessorId,
        input: a.args,
        blockHeight: BigInt(blk.height),
        blockTimestampNs: blk.timestampNs,
        epochHeight: BigInt(Math.floor(blk.height / 43_200)),
        // nearcore mixes the receipt into the block's seed, so two receipts in a block see different seeds
        randomSeed: blk.fixedRandomness === true ? fromBase58(blk.randomSeed) : sha256(Buffer.concat([fromBase58(blk.randomSeed), fromBase58(r.id)])),
        accountBalance: balance,
        accountLockedBalance: acct.locked,
        attachedDeposit: a.deposit,
        prepaidGas: a.gas,
        isView: false,
        promiseResults: results,
        storage: {
          read: key => readData(ov, r.receiverId, key),
          write: (key, value) => writeData(ov, r.receiverId, key, value),
          remove: key => writeData(ov, r.receiverId, key, undefined),
          storageUsage: () => getAccount(ov, r.receiverId)?.storageUsage ?? 0
        },
        newDataId,
        yieldCreate: dataId => ov.set(YIELDS, dataId, { accountId: r.receiverId, expiresAt: blk.height + blk.yieldTimeoutBlocks } satisfies YieldRecord),
        yieldResume: (dataId, payload) => {
          const y = ov.get<YieldRecord>(YIELDS, dataId)
          if (y == null || y.accountId !== r.receiverId) return false
          ov.del(YIELDS, dataId)
          resumes.push({ dataId, payload })
          return true
        }
      }
    })
    const L = out.logic
    logs.push(...L.logs)
    vmBurnt += L.burntGas
    vmUsed += L.usedGas
    if (out.error != null) return { index, kind: { FunctionCallError: out.error.toJSON() } }
    const after = getAccount(ov, r.receiverId)!
    setAccount(ov, r.receiverId, { ...after, amount: L.balance })
    children.push(L)
    lastLogic = L
    return undefined
  }

  let failure: ActionFailure | undefined
  for (let i = 0; i < r.actions.length && failure == null; i++) failure = runAction(r.actions[i]!, i)
  if (failure == null) {
    const acct = getAccount(ov, r.receiverId)
    if (acct != null && acct.amount < storageCost(acct)) {
      failure = { index: null, kind: { LackBalanceForState: { account_id: r.receiverId, amount: storageCost(acct).toString() } } }
    }
  }

  const gasBurnt = execFees(r.actions) + vmBurnt
  let status: OutcomeStatus
  if (failure != null) {
    emitted.length = 0
    credit(store, r.predecessorId, totalDeposit(r.actions))
    credit(store, r.signerId, (attachedGas(r.actions) - vmBurnt) * r.gasPrice)
    for (const o of r.outputDataReceivers) emitted.push(dataReceipt(r, o.dataId, o.receiverId, null, false))
    status = { Failure: { ActionError: failure } }
  } else {
    ov.commit()
    credit(store, r.signerId, (attachedGas(r.actions) - vmUsed) * r.gasPrice)
    const childIds: string[][] = children.map((L, li) => L.receipts.map((_, i) => hashOf('receipt', r.id, String(li), String(i))))
    children.forEach((L, li) => L.receipts.forEach((nr, i) => {
      const id = childIds[li]![i]!
      emitted.push({
        kind: 'action', id, txHash: r.txHash, predecessorId: r.receiverId, receiverId: nr.receiverId,
        signerId: r.signerId, signerPublicKey: r.signerPublicKey, gasPrice: r.gasPrice, actions: nr.actions,
        inputDataIds: nr.inputDataIds, outputDataReceivers: nr.outputDataReceivers, isPromiseYield: nr.yieldDataId != null
      })
    }))
    for (const x of resumes) emitted.push(dataReceipt(r, x.dataId, r.receiverId, x.payload, true))
    const ret = r.actions[r.actions.length - 1]?.type === 'FunctionCall' ? lastLogic?.returnData : undefined
    if (ret?.kind === 'receipt') {
      const id = childIds[childIds.length - 1]![ret.index]!
      const child = emitted.find(e => e.id === id) as ActionReceipt
      child.outputDataReceivers.push(...r.outputDataReceivers)
      status = { SuccessReceiptId: id }
    } else {
      const value = ret?.kind === 'value' ? ret.data : new Uint8Array(0)
      for (const o of r.outputDataReceivers) emitted.push(dataReceipt(r, o.dataId, o.receiverId, value, false))
      status = { SuccessValue: toBase64(value) }
    }
  }
  return {
    outcome: {
      id: r.id, height: blk.height, blockHash: blk.hash, executorId: r.receiverId, logs,
      receiptIds: emitted.filter(e => e.kind === 'action').map(e => e.id),
      gasBurnt, tokensBurnt: gasBurnt * r.gasPrice, status
    },
    emitted
  }
}

/** A transfer to a 64-hex id creates that account, its full-access key being the id itself (NEAR's implicit accounts). */
const IMPLICIT = /^[0-9a-f]{64}$/
function createImplicitAccount (s: StateWriter, id: string, amount: bigint, height: number): void {
  setAccount(s, id, { amount, locked: 0n, codeHash: NO_CODE_HASH, storageUsage: ACCOUNT_BYTES })
  putAccessKey(s, id, 'ed25519:' + toBase58(Buffer.from(id, 'hex')), { nonce: BigInt(Math.max(0, height - 1)) * 1_000_000n, permission: 'FullAccess' })
}

function dataReceipt (r: ActionReceipt, dataId: string, receiverId: string, data: Uint8Array | null, isPromiseResume: boolean): DataReceipt {
  return { kind: 'data', id: hashOf('data-receipt', dataId), txHash: r.txHash, predecessorId: r.receiverId, receiverId, dataId, data, isPromiseResume }
}

function transferReceipt (r: ActionReceipt, to: string, amount: bigint, n: number): ActionReceipt {
  return {
    kind: 'action', id: hashOf('receipt', r.id, 'beneficiary', String(n)), txHash: r.txHash, predecessorId: r.receiverId,
    receiverId: to, signerId: r.signerId, signerPublicKey: r.signerPublicKey, gasPrice: r.gasPrice,
    actions: [{ type: 'Transfer', deposit: amount }], inputDataIds: [], outputDataReceivers: [], isPromiseYield: false
  }
}

/** borsh PublicKey of an `ed25519:` string: type byte 0 then the 32 key bytes. */
export function borshPublicKey (pk: string): Uint8Array {
  const [curve, data] = pk.split(':')
  const raw = fromBase58(data ?? '')
  const out = new Uint8Array(raw.length + 1)
  out[0] = curve === 'secp256k1' ? 1 : 0
  out.set(raw, 1)
  return out
}
