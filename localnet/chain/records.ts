/** What the chain keeps about blocks, transactions, receipts and outcomes (persisted in the `chain` spaces). */
import type { Action } from '../runtime/actions.js'

export interface BlockRecord {
  height: number
  hash: string
  prevHash: string
  timestampNs: bigint
  gasPrice: bigint
  randomSeed: string
  chunkHash: string
  txHashes: string[]
  /** receipts (action and data) executed in this block, in order */
  receiptIds: string[]
  gasUsed: bigint
  tokensBurnt: bigint
}

export type OutcomeStatus =
  | { SuccessValue: string }
  | { SuccessReceiptId: string }
  | { Failure: Record<string, unknown> }
  | 'Unknown'

export interface OutcomeRecord {
  id: string
  height: number
  blockHash: string
  executorId: string
  logs: string[]
  receiptIds: string[]
  gasBurnt: bigint
  tokensBurnt: bigint
  status: OutcomeStatus
}

export interface TxRecord {
  hash: string
  signerId: string
  publicKey: string
  nonce: bigint
  receiverId: string
  actions: Action[]
  signature: string
  height: number
  blockHash: string
  /** receipts of this tx's tree not executed yet */
  outstanding: number
  /** height at which the last receipt of the tree ran */
  doneHeight?: number
}

export interface ActionReceipt {
  kind: 'action'
  id: string
  txHash: string
  predecessorId: string
  receiverId: string
  signerId: string
  signerPublicKey: string
  gasPrice: bigint
  actions: Action[]
  inputDataIds: string[]
  outputDataReceivers: Array<{ dataId: string, receiverId: string }>
  isPromiseYield: boolean
}

export interface DataReceipt {
  kind: 'data'
  id: string
  txHash: string
  predecessorId: string
  receiverId: string
  dataId: string
  /** null: the promise failed */
  data: Uint8Array | null
  isPromiseResume: boolean
}

export type ReceiptRecord = ActionReceipt | DataReceipt
