/**
 * Moves receipts through blocks: queued for a height, postponed until their input data arrives, run,
 * their outcome stored, their children queued for the next block; and yields timed out. All of it lives in
 * the state store so a restart continues where it stopped.
 */
import type { PromiseResult } from '../runtime/actions.js'
import type { MemStore } from '../state/store.js'
import { applyActionReceipt, type BlockContext, type YieldRecord } from './apply.js'
import type { ActionReceipt, DataReceipt, OutcomeRecord, ReceiptRecord, TxRecord } from './records.js'
import { hashOf } from './views.js'

export const SPACE = {
  queue: 'queue', receipt: 'receipt', postponed: 'postponed', awaits: 'awaits', data: 'recvdata',
  outcome: 'outcome', tx: 'tx', txReceipts: 'txreceipts', yield: 'yield', meta: 'meta'
} as const

const pad = (n: number): string => n.toString().padStart(12, '0')

export class ReceiptProcessor {
  constructor (private readonly store: MemStore) {}

  /** Queue order within a height; kept in the store so a restart never reuses a slot. */
  private nextSeq (): number {
    const seq = this.store.get<number>(SPACE.meta, 'queueSeq') ?? 0
    this.store.set(SPACE.meta, 'queueSeq', seq + 1)
    return seq
  }

  /** Queues a receipt to run at `height` and counts it against its transaction. */
  enqueue (r: ReceiptRecord, height: number): void {
    this.store.set(SPACE.receipt, r.id, r)
    this.store.set(SPACE.queue, `${pad(height)}:${pad(this.nextSeq())}`, r.id)
    if (r.kind === 'action') this.adjustTx(r.txHash, +1, height)
  }

  /** Runs everything due at `blk.height`; returns the ids of the action receipts that ran. */
  runBlock (blk: BlockContext): string[] {
    const ran: string[] = []
    const due = this.store.keys(SPACE.queue).filter(k => k <= `${pad(blk.height)}:~`)
    for (const key of due) {
      const id = this.store.get<string>(SPACE.queue, key)!
      this.store.del(SPACE.queue, key)
      const r = this.store.get<ReceiptRecord>(SPACE.receipt, id)
      if (r == null) continue
      if (r.kind === 'data') this.deliver(r, blk, ran)
      else this.arrive(r, blk, ran)
    }
    this.timeOutYields(blk, ran)
    return ran
  }

  private arrive (r: ActionReceipt, blk: BlockContext, ran: string[]): void {
    const missing = r.inputDataIds.filter(d => this.store.get(SPACE.data, d) === undefined)
    if (missing.length === 0) { this.execute(r, blk, ran); return }
    this.store.set(SPACE.postponed, r.id, missing)
    for (const d of missing) this.store.set(SPACE.awaits, d, r.id)
  }

  private deliver (d: DataReceipt, blk: BlockContext, ran: string[]): void {
    this.store.set(SPACE.data, d.dataId, { data: d.data })
    const waiting = this.store.get<string>(SPACE.awaits, d.dataId)
    if (waiting == null) return
    this.store.del(SPACE.awaits, d.dataId)
    const missing = (this.store.get<string[]>(SPACE.postponed, waiting) ?? []).filter(x => x !== d.dataId)
    if (missing.length > 0) { this.store.set(SPACE.postponed, waiting, missing); return }
    this.store.del(SPACE.postponed, waiting)
    const r = this.store.get<ActionReceipt>(SPACE.receipt, waiting)
    if (r != null) this.execute(r, blk, ran)
  }

  private execute (r: ActionReceipt, blk: BlockContext, ran: string[]): void {
    const results: PromiseResult[] = r.inputDataIds.map(d => {
      const got = this.store.get<{ data: Uint8Array | null }>(SPACE.data, d)
      this.store.del(SPACE.data, d)
      return got?.data == null ? { status: 'failed' } : { status: 'successful', data: got.data }
    })
    const { outcome, emitted } = this.applySafely(r, results, blk)
    this.store.set(SPACE.outcome, r.id, outcome)
    this.store.set(SPACE.txReceipts, r.txHash, [...(this.store.get<string[]>(SPACE.txReceipts, r.txHash) ?? []), r.id])
    for (const e of emitted) this.enqueue(e, blk.height + 1)
    this.adjustTx(r.txHash, -1, blk.height)
    ran.push(r.id)
  }

  /** A bug in the runtime must not stop the chain: the receipt fails with the error and the block goes on. */
  private applySafely (r: ActionReceipt, results: PromiseResult[], blk: BlockContext): ReturnType<typeof applyActionReceipt> {
    try {
      return applyActionReceipt(this.store, r, results, blk)
    } catch (err) {
      process.stderr.write(`localnet: receipt ${r.id} failed inside the runtime: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
      const kind = { FunctionCallError: { ExecutionError: `localnet internal error: ${err instanceof Error ? err.message : String(err)}` } }
      return {
        outcome: { id: r.id, height: blk.height, blockHash: blk.hash, executorId: r.receiverId, logs: [], receiptIds: [], gasBurnt: 0n, tokensBurnt: 0n, status: { Failure: { ActionError: { index: 0, kind } } } },
        emitted: []
      }
    }
  }

  /** An unresumed yield past its deadline resumes its callback with a failed promise result (NEP-519). */
  private timeOutYields (blk: BlockContext, ran: string[]): void {
    for (const dataId of this.store.keys(SPACE.yield)) {
      const y = this.store.get<YieldRecord>(SPACE.yield, dataId)!
      if (y.expiresAt > blk.height) continue
      this.store.del(SPACE.yield, dataId)
      const waiting = this.store.get<string>(SPACE.awaits, dataId)
      const txHash = waiting != null ? this.store.get<ActionReceipt>(SPACE.receipt, waiting)?.txHash ?? '' : ''
      const d: DataReceipt = { kind: 'data', id: hashOf('yield-timeout', dataId), txHash, predecessorId: y.accountId, receiverId: y.accountId, dataId, data: null, isPromiseResume: true }
      this.store.set(SPACE.receipt, d.id, d)
      this.deliver(d, blk, ran)
    }
  }

  private adjustTx (txHash: string, delta: number, height: number): void {
    const tx = this.store.get<TxRecord>(SPACE.tx, txHash)
    if (tx == null) return
    const outstanding = tx.outstanding + delta
    this.store.set(SPACE.tx, txHash, { ...tx, outstanding, doneHeight: outstanding === 0 ? height : undefined })
  }

  outcome (id: string): OutcomeRecord | undefined { return this.store.get<OutcomeRecord>(SPACE.outcome, id) }
  receipt (id: string): ReceiptRecord | undefined { return this.store.get<ReceiptRecord>(SPACE.receipt, id) }
  txReceipts (txHash: string): string[] { return this.store.get<string[]>(SPACE.txReceipts, txHash) ?? [] }
}
