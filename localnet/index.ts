/** localnet's public surface: startLocalnet for tests, the CLI and the simulator; the chain for whoever needs it bare. */
export { startLocalnet, DEFAULT_PORT, DEFAULT_BLOCK_TIME_MS } from './localnet.js'
export type { Localnet, LocalnetOptions } from './localnet.js'
export { startRpcServer } from './rpc/server.js'
export type { RpcServer, RpcServerOptions } from './rpc/server.js'
export * from './chain/index.js'
