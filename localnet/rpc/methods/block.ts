/** `block` and `chunk`: the chain builds nearcore's views; this file only resolves what the params name. */
import type { Block, BlockRef } from '../../chain/index.js'
import type { RpcMethod } from '../context.js'
import { invalidParams, rpcHandlerError } from '../errors.js'
import { asObject, blockIdRef, blockRef, resolveBlock } from '../params.js'

/** { finality } | { block_id } | legacy [block_id] */
export const block: RpcMethod = (params, { chain }) => {
  const ref = Array.isArray(params) ? blockIdRef(params[0]) : blockRef(asObject(params), chain)
  return resolveBlock(chain, ref).view
}

/** { chunk_id } | { block_id, shard_id } | legacy [chunk_hash] | [block_id, shard_id] */
export const chunk: RpcMethod = (params, { chain }) => {
  const { chunkId, blockId, shardId } = chunkParams(params)
  if (chunkId !== undefined) return findChunk(chain.block({ chunkHash: chunkId }), chunkId).chunk
  if (shardId !== 0) throw rpcHandlerError('INVALID_SHARD_ID', { shard_id: shardId }, `Shard id ${String(shardId)} does not exist`)
  const ref: BlockRef = blockIdRef(blockId)
  return resolveBlock(chain, ref).chunk
}

function chunkParams (params: unknown): { chunkId?: string, blockId?: unknown, shardId?: unknown } {
  if (Array.isArray(params)) {
    if (params.length === 1 && typeof params[0] === 'string') return { chunkId: params[0] }
    if (params.length === 2) return { blockId: params[0], shardId: params[1] }
    throw invalidParams('expected [chunk_hash] or [block_id, shard_id]')
  }
  const p = asObject(params)
  if (typeof p.chunk_id === 'string') return { chunkId: p.chunk_id }
  if (p.block_id != null && p.shard_id != null) return { blockId: p.block_id, shardId: p.shard_id }
  throw invalidParams('expected `chunk_id` or `block_id` and `shard_id`')
}

function findChunk (found: Block | undefined, chunkHash: string): Block {
  if (found !== undefined) return found
  throw rpcHandlerError('UNKNOWN_CHUNK', { chunk_hash: chunkHash }, `Chunk Missing (unavailable on the node): ${chunkHash}`)
}
