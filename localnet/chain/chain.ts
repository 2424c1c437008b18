/**
 * The local chain: a transaction pool, blocks produced on demand, receipts run by the ReceiptProcessor,
 * state queries, transaction status and waiting, and the block feed.
 */
import { randomBytes } from 'node:crypto'
import type { MemStore } from '../state/store.js'
import type { LevelPersistence } from '../state/persist.js'
import { Journal } from '../state/history.js'
import type { StateWriter } from '../state/store.js'
import { getAccount, setAccount, getAccessKey, putAccessKey } from '../state/records.js'
import { GAS_PRICE } from '../runtime/fees.js'
import type {
  Block, BlockRef, Chain, TxStatus, WaitUntil, JsonView, AccountView, AccessKeyView, AccessKeyListView, CallResult, StateView, CodeView
} from './api.js'
import { ChainError, handlerError, invalidTx } from './errors.js'
import { decodeTx, type DecodedTx } from './tx.js'
import { validateTx } from './validate.js'
import { sendFees } from './cost.js'
import { ReceiptProcessor, SPACE } from './processor.js'
import type { ActionReceipt, BlockRecord, OutcomeRecord, TxRecord } from './records.js'
import { blockView, chunkHeaderView, hashOf, outcomeView, receiptView, transactionView } from './views.js'
import * as q from './queries.js'
import { buildFeedBlock } from './feed.js'
import { ViewCache } from './view-cache.js'
import { Memo } from './memo.js'

export interface ChainConfig {
  networkId: string
  chainId: string
  genesisHeight: number
  registrar: string
  yieldTimeoutBlocks: number
  txValidityBlocks: number
  totalSupply: bigint
  /** queries answer as of the block they name (see CreateChainOptions.exactFinality) */
  exactFinality?: boolean
  /** CreateChainOptions.randomSecret: every block's random seed is sha256-derived from it alone */
  randomSecret?: string
}

const BLOCK = 'block'
const BLOCK_BY_HASH = 'blockhash'
const pad = (n: number): string => n.toString().padStart(12, '0')
const WAIT_TIMEOUT_MS = 10_000
const FINALITY_LAG = 2

export class LocalChain implements Chain {
  readonly networkId: string
  readonly chainId: string
  readonly genesisHeight: number
  private readonly processor: ReceiptProcessor
  private pool: DecodedTx[] = []
  private readonly dropped = new Map<string, ChainError>()
  private readonly listeners = new Set<(b: Block) => void>()
  /** pending waitTx calls: re-checked after every block, rejected on close */
  private readonly waiters = new Map<() => void, (err: ChainError) => void>()
  private producing: Promise<unknown> = Promise.resolve()
  private closed = false
  private readonly journal = new Journal()
  private readonly views = new ViewCache()
  private readonly blocks = new Memo<Block>(64)
  private readonly feedBlocks = new Memo<JsonView>(64)

  constructor (private readonly store: MemStore, private readonly config: ChainConfig, private readonly persistence?: LevelPersistence) {
    this.networkId = config.networkId
    this.chainId = config.chainId
    this.genesisHeight = config.genesisHeight
    this.processor = new ReceiptProcessor(store)
    store.journal = this.journal
  }

  // ---- blocks ----
  /**
   * A block's random seed is sha256-derived from a per-chain secret (made once, kept in the store) and the block
   * hash: like nearcore's VRF output, nobody outside the producer can predict it from the height, the previous
   * hash or the time, so a requester cannot know the assignment its request will draw before it is included.
   */
  private randomSeedOf (hash: string): string {
    if (this.config.randomSecret != null) return hashOf('seed', this.config.randomSecret)
    let secret = this.store.get<string>(SPACE.meta, 'seed-secret')
    if (secret == null) {
      secret = randomBytes(32).toString('hex')
      this.store.set(SPACE.meta, 'seed-secret', secret)
    }
    return hashOf('seed', secret, hash)
  }

  private headHeight (): number { return this.store.get<number>(SPACE.meta, 'head') ?? this.genesisHeight }
  private record (height: number): BlockRecord | undefined { return this.store.get<BlockRecord>(BLOCK, pad(height)) }

  /** a produced block never changes (its receipts and outcomes are written with it): its views are built once */
  private toBlock (r: BlockRecord): Block { return this.blocks.get(r.hash, () => this.buildBlock(r)) }

  private buildBlock (r: BlockRecord): Block {
    const finalRec = this.record(Math.max(this.genesisHeight, r.height - FINALITY_LAG))!
    const view = blockView(r, { author: this.config.registrar, epochId: '11111111111111111111111111111111', lastFinalHash: finalRec.hash, totalSupply: this.config.totalSupply })
    const chunk = {
      author: this.config.registrar,
      header: chunkHeaderView(r),
      transactions: r.txHashes.map(h => transactionView(this.store.get<TxRecord>(SPACE.tx, h)!)),
      receipts: r.receiptIds.map(id => this.processor.receipt(id)).filter(x => x != null).map(x => receiptView(x))
    }
    return { height: r.height, hash: r.hash, prevHash: r.prevHash, timestampNs: r.timestampNs, gasPrice: r.gasPrice, view, chunk }
  }

  head (): Block { return this.toBlock(this.record(this.headHeight())!) }
  finalHead (): Block { return this.toBlock(this.record(this.finalHeight())!) }
  private finalHeight (): number { return Math.max(this.genesisHeight, this.headHeight() - FINALITY_LAG) }

  block (ref: BlockRef): Block | undefined {
    const r = this.resolve(ref)
    return r == null ? undefined : this.toBlock(r)
  }

  private resolve (ref: BlockRef | undefined): BlockRecord | undefined {
    if (ref == null || ref.finality === 'optimistic') return this.record(this.headHeight())
    if (ref.finality === 'final') return this.record(this.finalHeight())
    if (ref.height != null) return this.record(ref.height)
    if (ref.hash != null) {
      const h = this.store.get<number>(BLOCK_BY_HASH, ref.hash)
      return h == null ? undefined : this.record(h)
    }
    if (ref.chunkHash != null) {
      const h = this.store.get<number>(BLOCK_BY_HASH, 'chunk:' + ref.chunkHash)
      return h == null ? undefined : this.record(h)
    }
    return this.record(this.headHeight())
  }

  private queryBlock (ref: BlockRef | undefined): q.QueryBlock {
    const r = this.resolve(ref)
    if (r == null) throw handlerError('UNKNOWN_BLOCK', { block_reference: ref ?? {} }, 'DB Not Found Error: block')
    return r
  }

  /** Writes the genesis block (only for a fresh store). */
  writeGenesis (timestampNs: bigint): void {
    const height = this.genesisHeight
    const hash = hashOf('genesis', this.chainId, timestampNs.toString())
    this.saveBlock({ height, hash, prevHash: '11111111111111111111111111111111', timestampNs, gasPrice: GAS_PRICE, randomSeed: this.randomSeedOf(hash), chunkHash: hashOf('chunk', hash), txHashes: [], receiptIds: [], gasUsed: 0n, tokensBurnt: 0n })
    this.store.set(SPACE.meta, 'head', height)
  }

  private saveBlock (r: BlockRecord): void {
    this.store.set(BLOCK, pad(r.height), r)
    this.store.set(BLOCK_BY_HASH, r.hash, r.height)
    this.store.set(BLOCK_BY_HASH, 'chunk:' + r.chunkHash, r.height)
  }

  produceBlock (): Promise<Block> {
    const next = this.producing.then(async () => await this.produce())
    this.producing = next.catch(() => undefined)
    return next
  }

  private async produce (): Promise<Block> {
    if (this.closed) throw new ChainError({ name: 'INTERNAL_ERROR', cause: { name: 'INTERNAL_ERROR', info: { error_message: 'chain is closed' } } })
    const prev = this.record(this.headHeight())!
    const height = prev.height + 1
    const timestampNs = BigInt(Math.max(Date.now(), Number(prev.timestampNs / 1_000_000n) + 1)) * 1_000_000n
    const hash = hashOf('block', String(height), prev.hash, timestampNs.toString())
    const blk = { height, hash, timestampNs, randomSeed: this.randomSeedOf(hash), fixedRandomness: this.config.randomSecret != null, registrar: this.config.registrar, yieldTimeoutBlocks: this.config.yieldTimeoutBlocks }
    this.journal.begin(height)
    const txHashes = this.includeTransactions(blk)
    const receiptIds = this.processor.runBlock(blk)
    let gasUsed = 0n
    let tokensBurnt = 0n
    for (const id of [...txHashes, ...receiptIds]) {
      const o = this.processor.outcome(id)
      if (o != null) { gasUsed += o.gasBurnt; tokensBurnt += o.tokensBurnt }
    }
    const rec: BlockRecord = { height, hash, prevHash: prev.hash, timestampNs, gasPrice: GAS_PRICE, randomSeed: blk.randomSeed, chunkHash: hashOf('chunk', hash), txHashes, receiptIds, gasUsed, tokensBurnt }
    this.saveBlock(rec)
    this.store.set(SPACE.meta, 'head', height)
    this.journal.end()
    await this.persistence?.flush(this.store)
    const block = this.toBlock(rec)
    for (const fn of this.listeners) { try { fn(block) } catch (err) { process.stderr.write(`localnet: block listener failed: ${String(err)}\n`) } }
    for (const w of [...this.waiters.keys()]) w()
    return block
  }

  /** Turns pooled transactions into receipts for the next block; a tx that no longer validates is dropped with its error. */
  private includeTransactions (blk: { height: number, hash: string }): string[] {
    const txs = this.pool
    this.pool = []
    const included: string[] = []
    for (const tx of txs) {
      try {
        this.checkBlockHash(tx, blk.height - 1)
        const v = validateTx(this.store, tx, { gasPrice: GAS_PRICE, height: blk.height - 1 })
        setAccount(this.store, tx.signerId, { ...v.account, amount: v.account.amount - v.cost.total })
        const key = getAccessKey(this.store, tx.signerId, tx.publicKey)!
        const perm = key.permission
        putAccessKey(this.store, tx.signerId, tx.publicKey, {
          nonce: tx.nonce,
          permission: perm !== 'FullAccess' && perm.allowance != null ? { ...perm, allowance: perm.allowance - v.cost.gasCost } : perm
        })
      } catch (err) {
        this.dropped.set(tx.hash, err instanceof ChainError ? err : invalidTx('InvalidSignature'))
        continue
      }
      const receiptId = hashOf('receipt', tx.hash)
      const cost = sendFees(tx.actions)
      const record: TxRecord = { hash: tx.hash, signerId: tx.signerId, publicKey: tx.publicKey, nonce: tx.nonce, receiverId: tx.receiverId, actions: tx.actions, signature: tx.signature, height: blk.height, blockHash: blk.hash, outstanding: 0 }
      this.store.set(SPACE.tx, tx.hash, record)
      const outcome: OutcomeRecord = { id: tx.hash, height: blk.height, blockHash: blk.hash, executorId: tx.signerId, logs: [], receiptIds: [receiptId], gasBurnt: cost, tokensBurnt: cost * GAS_PRICE, status: { SuccessReceiptId: receiptId } }
      this.store.set(SPACE.outcome, tx.hash, outcome)
      const receipt: ActionReceipt = { kind: 'action', id: receiptId, txHash: tx.hash, predecessorId: tx.signerId, receiverId: tx.receiverId, signerId: tx.signerId, signerPublicKey: tx.publicKey, gasPrice: GAS_PRICE, actions: tx.actions, inputDataIds: [], outputDataReceivers: [], isPromiseYield: false }
      this.processor.enqueue(receipt, blk.height + 1)
      included.push(tx.hash)
    }
    return included
  }

  private checkBlockHash (tx: DecodedTx, head: number): void {
    const h = this.store.get<number>(BLOCK_BY_HASH, tx.blockHash)
    if (h == null) throw invalidTx('Expired') // nearcore: an unknown base block maps to Expired too
    if (head - h > this.config.txValidityBlocks) throw invalidTx('Expired')
  }

  // ---- transactions ----
  submitTx (signedTxBorsh: Uint8Array): { hash: string, signerId: string } {
    const tx = decodeTx(signedTxBorsh)
    if (this.store.get(SPACE.tx, tx.hash) != null || this.pool.some(p => p.hash === tx.hash)) return { hash: tx.hash, signerId: tx.signerId }
    this.checkBlockHash(tx, this.headHeight())
    validateTx(this.store, tx, { gasPrice: GAS_PRICE, height: this.headHeight() })
    const clash = this.pool.find(p => p.signerId === tx.signerId && p.publicKey === tx.publicKey && p.nonce === tx.nonce)
    if (clash != null) throw invalidTx({ InvalidNonce: { tx_nonce: Number(tx.nonce), ak_nonce: Number(tx.nonce) } })
    this.dropped.delete(tx.hash)
    this.pool.push(tx)
    return { hash: tx.hash, signerId: tx.signerId }
  }

  txStatus (hash: string): TxStatus | undefined {
    const tx = this.store.get<TxRecord>(SPACE.tx, hash)
    if (tx == null) return this.pool.some(p => p.hash === hash) ? { status: 'pending' } : undefined
    const executed = tx.outstanding === 0 && tx.doneHeight != null
    const status = executed ? (tx.doneHeight! <= this.finalHeight() ? 'final' : 'executed') : 'included'
    const receiptIds = this.processor.txReceipts(hash)
    const txOutcome = this.processor.outcome(hash)!
    const outcomes = receiptIds.map(id => this.processor.outcome(id)).filter(o => o != null)
    const outcome: JsonView = {
      status: this.finalStatus(txOutcome),
      transaction: transactionView(tx),
      transaction_outcome: outcomeView(txOutcome),
      receipts_outcome: outcomes.map(outcomeView)
    }
    const receipts = receiptIds.map(id => this.processor.receipt(id)).filter(r => r != null).map(receiptView)
    return { status, outcome, receipts }
  }

  /** nearcore's FinalExecutionStatus: follow SuccessReceiptId links from the transaction to a value or failure. */
  private finalStatus (o: OutcomeRecord): unknown {
    let cur: OutcomeRecord | undefined = o
    for (let i = 0; i < 10_000 && cur != null; i++) {
      const s = cur.status
      if (typeof s === 'object' && 'SuccessReceiptId' in s) { cur = this.processor.outcome(s.SuccessReceiptId); continue }
      if (typeof s === 'object' && ('SuccessValue' in s || 'Failure' in s)) return s
      break
    }
    return 'Started'
  }

  private reached (hash: string, until: WaitUntil): TxStatus | undefined {
    const s = this.txStatus(hash)
    if (s == null) return undefined
    const tx = this.store.get<TxRecord>(SPACE.tx, hash)
    const includedFinal = tx != null && tx.height <= this.finalHeight()
    const ok = until === 'NONE' ||
      (until === 'INCLUDED' && s.status !== 'pending') ||
      (until === 'EXECUTED_OPTIMISTIC' && (s.status === 'executed' || s.status === 'final')) ||
      (until === 'INCLUDED_FINAL' && includedFinal) ||
      (until === 'EXECUTED' && (s.status === 'executed' || s.status === 'final') && includedFinal) ||
      (until === 'FINAL' && s.status === 'final')
    return ok ? s : undefined
  }

  async waitTx (hash: string, until: WaitUntil, opts: { timeoutMs?: number } = {}): Promise<TxStatus> {
    const check = (): TxStatus | undefined => {
      const dropped = this.dropped.get(hash)
      if (dropped != null) throw dropped
      if (this.txStatus(hash) == null) throw handlerError('UNKNOWN_TRANSACTION', { requested_transaction_hash: hash }, `Transaction ${hash} doesn't exist`)
      return this.reached(hash, until)
    }
    const now = check()
    if (now != null) return now
    return await new Promise<TxStatus>((resolve, reject) => {
      const fail = (err: ChainError): void => { clearTimeout(timer); this.waiters.delete(waiter); reject(err) }
      const timer = setTimeout(() => fail(handlerError('TIMEOUT_ERROR', {}, 'Timeout')), opts.timeoutMs ?? WAIT_TIMEOUT_MS)
      const waiter = (): void => {
        try {
          const s = check()
          if (s == null) return
          resolve(s)
        } catch (err) { reject(err) }
        clearTimeout(timer)
        this.waiters.delete(waiter)
      }
      this.waiters.set(waiter, fail)
    })
  }

  // ---- queries ----
  /** The state as of the block a query names (recent blocks only; older ones read the latest state). */
  private stateAt (ref: BlockRef | undefined): [StateWriter, q.QueryBlock] {
    const b = this.queryBlock(ref)
    const past = this.config.exactFinality === true && b.height < this.headHeight() ? this.journal.at(this.store, b.height) : undefined
    return [past ?? this.store, b]
  }

  viewAccount (id: string, ref?: BlockRef): AccountView { return q.viewAccount(...this.at(ref, id)) }
  viewAccessKey (id: string, pk: string, ref?: BlockRef): AccessKeyView { const [s, b] = this.stateAt(ref); return q.viewAccessKey(s, id, pk, b) }
  viewAccessKeyList (id: string, ref?: BlockRef): AccessKeyListView { return q.viewAccessKeyList(...this.at(ref, id)) }
  callView (id: string, method: string, args: Uint8Array, ref?: BlockRef): CallResult {
    const [s, b] = this.stateAt(ref)
    if (s !== this.store) return q.callView(s, id, method, args, b) // a past state (exactFinality) is not cached
    // the result is shared by every caller until the next write: callers only serialise it
    return this.views.get(this.store.version, `${b.hash}\n${id}\n${method}\n${Buffer.from(args).toString('base64')}`, () => q.callView(s, id, method, args, b))
  }
  viewState (id: string, prefix: Uint8Array, ref?: BlockRef): StateView { const [s, b] = this.stateAt(ref); return q.viewState(s, id, prefix, b) }
  viewCode (id: string, ref?: BlockRef): CodeView { return q.viewCode(...this.at(ref, id)) }
  private at (ref: BlockRef | undefined, id: string): [StateWriter, string, q.QueryBlock] { const [s, b] = this.stateAt(ref); return [s, id, b] }

  gasPrice (): bigint { return GAS_PRICE }

  onBlock (fn: (b: Block) => void): () => void {
    this.listeners.add(fn)
    return () => { this.listeners.delete(fn) }
  }

  feedBlock (height: number): JsonView | undefined {
    const r = this.record(height)
    if (r == null) return undefined
    return this.feedBlocks.get(r.hash, () => buildFeedBlock(this.toBlock(r), r, {
      tx: h => this.store.get<TxRecord>(SPACE.tx, h),
      outcome: id => this.processor.outcome(id),
      receipt: id => this.processor.receipt(id)
    }))
  }

  async close (): Promise<void> {
    if (this.closed) return
    await this.producing
    this.closed = true
    const closed = new ChainError({ name: 'INTERNAL_ERROR', cause: { name: 'INTERNAL_ERROR', info: { error_message: 'the chain was closed' } } })
    for (const fail of [...this.waiters.values()]) fail(closed)
    await this.persistence?.flush(this.store)
    await this.persistence?.close()
  }

  /** For tests and genesis: balance of an account, or undefined. */
  balanceOf (id: string): bigint | undefined { return getAccount(this.store, id)?.amount }
}
