/** Receipt actions as the runtime and the chain both handle them. */
import type { AccessKey } from '../state/records.js'

export type Action =
  | { type: 'CreateAccount' }
  | { type: 'DeployContract', code: Uint8Array }
  | { type: 'FunctionCall', methodName: string, args: Uint8Array, gas: bigint, deposit: bigint }
  | { type: 'Transfer', deposit: bigint }
  | { type: 'Stake', stake: bigint, publicKey: string }
  | { type: 'AddKey', publicKey: string, accessKey: AccessKey }
  | { type: 'DeleteKey', publicKey: string }
  | { type: 'DeleteAccount', beneficiaryId: string }

/** A receipt a function call asks for; the chain gives it an id and runs it in a later block. */
export interface NewReceipt {
  receiverId: string
  actions: Action[]
  /** data ids (base58) this receipt waits for, in promise-result order */
  inputDataIds: string[]
  outputDataReceivers: Array<{ dataId: string, receiverId: string }>
  /** set on the callback receipt of promise_yield_create */
  yieldDataId?: string
  /** gas_weight of each FunctionCall action, for sharing out unused gas */
  gasWeights: bigint[]
}

export type PromiseResult = { status: 'successful', data: Uint8Array } | { status: 'failed' }

export const actionDeposit = (a: Action): bigint =>
  a.type === 'FunctionCall' || a.type === 'Transfer' ? a.deposit : 0n
