/** The contract's events in a block range, read from a block feed (localnet's, or any neardata-shaped one). */
import { logsOf, type BlockFeed } from '../../node/chain/index.js'

/** One contract event from the chain, in block order. */
export interface ChainEvent { height: number, event: string, data: Record<string, unknown> }

/** Events of `contractId` in blocks [from, to]; a feed error (ChainError FEED_FAILED) rejects the whole range. */
export function chainEvents (feed: BlockFeed, contractId: string): (from: number, to: number) => Promise<ChainEvent[]> {
  return async (from, to) => {
    const out: ChainEvent[] = []
    for (let h = from; h <= to; h++) {
      const block = await feed.block(h)
      if (block == null) continue
      for (const log of logsOf(block, contractId)) {
        if (!log.startsWith('EVENT_JSON:')) continue
        try {
          const e = JSON.parse(log.slice('EVENT_JSON:'.length)) as { event: string, data: Array<Record<string, unknown>> }
          for (const data of e.data ?? []) out.push({ height: h, event: e.event, data })
        } catch { /* not ours */ }
      }
    }
    return out
  }
}
