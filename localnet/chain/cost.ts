/** What a transaction costs: fees burnt when it becomes a receipt, fees burnt when the receipt runs, gas it attaches. */
import { ACTION } from '../runtime/fees.js'
import type { Action } from '../runtime/actions.js'
import { actionDeposit } from '../runtime/actions.js'

export function actionFee (a: Action, side: 'send' | 'exec'): bigint {
  switch (a.type) {
    case 'CreateAccount': return ACTION.create_account
    case 'DeployContract': return ACTION.deploy_contract_base + (side === 'send' ? ACTION.deploy_contract_byte_send : ACTION.deploy_contract_byte_exec) * BigInt(a.code.length)
    case 'FunctionCall': return ACTION.function_call_base + ACTION.function_call_byte * BigInt(Buffer.byteLength(a.methodName) + a.args.length)
    case 'Transfer': return ACTION.transfer
    case 'Stake': return ACTION.stake
    case 'AddKey': {
      const p = a.accessKey.permission
      if (p === 'FullAccess') return ACTION.add_key_full
      return ACTION.add_key_function_call + ACTION.add_key_byte * BigInt(p.methodNames.reduce((n, m) => n + m.length, 0) + p.methodNames.length)
    }
    case 'DeleteKey': return ACTION.delete_key
    case 'DeleteAccount': return ACTION.delete_account
    default: return a satisfies never
  }
}

export const sendFees = (actions: Action[]): bigint => ACTION.receipt_creation + actions.reduce((n, a) => n + actionFee(a, 'send'), 0n)
export const execFees = (actions: Action[]): bigint => ACTION.receipt_creation + actions.reduce((n, a) => n + actionFee(a, 'exec'), 0n)
export const attachedGas = (actions: Action[]): bigint => actions.reduce((n, a) => n + (a.type === 'FunctionCall' ? a.gas : 0n), 0n)
export const totalDeposit = (actions: Action[]): bigint => actions.reduce((n, a) => n + actionDeposit(a), 0n)

export interface TxCost { burnt: bigint, gasCost: bigint, total: bigint }

/** gasCost is what a function-call key's allowance pays; total adds the deposits. */
export function txCost (actions: Action[], gasPrice: bigint): TxCost {
  const burnt = sendFees(actions)
  const gasCost = (burnt + execFees(actions) + attachedGas(actions)) * gasPrice
  return { burnt, gasCost, total: gasCost + totalDeposit(actions) }
}
