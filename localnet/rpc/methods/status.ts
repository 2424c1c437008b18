/** `status`, `health`, `gas_price`: the node and chain summary. */
import type { RpcContext, RpcMethod } from '../context.js'
import { NODE_VERSION, PROTOCOL_VERSION } from '../context.js'
import { asObject, blockIdRef, resolveBlock } from '../params.js'

const ZERO_HASH = '11111111111111111111111111111111'

/** RFC 3339 with nanoseconds, as nearcore prints block times. */
export function rfc3339Nanos (timestampNs: bigint): string {
  const ms = Number(timestampNs / 1_000_000n)
  const nanos = (timestampNs % 1_000_000_000n).toString().padStart(9, '0')
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${nanos}Z`)
}

export const status: RpcMethod = (_params, ctx: RpcContext) => {
  const { chain } = ctx
  const head = chain.head()
  const genesis = chain.block({ height: chain.genesisHeight }) ?? head
  const header = head.view.header as Record<string, unknown> | undefined
  return {
    chain_id: chain.chainId,
    genesis_hash: genesis.hash,
    latest_protocol_version: PROTOCOL_VERSION,
    protocol_version: PROTOCOL_VERSION,
    node_public_key: ctx.nodePublicKey,
    node_key: null,
    rpc_addr: ctx.rpcAddr,
    sync_info: {
      latest_block_hash: head.hash,
      latest_block_height: head.height,
      latest_block_time: rfc3339Nanos(head.timestampNs),
      latest_state_root: typeof header?.prev_state_root === 'string' ? header.prev_state_root : ZERO_HASH,
      syncing: false,
      earliest_block_hash: genesis.hash,
      earliest_block_height: genesis.height,
      earliest_block_time: rfc3339Nanos(genesis.timestampNs),
      epoch_id: typeof header?.epoch_id === 'string' ? header.epoch_id : ZERO_HASH,
      epoch_start_height: chain.genesisHeight
    },
    uptime_sec: Math.floor((Date.now() - ctx.startedAtMs) / 1000),
    validator_account_id: null,
    validator_public_key: null,
    validators: [{ account_id: typeof head.view.author === 'string' ? head.view.author : 'test.near' }],
    version: NODE_VERSION
  }
}

export const health: RpcMethod = () => null

/** [block_id | null] or { block_id }: the gas price of that block, or of the head. */
export const gasPrice: RpcMethod = (params, ctx) => {
  const blockId = Array.isArray(params) ? params[0] : asObject(params).block_id
  if (blockId == null) return { gas_price: ctx.chain.gasPrice().toString() }
  return { gas_price: resolveBlock(ctx.chain, blockIdRef(blockId)).gasPrice.toString() }
}
