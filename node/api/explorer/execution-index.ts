/**
 * The explorer's view of every request on the contract: it follows the block feed (the same neardata shape the
 * chain watcher reads) and folds our events and the calls to our contract (request_execution, resolve_execution)
 * into one ExecutionRecord per request, with the block and transaction of every step (and the secrets events into
 * the owners' SecretsDirectory). In memory and bounded
 * (`maxRecords`, oldest dropped); on start it reads `backfillBlocks` of history, so a restarted node shows the
 * recent past again. The chain is the only input: a record is the same on every node that read the same blocks.
 *
 * Reorgs: the index reads **final blocks only** (`/v0/last_block/final`, `/v0/block/:h`), never the optimistic
 * head. A final NEAR block is never replaced (doomslug finality, ≥ 2/3 stake), so there is nothing to roll back;
 * the price is that the dashboard shows a step ~2 blocks after it happened. Rolling back to a common ancestor
 * would instead need every block's undo (the fold mutates records) for a view that is only a little fresher.
 */
import type { BlockFeed, FeedBlock } from '../../chain/index.js'
import { eventItems } from '../../chain/index.js'
import type { Logger } from '../../log.js'
import { applyEvent, applyResolveArgs, recordFromRequested, type ExecutionRecord, type StepRef } from './index-record.js'
import { SecretsDirectory } from './secrets-directory.js'

export interface ExecutionIndexInit {
  contractId: string
  /** records kept; the oldest are dropped beyond it @default 5000 */
  maxRecords?: number
  /** blocks of history read on start @default 1200 */
  backfillBlocks?: number
  /** @default 250 */
  pollMs?: number
  /** @default 100 */
  maxBlocksPerPoll?: number
}

/** only the final half of the feed: the index never reads a block that can still be replaced */
export interface ExecutionIndexComponents { feed: Pick<BlockFeed, 'finalHeight' | 'block'>, logger?: Logger }

export const DEFAULT_EXECUTION_INDEX_OPTIONS = { maxRecords: 5000, backfillBlocks: 1200, pollMs: 250, maxBlocksPerPoll: 100 } as const

type Receipt = NonNullable<NonNullable<FeedBlock['shards']>[number]['receipt_execution_outcomes']>[number] & {
  receipt?: { predecessor_id?: string, receipt?: { Action?: { actions?: unknown[] } } }
}

export class ExecutionIndex {
  private readonly records = new Map<string, ExecutionRecord>()
  private readonly byTx = new Map<string, string>()
  /** owners' secrets records, from secrets_stored / secrets_deleted */
  readonly secrets = new SecretsDirectory()
  private readonly opts: Required<ExecutionIndexInit>
  private cursor = -1
  private head = -1
  private timer: NodeJS.Timeout | undefined
  private running = false

  constructor (private readonly components: ExecutionIndexComponents, init: ExecutionIndexInit) {
    this.opts = { ...DEFAULT_EXECUTION_INDEX_OPTIONS, ...init }
  }

  /** last block folded in; -1 before the first */
  height (): number { return this.cursor }
  /** the feed's final height at the last poll */
  headHeight (): number { return this.head }

  async start (): Promise<void> {
    if (this.running) return
    this.running = true
    if (this.cursor < 0) {
      const head = await this.components.feed.finalHeight().catch(() => 0)
      this.cursor = Math.max(0, head - this.opts.backfillBlocks) - 1
    }
    this.schedule(0)
  }

  async stop (): Promise<void> {
    this.running = false
    if (this.timer != null) clearTimeout(this.timer)
    this.timer = undefined
  }

  get (requestId: string): ExecutionRecord | undefined { return this.records.get(requestId) }
  /** the request a request_execution transaction created */
  byTxHash (txHash: string): ExecutionRecord | undefined {
    const id = this.byTx.get(txHash)
    return id == null ? undefined : this.records.get(id)
  }

  /** newest first */
  list (): ExecutionRecord[] {
    return [...this.records.values()].sort((a, b) => b.request_id.length - a.request_id.length || (b.request_id < a.request_id ? -1 : b.request_id > a.request_id ? 1 : 0))
  }

  private schedule (ms: number): void {
    if (!this.running) return
    this.timer = setTimeout(() => { void this.poll() }, ms)
  }

  private async poll (): Promise<void> {
    try {
      this.head = await this.components.feed.finalHeight()
      const until = Math.min(this.head, this.cursor + this.opts.maxBlocksPerPoll)
      for (let h = this.cursor + 1; h <= until && this.running; h++) {
        const block = await this.components.feed.block(h)
        if (block != null) this.fold(block, h)
        this.cursor = h
      }
    } catch (err) {
      this.components.logger?.debug({ err }, 'explorer poll failed; retrying')
    }
    this.schedule(this.cursor < this.head ? 0 : this.opts.pollMs)
  }

  /** Folds one block in (public for tests that feed blocks by hand). */
  fold (block: FeedBlock, height: number): void {
    for (const shard of block.shards ?? []) {
      for (const r of (shard.receipt_execution_outcomes ?? []) as Receipt[]) {
        const outcome = r.execution_outcome?.outcome
        if (outcome?.executor_id !== this.opts.contractId) continue
        const at: StepRef = { block: height, ...(typeof r.tx_hash === 'string' ? { tx: r.tx_hash } : {}) }
        const events = eventItems(outcome.logs ?? [])
        for (const { event, data } of events) this.applyItem(event, data, at)
        for (const args of resolveArgs(functionCalls(r), events)) {
          const record = this.records.get(String(args.request_id ?? ''))
          if (record != null) applyResolveArgs(record, args, at)
        }
      }
    }
    for (const record of this.records.values()) {
      const end = record.steps.callback?.block ?? (record.status === 'pending' || record.status === 'resolved' ? height : undefined)
      if (end != null && record.steps.requested != null) record.blocks_taken = end - record.steps.requested.block
    }
  }

  private applyItem (event: string, data: Record<string, unknown>, at: StepRef): void {
    if (this.secrets.apply(event, data, at)) return
    if (event === 'execution_requested') {
      const record = recordFromRequested(data, at)
      if (record == null || this.records.has(record.request_id)) return
      this.records.set(record.request_id, record)
      if (at.tx != null) this.byTx.set(at.tx, record.request_id)
      this.evict()
      return
    }
    const id = data.request_id
    const record = id == null ? undefined : this.records.get(String(id))
    if (record != null) applyEvent(record, event, data, at)
  }

  private evict (): void {
    while (this.records.size > this.opts.maxRecords) {
      const oldest = this.list().at(-1)!
      this.records.delete(oldest.request_id)
      for (const [tx, id] of this.byTx) if (id === oldest.request_id) this.byTx.delete(tx)
    }
  }
}

/** The function calls a receipt carried, with JSON args (calls whose args are not JSON are skipped). */
/** The resolves a receipt made: resolve_execution's arguments, or each item of resolve_executions it did not skip. */
function resolveArgs (calls: Array<{ method: string, args: Record<string, unknown> }>, events: Array<{ event: string, data: Record<string, unknown> }>): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = []
  for (const call of calls) {
    if (call.method === 'resolve_execution') out.push(call.args)
    if (call.method !== 'resolve_executions' || !Array.isArray(call.args.items)) continue
    const skipped = new Set(events.filter(e => e.event === 'batch_item_skipped' && e.data.method === 'resolve_executions').map(e => e.data.index))
    call.args.items.forEach((item: unknown, i) => {
      if (item != null && typeof item === 'object' && !Array.isArray(item) && !skipped.has(i)) out.push(item as Record<string, unknown>)
    })
  }
  return out
}

function functionCalls (r: Receipt): Array<{ method: string, args: Record<string, unknown> }> {
  const out: Array<{ method: string, args: Record<string, unknown> }> = []
  for (const action of r.receipt?.receipt?.Action?.actions ?? []) {
    const call = (action as { FunctionCall?: { method_name?: unknown, args?: unknown } } | null)?.FunctionCall
    if (call == null || typeof call.method_name !== 'string' || typeof call.args !== 'string') continue
    try {
      const args = JSON.parse(Buffer.from(call.args, 'base64').toString('utf8')) as unknown
      if (args != null && typeof args === 'object' && !Array.isArray(args)) out.push({ method: call.method_name, args: args as Record<string, unknown> })
    } catch {}
  }
  return out
}
