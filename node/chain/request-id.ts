/**
 * The request id a `request_execution` transaction got. The transaction stays open until the yield is resumed, so
 * its status carries no outcome yet; the id is read from the `execution_requested` event in the block feed instead,
 * matched by the receipt's tx hash.
 */
import { ChainError } from './errors.js'
import { parseOutlayerEvents } from './events.js'
import { logsOf, type BlockFeed } from './feed.js'

export interface FindRequestIdArgs {
  feed: BlockFeed
  contractId: string
  txHash: string
  /** a height at or before the transaction's block */
  fromHeight: number
  /** @default 30 s */
  timeoutMs?: number
  pollMs?: number
}

export async function findRequestId ({ feed, contractId, txHash, fromHeight, timeoutMs = 30_000, pollMs = 100 }: FindRequestIdArgs): Promise<string> {
  const deadline = Date.now() + timeoutMs
  let next = fromHeight
  while (Date.now() < deadline) {
    try {
      const final = await feed.finalHeight()
      for (; next <= final; next++) {
        const block = await feed.block(next)
        if (block == null) continue
        for (const e of parseOutlayerEvents(logsOf(block, contractId, txHash))) {
          if (e.event === 'execution_requested') return e.request.request_id.toString()
        }
      }
    } catch (err) {
      // a busy feed times out now and then; keep trying until the deadline
      if (!(err instanceof ChainError && err.code === 'FEED_FAILED')) throw err
    }
    await new Promise(resolve => setTimeout(resolve, pollMs))
  }
  throw new ChainError('FEED_FAILED', `no execution_requested event for transaction ${txHash} within ${timeoutMs} ms`)
}
