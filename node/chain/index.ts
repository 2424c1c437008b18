/** node/chain: the contract client, the block feed, NEP-297 event parsing and the chain watcher. */
export { createOutlayerClient } from './client.js'
export { createBlockFeed, logsOf, type BlockFeed, type FeedBlock } from './feed.js'
export { findRequestId, findRequestIds, type FindRequestIdsArgs } from './request-id.js'
export { parseOutlayerEvents, normaliseRequest, type OutlayerEvent } from './events.js'
export { ChainWatcher, type ChainWatcherEvents, type ChainWatcherInit, type ChainWatcherComponents } from './watcher.js'
export { ChainError, type ChainErrorCode } from './errors.js'
export type { OutlayerClient, OutlayerClientInit, CallOutcome, ChainLease, ChainWorker, ExecutionResponse, AttestationEntry } from './types.js'
