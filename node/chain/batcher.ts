/**
 * Batches one kind of call (issue 15): calls queued within `windowMs` (about one block) are sent as one
 * transaction of the contract's batch method (commit_results, resolve_executions), and each caller gets its own
 * outcome back. A lone call goes as the single method. The contract skips an item that another call or the height
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
  /** how long the first call of a batch waits for others: about one block */
  windowMs: number
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
  private timer: NodeJS.Timeout | undefined

  constructor (private readonly init: CallBatcherInit<Item>) {}

  /** Queues one call; settles as the single call would. */
  async call (item: Item): Promise<CallOutcome> {
    return await new Promise<CallOutcome>((resolve, reject) => {
      this.queue.push({ item, resolve, reject })
      if (this.queue.length >= this.init.max) this.flush()
      else this.timer ??= setTimeout(() => this.flush(), this.init.windowMs)
    })
  }

  private flush (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    const batch = this.queue.splice(0, this.init.max)
    if (this.queue.length > 0) this.timer = setTimeout(() => this.flush(), this.init.windowMs)
    // each send settles its own callers; nothing is left to catch here
    void this.send(batch)
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
