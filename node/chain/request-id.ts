/**
 * The request ids `request_execution` transactions got. The transaction stays open until the yield is resumed, so
 * its status carries no outcome yet; the id is read from the `execution_requested` event in the block feed instead,
 * matched by the receipt's tx hash. One pass over the feed serves any number of transactions.
 */
import { ChainError } from './errors.js'
import { parseOutlayerEvents } from './events.js'
import { logsOf, type BlockFeed } from './feed.js'

export interface FindRequestIdsArgs {
  feed: BlockFeed
  contractId: string
  txHashes: string[]
  /** a height at or before the transactions' blocks */
  fromHeight: number
  /** @default 30 s */
  timeoutMs?: number
  pollMs?: number
}

/** tx hash → request id, for every given transaction; ChainError FEED_FAILED when one is not found in time. */
export async function findRequestIds ({ feed, contractId, txHashes, fromHeight, timeoutMs = 30_000, pollMs = 100 }: FindRequestIdsArgs): Promise<Map<string, string>> {
  const wanted = new Set(txHashes)
  const found = new Map<string, string>()
  const deadline = Date.now() + timeoutMs
  let next = fromHeight
  while (found.size < wanted.size && Date.now() < deadline) {
    try {
      const final = await feed.finalHeight()
      for (; next <= final && found.size < wanted.size; next++) {
        const block = await feed.block(next)
        if (block == null) continue
        for (const txHash of wanted) {
          if (found.has(txHash)) continue
          for (const e of parseOutlayerEvents(logsOf(block, contractId, txHash))) {
            if (e.event === 'execution_requested') found.set(txHash, e.request.request_id.toString())
          }
        }
      }
    } catch (err) {
      // a busy feed times out now and then; keep trying until the deadline
      if (!(err instanceof ChainError && err.code === 'FEED_FAILED')) throw err
    }
    if (found.size < wanted.size) await new Promise(resolve => setTimeout(resolve, pollMs))
  }
  const missing = txHashes.filter(h => !found.has(h))
  if (missing.length > 0) throw new ChainError('FEED_FAILED', `no execution_requested event for transaction ${missing.join(', ')} within ${timeoutMs} ms`)
  return found
}

export async function findRequestId (args: Omit<FindRequestIdsArgs, 'txHashes'> & { txHash: string }): Promise<string> {
  const { txHash, ...rest } = args
  return (await findRequestIds({ ...rest, txHashes: [txHash] })).get(txHash)!
}
