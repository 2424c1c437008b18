/** The block feed in the public neardata service's shape, so an indexer reads localnet and testnet alike. */
import type { Block, JsonView } from './api.js'
import type { BlockRecord, OutcomeRecord, ReceiptRecord, TxRecord } from './records.js'
import { outcomeView, receiptView, transactionView } from './views.js'

export interface FeedSources {
  tx (hash: string): TxRecord | undefined
  outcome (id: string): OutcomeRecord | undefined
  receipt (id: string): ReceiptRecord | undefined
}

export function buildFeedBlock (block: Block, r: BlockRecord, src: FeedSources): JsonView {
  const transactions = r.txHashes.map(h => ({
    transaction: transactionView(src.tx(h)!),
    outcome: { execution_outcome: outcomeView(src.outcome(h)!), receipt: null }
  }))
  const receiptOutcomes = r.receiptIds.flatMap(id => {
    const o = src.outcome(id)
    const rc = src.receipt(id)
    if (o == null || rc == null) return []
    return [{ execution_outcome: outcomeView(o), receipt: receiptView(rc), tx_hash: rc.txHash }]
  })
  const chunk = block.chunk as { author: unknown, header: unknown }
  return {
    block: block.view,
    shards: [{
      shard_id: 0,
      chunk: { author: chunk.author, header: chunk.header, transactions, receipts: [], local_receipts: [] },
      receipt_execution_outcomes: receiptOutcomes,
      state_changes: []
    }]
  }
}
