/**
 * Batches one kind of call (issue 15). A call is sent at once while fewer than `inFlight` transactions of its kind
 * are in flight; the calls that arrive meanwhile wait, and the next free send takes them all (up to the
 * contract's cap) as one transaction of the batch method (commit_results, resolve_executions). So nothing waits
 * at low load, and under load the calls of about one round trip go together. A lone call goes as the single
 * method, and each caller gets its own outcome back. The contract skips an item that another call or the height
 * got to first with `batch_item_skipped{method, index, request_id, reason}`; that caller gets the CALL_REFUSED the
 * single call would have raised, with the same reason, and the roles check the chain as they do for it. A batch
 * the contract refuses as a whole (one malformed item sinks it) is sent again item by item, so that only the bad
 * item fails and no good one is lost.
 */
import { ChainError } from './errors.js'
import { eventItems } from './events.js'
import type { CallOutcome } from './types.js'

export interface BatchOutcome {
  txHash: string
  logs: string[]
}

export interface CallBatcherInit<Item> {
  /** the batch method, as `batch_item_skipped` names it */
  method: string
  /** the single method, as its refusals name it */
  single: string
  /** the contract's cap on items (contract/src/limits.ts) */
  max: number
  /** transactions of this kind in flight at once (about the account's access keys) */
  inFlight: number
  sendOne: (item: Item) => Promise<CallOutcome>
  sendBatch: (items: Item[]) => Promise<BatchOutcome>
}

interface Queued<Item> {
  item: Item
  resolve: (outcome: CallOutcome) => void
  reject: (err: unknown) => void
}

export class CallBatcher<Item> {
  private queue: Array<Queued<Item>> = []
  private sending = 0

  constructor (private readonly init: CallBatcherInit<Item>) {}

  /** Queues one call; settles as the single call would. */
  async call (item: Item): Promise<CallOutcome> {
    return await new Promise<CallOutcome>((resolve, reject) => {
      this.queue.push({ item, resolve, reject })
      this.pump()
    })
  }

  private pump (): void {
    while (this.sending < this.init.inFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.init.max)
      this.sending++
      // send settles each of its callers and never throws
      void this.send(batch).finally(() => { this.sending--; this.pump() })
    }
  }

  private async send (batch: Array<Queued<Item>>): Promise<void> {
    if (batch.length === 1) return await this.alone(batch[0]!)
    let outcome: BatchOutcome
    try {
      outcome = await this.init.sendBatch(batch.map(q => q.item))
    } catch (err) {
      // refused whole: one item sank it; each goes alone so that only that one fails
      if (err instanceof ChainError && err.code === 'CALL_REFUSED') { await Promise.all(batch.map(async q => await this.alone(q))); return }
      for (const q of batch) q.reject(err)
      return
    }
    const skipped = new Map<number, string>()
    for (const e of eventItems(outcome.logs)) {
      if (e.event !== 'batch_item_skipped' || e.data.method !== this.init.method || typeof e.data.index !== 'number') continue
      skipped.set(e.data.index, String(e.data.reason))
    }
    batch.forEach((q, i) => {
      const reason = skipped.get(i)
      if (reason == null) q.resolve({ value: undefined, txHash: outcome.txHash })
      else q.reject(new ChainError('CALL_REFUSED', `call ${this.init.single}: ${reason} (skipped in ${this.init.method} ${outcome.txHash})`))
    })
  }

  private async alone (q: Queued<Item>): Promise<void> {
    try { q.resolve(await this.init.sendOne(q.item)) } catch (err) { q.reject(err) }
  }
}
