/**
 * Follows the block feed from the persisted cursor, turns the outlayer contract's logs into typed events, and
 * every `reconcileEveryBlocks` blocks re-reads the pending requests from the contract's views, so a request is
 * handled even when both gossip and the feed missed it. The cursor is written after a block's events were emitted;
 * a request whose handler had not persisted it before a crash is found again by reconciliation. Events may repeat,
 * so handlers are idempotent.
 */
import { EventEmitter } from 'node:events'
import type { Logger } from '../log.js'
import type { ExecutionRequest } from '../../protocol/index.js'
import type { StoreSection } from '../store/index.js'
import type { Metrics } from '../metrics.js'
import { parseOutlayerEvents, normaliseRequest, type ChainReveal } from './events.js'
import { logsOf, type BlockFeed, type FeedBlock } from './feed.js'
import type { OutlayerClient } from './types.js'
import { watcherState, type WatcherState } from './watcher-state.js'

export interface ChainWatcherEvents {
  /** a request seen in the feed (`feed`) or in the pending view (`reconcile`); may repeat, handlers dedupe */
  'request:new': [{ request: ExecutionRequest, raw: unknown, height: number, origin: 'feed' | 'reconcile' }]
  /** the request left the pending set (resolved, called back or cancelled event, or gone from the pending view) */
  'request:closed': [{ requestId: string, height: number }]
  /** a commit landed; `closed` when it was the last one the phase takes */
  'request:committed': [{ requestId: string, workerId: string, closed: boolean, height: number }]
  'worker:disagreed': [{ requestId: string, workerId: string, height: number }]
  /** a committed worker's reveal landed on chain (reveal_result) */
  'request:revealed': [{ requestId: string, workerId: string, reveal: ChainReveal, height: number }]
  /** after a block's events were handled and the cursor saved */
  'block': [{ height: number }]
  /** after a reconciliation against the views (the node refreshes its registered-keys cache here) */
  'reconciled': [{ height: number }]
}

/** What a role sees of the watcher: its events and the last handled height. */
export type WatcherEvents = Pick<EventEmitter<ChainWatcherEvents>, 'on' | 'off'> & { height: () => number }

export interface ChainWatcherInit {
  contractId: string
  /** how often to ask the feed for new blocks @default 500 */
  pollMs?: number
  /** reconcile against the views every N blocks @default 10 */
  reconcileEveryBlocks?: number
  /** where to start when the store has no cursor @default the current final height */
  startHeight?: number
  /** most blocks read per poll, so one slow catch-up never starves reconciliation @default 200 */
  maxBlocksPerPoll?: number
  /**
   * read optimistic blocks (the head) instead of final ones: a request is seen ~2 blocks sooner. Safe for the
   * node because it acts only through transactions the contract re-checks (a claim for a request that a replaced
   * block carried just fails), and reconciliation reads the views. @default false
   */
  optimistic?: boolean
  /**
   * once caught up, ask the feed for the next block at once: localnet and neardata hold a request for a
   * just-ahead height until that block exists, so a new block is handled when it is produced instead of at the
   * next poll (up to pollMs later). The poll stays the fallback (a 408 after the feed's wait, an error, a feed
   * that does not wait). @default true
   */
  follow?: boolean
}

export interface ChainWatcherComponents {
  feed: BlockFeed
  client: Pick<OutlayerClient, 'getPendingRequests' | 'getRequest'>
  /** the watcher's own section (chain/watcher-state.ts): cursor and the requests it saw open */
  store: StoreSection
  logger: Logger
  metrics?: Metrics
}

/** each default written once (config.ts composes them) */
export const DEFAULT_WATCHER_OPTIONS = { pollMs: 500, reconcileEveryBlocks: 10, maxBlocksPerPoll: 200 } as const

const PAGE = 50
/** a follow request the feed has not answered by then is dropped (localnet answers 408 after 8 s) */
const FOLLOW_TIMEOUT_MS = 15_000
/** requests seen this recently are never closed by reconciliation alone */
const RECENT_BLOCKS = 5

export class ChainWatcher extends EventEmitter<ChainWatcherEvents> {
  private timer: NodeJS.Timeout | undefined
  private running = false
  private busy: Promise<unknown> | undefined
  private lastReconcile = -Infinity
  private cursor = 0
  private abort = new AbortController()
  private readonly pollMs: number
  private readonly reconcileEvery: number
  private readonly maxBlocks: number
  private readonly state: WatcherState

  constructor (private readonly components: ChainWatcherComponents, private readonly init: ChainWatcherInit) {
    super()
    this.state = watcherState(components.store)
    this.pollMs = init.pollMs ?? DEFAULT_WATCHER_OPTIONS.pollMs
    this.reconcileEvery = init.reconcileEveryBlocks ?? DEFAULT_WATCHER_OPTIONS.reconcileEveryBlocks
    this.maxBlocks = init.maxBlocksPerPoll ?? DEFAULT_WATCHER_OPTIONS.maxBlocksPerPoll
  }

  /** the last block whose events were handled */
  height (): number { return this.cursor }

  async start (): Promise<void> {
    if (this.running) return
    const saved = await this.state.cursor()
    this.cursor = saved ?? this.init.startHeight ?? await this.components.feed.finalHeight()
    this.abort = new AbortController() // a restarted watcher polls with a live signal
    this.running = true
    this.schedule(0)
  }

  async stop (): Promise<void> {
    if (!this.running) return
    this.running = false
    clearTimeout(this.timer)
    this.abort.abort()
    await this.busy?.catch(() => undefined)
  }

  /** runs one poll now (reconciling if due) and resolves when it is done; for callers that must not wait a tick */
  async poll (): Promise<void> {
    await this.busy
    this.busy = this.tick()
    await this.busy
  }

  private schedule (delay: number): void {
    if (!this.running) return
    this.timer = setTimeout(() => {
      this.busy = this.tick()
      void this.busy.then(async caughtUp => caughtUp && this.init.follow !== false ? await this.followNext() : false)
        .then(got => { this.schedule(got ? 0 : this.pollMs) })
    }, delay)
  }

  /** One poll: the blocks up to the head (at most maxBlocksPerPoll), reconciliation when due; true when caught up. */
  private async tick (): Promise<boolean> {
    const log = this.components.logger
    try {
      const { feed } = this.components
      const head = this.init.optimistic === true ? await feed.optimisticHeight(this.abort.signal) : await feed.finalHeight(this.abort.signal)
      const last = Math.min(head, this.cursor + this.maxBlocks)
      for (let h = this.cursor + 1; h <= last && this.running; h++) await this.handleBlock(h)
      if (this.running && this.cursor - this.lastReconcile >= this.reconcileEvery) await this.reconcile()
      return this.cursor >= head
    } catch (err) {
      if (this.running) log.warn({ err, cursor: this.cursor }, 'chain watcher poll failed; retrying')
      return false
    }
  }

  /** Waits on the feed for the block after the cursor and handles it (option `follow`); false when none came. */
  private async followNext (): Promise<boolean> {
    const { feed, logger } = this.components
    const height = this.cursor + 1
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(FOLLOW_TIMEOUT_MS)])
    try {
      const block = this.init.optimistic === true ? await feed.optimisticBlock(height, signal) : await feed.block(height, signal)
      // null: a feed that does not wait, or a skipped height; the poll tells which from the head
      if (block == null || !this.running) return false
      // handled in turn with ticks (poll() may have run one meanwhile)
      const handled = (this.busy ?? Promise.resolve()).then(async () => { if (this.running && this.cursor + 1 === height) await this.handleBlock(height, block) })
      this.busy = handled.then(() => true, () => true)
      await handled
      return true
    } catch (err) {
      if (this.running) logger.debug({ err, height }, 'following the feed: no block yet; polling')
      return false
    }
  }

  private async handleBlock (height: number, fetched?: FeedBlock | null): Promise<void> {
    const { feed } = this.components
    const block = fetched !== undefined ? fetched : this.init.optimistic === true ? await feed.optimisticBlock(height, this.abort.signal) : await feed.block(height, this.abort.signal)
    if (block != null) {
      for (const e of parseOutlayerEvents(logsOf(block, this.init.contractId))) {
        switch (e.event) {
          case 'execution_requested':
            await this.state.seen(e.request.request_id.toString(), height)
            this.emit('request:new', { request: e.request, raw: e.raw, height, origin: 'feed' })
            break
          case 'request_closed':
            this.emit('request:closed', { requestId: e.requestId, height })
            await this.state.closed(e.requestId)
            break
          case 'result_committed': this.emit('request:committed', { requestId: e.requestId, workerId: e.workerId, closed: e.closed, height }); break
          case 'worker_disagreed': this.emit('worker:disagreed', { requestId: e.requestId, workerId: e.workerId, height }); break
          case 'result_revealed': this.emit('request:revealed', { requestId: e.requestId, workerId: e.workerId, reveal: e.reveal, height }); break
          default: e satisfies never
        }
      }
    }
    await this.state.setCursor(height)
    this.cursor = height
    this.components.metrics?.chainHeight.set(height)
    this.emit('block', { height })
  }

  /** Pending view → `request:new` for each; requests seen open that are no longer pending → `request:closed`. */
  async reconcile (): Promise<void> {
    const { client, logger } = this.components
    this.lastReconcile = this.cursor
    const pending = new Set<string>()
    for (let from = 0; this.running; from += PAGE) {
      const page = await client.getPendingRequests(from, PAGE)
      for (const item of page) {
        const parsed = typeof item === 'object' && item != null ? normaliseRequest(item) : await this.byId(item)
        if (parsed == null) { logger.debug({ item }, 'pending request not understood'); continue }
        pending.add(parsed.request.request_id.toString())
        await this.state.seen(parsed.request.request_id.toString(), this.cursor)
        this.emit('request:new', { ...parsed, height: this.cursor, origin: 'reconcile' })
      }
      if (page.length < PAGE) break
    }
    if (!this.running) return
    for (const open of await this.state.openRequests()) {
      // a request seen in the last few blocks may not be in the views' state yet
      if (pending.has(open.request_id) || open.seen_at > this.cursor - RECENT_BLOCKS) continue
      this.emit('request:closed', { requestId: open.request_id, height: this.cursor })
      await this.state.closed(open.request_id)
    }
    this.emit('reconciled', { height: this.cursor })
  }

  private async byId (id: unknown): Promise<ReturnType<typeof normaliseRequest>> {
    if (typeof id !== 'number' && typeof id !== 'string') return undefined
    return normaliseRequest(await this.components.client.getRequest(String(id)))
  }
}
