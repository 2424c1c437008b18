/**
 * nearcore's checks of a transaction against the state, in its order, each failing with its InvalidTxError.
 * Returns what applying it will charge.
 */
import { validateAccountId } from '../../protocol/near.js'
import { LIMITS, MAX_PREPAID_GAS } from '../runtime/fees.js'
import { getAccessKey, getAccount, storageCost, type AccessKey, type Account } from '../state/records.js'
import type { StateReader } from '../state/store.js'
import { invalidTx } from './errors.js'
import { txCost, type TxCost } from './cost.js'
import type { DecodedTx } from './tx.js'

export interface Validated { account: Account, key: AccessKey, cost: TxCost }

function validateActions (tx: DecodedTx): void {
  const av = (e: unknown): never => { throw invalidTx({ ActionsValidation: e }) }
  if (tx.actions.length > LIMITS.max_number_actions_per_receipt) av({ TotalNumberOfActionsExceeded: { total_number_of_actions: tx.actions.length, limit: LIMITS.max_number_actions_per_receipt } })
  let gas = 0n
  tx.actions.forEach((a, i) => {
    if (a.type === 'DeleteAccount' && i !== tx.actions.length - 1) av('DeleteActionMustBeFinal')
    if (a.type === 'FunctionCall') {
      if (a.gas === 0n) av('FunctionCallZeroAttachedGas')
      if (Buffer.byteLength(a.methodName) > LIMITS.max_length_method_name) av({ FunctionCallMethodNameLengthExceeded: { length: a.methodName.length, limit: LIMITS.max_length_method_name } })
      if (a.args.length > LIMITS.max_arguments_length) av({ FunctionCallArgumentsLengthExceeded: { length: a.args.length, limit: LIMITS.max_arguments_length } })
      gas += a.gas
    }
    if (a.type === 'DeployContract' && a.code.length > LIMITS.max_contract_size) av({ ContractSizeExceeded: { size: a.code.length, limit: LIMITS.max_contract_size } })
    if (a.type === 'DeleteAccount' && !validateAccountId(a.beneficiaryId).ok) av({ InvalidAccountId: { account_id: a.beneficiaryId } })
  })
  if (gas > MAX_PREPAID_GAS) av({ TotalPrepaidGasExceeded: { total_prepaid_gas: Number(gas), limit: Number(MAX_PREPAID_GAS) } })
}

function checkPermission (tx: DecodedTx, key: AccessKey, cost: TxCost): void {
  const p = key.permission
  if (p === 'FullAccess') return
  const ak = (e: unknown): never => { throw invalidTx({ InvalidAccessKeyError: e }) }
  const call = tx.actions[0]
  if (tx.actions.length !== 1 || call?.type !== 'FunctionCall') ak('RequiresFullAccess')
  if (call?.type !== 'FunctionCall') return
  if (call.deposit > 0n) ak('DepositWithFunctionCall')
  if (tx.receiverId !== p.receiverId) ak({ ReceiverMismatch: { tx_receiver: tx.receiverId, ak_receiver: p.receiverId } })
  if (p.methodNames.length > 0 && !p.methodNames.includes(call.methodName)) ak({ MethodNameMismatch: { method_name: call.methodName } })
  if (p.allowance != null && cost.gasCost > p.allowance) {
    ak({ NotEnoughAllowance: { account_id: tx.signerId, public_key: tx.publicKey, allowance: p.allowance.toString(), cost: cost.gasCost.toString() } })
  }
}

export function validateTx (s: StateReader, tx: DecodedTx, opts: { gasPrice: bigint, height: number }): Validated {
  if (!validateAccountId(tx.signerId).ok) throw invalidTx({ InvalidSignerId: { signer_id: tx.signerId } })
  if (!validateAccountId(tx.receiverId).ok) throw invalidTx({ InvalidReceiverId: { receiver_id: tx.receiverId } })
  validateActions(tx)
  const account = getAccount(s, tx.signerId)
  if (account == null) throw invalidTx({ SignerDoesNotExist: { signer_id: tx.signerId } })
  const key = getAccessKey(s, tx.signerId, tx.publicKey)
  if (key == null) throw invalidTx({ InvalidAccessKeyError: { AccessKeyNotFound: { account_id: tx.signerId, public_key: tx.publicKey } } })
  if (tx.nonce <= key.nonce) throw invalidTx({ InvalidNonce: { tx_nonce: Number(tx.nonce), ak_nonce: Number(key.nonce) } })
  const upper = BigInt(opts.height + 1) * 1_000_000n
  if (tx.nonce >= upper) throw invalidTx({ NonceTooLarge: { tx_nonce: Number(tx.nonce), upper_bound: Number(upper) } })
  const cost = txCost(tx.actions, opts.gasPrice)
  if (account.amount < cost.total) {
    throw invalidTx({ NotEnoughBalance: { signer_id: tx.signerId, balance: account.amount.toString(), cost: cost.total.toString() } })
  }
  checkPermission(tx, key, cost)
  const left = { ...account, amount: account.amount - cost.total }
  if (left.amount < storageCost(left)) throw invalidTx({ LackBalanceForState: { signer_id: tx.signerId, amount: storageCost(left).toString() } })
  return { account, key, cost }
}
