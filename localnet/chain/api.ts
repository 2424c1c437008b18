/**
 * The localnet chain as the JSON-RPC server, the block feed and tests see it.
 * Every `*View` type below is nearcore's JSON wire shape (snake_case, amounts as decimal strings,
 * bytes as base64, hashes as base58), so the RPC layer serialises them unchanged.
 *
 * How it behaves (and where it is simpler than nearcore):
 * - Finality: `optimistic` is the head; `final` is head-2 (doomslug finality lags the head by two blocks).
 * - State queries read the latest state whatever block they name (the answer carries the named block's
 *   height and hash), so a client sees its writes at once. With `exactFinality` they answer as of the named
 *   block for the last 16 blocks, as nearcore does (`final` then lags `optimistic`).
 * - A transaction becomes a receipt in the block that includes it; every receipt (also signer == receiver)
 *   runs in a later block, and so do the receipts and data it creates.
 * - Gas refunds and deposit refunds are credited when the receipt finishes, not as refund receipts;
 *   the 30% of burnt gas nearcore pays to a contract is not paid.
 * - One shard, one validator (the root account), gas price fixed at nearcore's minimum (1e8).
 */
export type { ChainErrorShape } from './errors.js'
export { ChainError } from './errors.js'

export type Finality = 'optimistic' | 'final'
export interface BlockRef { height?: number, hash?: string, finality?: Finality, chunkHash?: string }

/** JSON as nearcore writes it; the chain builds these, the RPC forwards them. */
export type JsonView = Record<string, unknown>

export interface Block {
  readonly height: number
  readonly hash: string
  readonly prevHash: string
  readonly timestampNs: bigint
  readonly gasPrice: bigint
  /** the RPC `block` result: { author, header, chunks } */
  readonly view: JsonView
  /** the RPC `chunk` result (one shard): { author, header, transactions, receipts } */
  readonly chunk: JsonView
}

/** What a transaction reached; `outcome` is present once the tx has been included. */
export interface TxStatus {
  status: 'pending' | 'included' | 'executed' | 'final'
  /** nearcore FinalExecutionOutcomeView: { status, transaction, transaction_outcome, receipts_outcome } */
  outcome?: JsonView
  /** nearcore ReceiptView list, for EXPERIMENTAL_tx_status */
  receipts?: JsonView[]
}

export type WaitUntil = 'NONE' | 'INCLUDED' | 'EXECUTED_OPTIMISTIC' | 'INCLUDED_FINAL' | 'EXECUTED' | 'FINAL'

/** The `final_execution_status` field of send_tx / tx responses for a TxStatus. */
export function finalExecutionStatus (s: TxStatus): WaitUntil {
  switch (s.status) {
    case 'pending': return 'NONE'
    case 'included': return 'INCLUDED'
    case 'executed': return 'EXECUTED_OPTIMISTIC'
    case 'final': return 'FINAL'
    default: return s.status satisfies never
  }
}

export interface BlockStamp { block_height: number, block_hash: string }
/** query view_account result */
export interface AccountView extends BlockStamp { amount: string, locked: string, code_hash: string, storage_usage: number, storage_paid_at: 0 }
export type AccessKeyPermissionView = 'FullAccess' | { FunctionCall: { allowance: string | null, receiver_id: string, method_names: string[] } }
/** query view_access_key result */
export interface AccessKeyView extends BlockStamp { nonce: number, permission: AccessKeyPermissionView }
/** query view_access_key_list result */
export interface AccessKeyListView extends BlockStamp { keys: Array<{ public_key: string, access_key: { nonce: number, permission: AccessKeyPermissionView } }> }
/** query call_function result (bytes as raw; the RPC writes `result` as a number array) */
export interface CallResult extends BlockStamp { result: Uint8Array, logs: string[] }
/** query view_state result: keys and values base64 */
export interface StateView extends BlockStamp { values: Array<{ key: string, value: string }> }
/** query view_code result: code_base64, hash (base58 sha256) */
export interface CodeView extends BlockStamp { code_base64: string, hash: string }

export interface Chain {
  readonly networkId: string
  readonly genesisHeight: number
  readonly chainId: string
  head (): Block
  finalHead (): Block
  /** by height, hash, chunk hash or finality; undefined when unknown */
  block (ref: BlockRef): Block | undefined

  /** Validates and queues a borsh SignedTransaction; throws ChainError (INVALID_TRANSACTION) when refused. */
  submitTx (signedTxBorsh: Uint8Array): { hash: string, signerId: string }
  txStatus (hash: string): TxStatus | undefined
  /** Resolves once the tx reached `until`; rejects with ChainError UNKNOWN_TRANSACTION / TIMEOUT_ERROR. */
  waitTx (hash: string, until: WaitUntil, opts?: { timeoutMs?: number }): Promise<TxStatus>

  /** All queries throw ChainError (UNKNOWN_ACCOUNT, UNKNOWN_ACCESS_KEY, NO_CONTRACT_CODE, UNKNOWN_BLOCK, CONTRACT_EXECUTION_ERROR). */
  viewAccount (accountId: string, ref?: BlockRef): AccountView
  viewAccessKey (accountId: string, publicKey: string, ref?: BlockRef): AccessKeyView
  viewAccessKeyList (accountId: string, ref?: BlockRef): AccessKeyListView
  callView (accountId: string, method: string, args: Uint8Array, ref?: BlockRef): CallResult
  viewState (accountId: string, prefix: Uint8Array, ref?: BlockRef): StateView
  viewCode (accountId: string, ref?: BlockRef): CodeView

  gasPrice (): bigint
  /** Produces one block now (applies pending txs and due receipts). */
  produceBlock (): Promise<Block>
  onBlock (fn: (b: Block) => void): () => void
  /** neardata's shape: { block: BlockView, shards: [{ shard_id, chunk, receipt_execution_outcomes, state_changes }] } */
  feedBlock (height: number): JsonView | undefined
  close (): Promise<void>
}

export interface KeyedAccount { accountId: string, secretKey: string }

export interface CreateChainOptions {
  /** keep the chain in level here; restart continues it. Default: in memory */
  dataDir?: string
  /** number of prefunded user<K>.test.near accounts (1000 NEAR each). Default 4 */
  accounts?: number
  /** blocks before an unresumed yield times out. Default 200 (NEAR's); lower only in tests */
  yieldTimeoutBlocks?: number
  /** genesis block time; later blocks use max(now, prev + 1ms). Default Date.now() */
  genesisTimeMs?: number
  networkId?: string
  /** answer state queries as of the block they name (last 16 blocks), like nearcore. Default false: latest state */
  exactFinality?: boolean
  /** blocks a transaction's block hash stays valid. Default 86400 (NEAR's); lower only in tests */
  txValidityBlocks?: number
  /**
   * Simulations only: a known per-chain secret, and the same random_seed in every block and receipt (sha256 of it), so the
   * contract's draws (assignments, request seeds) depend only on the request id and the worker pool and a run
   * can be reproduced. Anyone who knows it predicts the draws. Default: a random secret, seeds per block hash.
   */
  randomSecret?: string
}

export interface CreatedChain { chain: Chain, root: KeyedAccount, accounts: KeyedAccount[] }

export type CreateChain = (opts?: CreateChainOptions) => Promise<CreatedChain>
