import type { Chain } from '../chain/index.js'

/** What every RPC method may use; built once by the server. */
export interface RpcContext {
  readonly chain: Chain
  /** ed25519:... key the node reports in `status` */
  readonly nodePublicKey: string
  /** the address the server listens on, for `status` */
  readonly rpcAddr: string
  readonly startedAtMs: number
  /** how long send_tx / tx wait for `wait_until` before nearcore's TIMEOUT_ERROR */
  readonly txTimeoutMs: number
}

/** A method gets its raw `params` and answers the `result` value (or throws an RPC/chain error). */
export type RpcMethod = (params: unknown, ctx: RpcContext) => unknown

/** nearcore 2.11's protocol version (yield applies at once since 83). */
export const PROTOCOL_VERSION = 83
export const NODE_VERSION = { version: '2.11.0', build: 'outlayer-localnet', commit: 'localnet', rustc_version: 'none' }
