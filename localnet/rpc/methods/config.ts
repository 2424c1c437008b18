/**
 * EXPERIMENTAL_protocol_config: the part of nearcore's config that clients read. near-api-js's
 * Account.getState() needs runtime_config.storage_amount_per_byte; the rest is what NEAR mainnet uses.
 */
import type { RpcMethod } from '../context.js'
import { PROTOCOL_VERSION } from '../context.js'
import { asObject, blockRef, resolveBlock } from '../params.js'
import { rfc3339Nanos } from './status.js'

/** 1e19 yocto per byte, NEAR's storage staking price */
export const STORAGE_AMOUNT_PER_BYTE = '10000000000000000000'
/** 1 PGas: nearcore 2.11's max prepaid gas per transaction */
export const MAX_TOTAL_PREPAID_GAS = 1_000_000_000_000_000

export const protocolConfig: RpcMethod = (params, { chain }) => {
  const p = asObject(params)
  const block = resolveBlock(chain, p.block_id != null || p.finality != null ? blockRef(p, chain) : { finality: 'final' })
  const genesis = chain.block({ height: chain.genesisHeight }) ?? block
  return {
    protocol_version: PROTOCOL_VERSION,
    chain_id: chain.chainId,
    genesis_height: chain.genesisHeight,
    genesis_time: rfc3339Nanos(genesis.timestampNs),
    epoch_length: 43200,
    num_block_producer_seats: 1,
    gas_limit: MAX_TOTAL_PREPAID_GAS,
    min_gas_price: chain.gasPrice().toString(),
    max_gas_price: chain.gasPrice().toString(),
    transaction_validity_period: 86400,
    minimum_stake_ratio: [1, 6250],
    runtime_config: {
      storage_amount_per_byte: STORAGE_AMOUNT_PER_BYTE,
      wasm_config: { limit_config: { max_total_prepaid_gas: MAX_TOTAL_PREPAID_GAS, max_number_logs: 100, max_total_log_length: 16384 } }
    }
  }
}
