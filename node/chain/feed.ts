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
  /** the block at a height, or null when the height was skipped */
  block: (height: number, signal?: AbortSignal) => Promise<FeedBlock | null>
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
  return {
    finalHeight: async (signal) => {
      const body = await get('/v0/last_block/final', signal) as FeedBlock | null
      const height = body?.block?.header?.height
      if (typeof height !== 'number') throw new ChainError('FEED_FAILED', 'feed /v0/last_block/final has no block height')
      return height
    },
    block: async (height, signal) => {
      const body = await get(`/v0/block/${height}`, signal) as FeedBlock | null
      if (body == null) return null
      if (typeof body?.block?.header?.height !== 'number') throw new ChainError('FEED_FAILED', `feed block ${height} has no header`)
      return body
    }
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
