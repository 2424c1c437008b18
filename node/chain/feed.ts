/**
 * The block feed in neardata's shape: `GET /v0/block/:height` (null for a skipped height) and
 * `GET /v0/last_block/final`. Only what the watcher needs is typed: heights and receipt logs per executor.
 */
import { ChainError } from './errors.js'

export interface FeedBlock {
  block: { header: { height: number } }
  shards?: Array<{
    receipt_execution_outcomes?: Array<{
      execution_outcome?: { outcome?: { executor_id?: string, logs?: string[] } }
      /** the transaction the receipt descends from */
      tx_hash?: string
    }>
  }>
}

export interface BlockFeed {
  finalHeight: (signal?: AbortSignal) => Promise<number>
  /** the head: the latest block, which may still be replaced (NEAR's doomslug makes that rare) */
  optimisticHeight: (signal?: AbortSignal) => Promise<number>
  /** the final block at a height, or null when the height was skipped */
  block: (height: number, signal?: AbortSignal) => Promise<FeedBlock | null>
  /** the same from the optimistic chain (`/v0/block_opt/:height`) */
  optimisticBlock: (height: number, signal?: AbortSignal) => Promise<FeedBlock | null>
}

export function createBlockFeed (feedUrl: string): BlockFeed {
  const base = feedUrl.replace(/\/+$/, '')
  async function get (path: string, signal?: AbortSignal): Promise<unknown> {
    let res: Response
    try {
      res = await fetch(`${base}${path}`, { signal: signal ?? AbortSignal.timeout(10_000) })
    } catch (err) {
      throw new ChainError('FEED_FAILED', `feed ${path}: ${(err as Error).message}`, { cause: err })
    }
    if (res.status === 404) return null
    if (!res.ok) throw new ChainError('FEED_FAILED', `feed ${path}: HTTP ${res.status}`)
    try { return await res.json() } catch (err) {
      throw new ChainError('FEED_FAILED', `feed ${path}: not JSON`, { cause: err })
    }
  }
  const height = async (path: string, signal?: AbortSignal): Promise<number> => {
    const body = await get(path, signal) as FeedBlock | null
    const h = body?.block?.header?.height
    if (typeof h !== 'number') throw new ChainError('FEED_FAILED', `feed ${path} has no block height`)
    return h
  }
  const block = async (path: string, h: number, signal?: AbortSignal): Promise<FeedBlock | null> => {
    const body = await get(`${path}/${h}`, signal) as FeedBlock | null
    if (body == null) return null
    if (typeof body?.block?.header?.height !== 'number') throw new ChainError('FEED_FAILED', `feed block ${h} has no header`)
    return body
  }
  return {
    finalHeight: async (signal) => await height('/v0/last_block/final', signal),
    optimisticHeight: async (signal) => await height('/v0/last_block/optimistic', signal),
    block: async (h, signal) => await block('/v0/block', h, signal),
    optimisticBlock: async (h, signal) => await block('/v0/block_opt', h, signal)
  }
}

/** Logs of receipts executed by `accountId` in a block, in feed order; only those of one transaction when `txHash` is given. */
export function logsOf (block: FeedBlock, accountId: string, txHash?: string): string[] {
  const logs: string[] = []
  for (const shard of block.shards ?? []) {
    for (const r of shard.receipt_execution_outcomes ?? []) {
      const outcome = r.execution_outcome?.outcome
      if (outcome?.executor_id === accountId && (txHash == null || r.tx_hash === txHash)) logs.push(...(outcome.logs ?? []))
    }
  }
  return logs
}
