/** The JSON-RPC method table: nearcore's method names to their handlers. */
import type { RpcMethod } from '../context.js'
import { block, chunk } from './block.js'
import { protocolConfig } from './config.js'
import { query } from './query.js'
import { gasPrice, health, status } from './status.js'
import { broadcastTxAsync, broadcastTxCommit, experimentalTxStatus, sendTx, tx } from './tx.js'

export const METHODS: Readonly<Record<string, RpcMethod>> = {
  status,
  health,
  block,
  chunk,
  gas_price: gasPrice,
  query,
  send_tx: sendTx,
  broadcast_tx_async: broadcastTxAsync,
  broadcast_tx_commit: broadcastTxCommit,
  tx,
  EXPERIMENTAL_tx_status: experimentalTxStatus,
  EXPERIMENTAL_protocol_config: protocolConfig
}
