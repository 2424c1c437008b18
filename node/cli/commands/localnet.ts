/** `outlayer localnet`: runs the local NEAR-compatible chain until SIGINT/SIGTERM. */
import type { Command } from 'commander'
import { DEFAULT_BLOCK_TIME_MS, DEFAULT_PORT, startLocalnet } from '../../../localnet/index.js'
import { intFlag } from '../flags.js'

interface LocalnetFlags { port: string, blockTimeMs: string, dataDir?: string, accounts?: string }


export function register (program: Command): void {
  program.command('localnet')
    .description('run a local NEAR-compatible chain: JSON-RPC and a neardata-shaped block feed on 127.0.0.1')
    .option('--port <n>', 'HTTP port (0 picks a free one)', String(DEFAULT_PORT))
    .option('--block-time-ms <n>', 'a block every n ms (0: none)', String(DEFAULT_BLOCK_TIME_MS))
    .option('--data-dir <dir>', 'keep the chain here; a restart continues it (default: in memory)')
    .option('--accounts <n>', 'prefunded user<K>.test.near accounts')
    .action(async (flags: LocalnetFlags) => {
      const net = await startLocalnet({
        port: intFlag(flags.port, '--port', { max: 65535 }),
        blockTimeMs: intFlag(flags.blockTimeMs, '--block-time-ms'),
        dataDir: flags.dataDir,
        accounts: flags.accounts === undefined ? undefined : intFlag(flags.accounts, '--accounts', { max: 10_000 })
      })
      process.stdout.write([
        `network:   ${net.networkId}`,
        `rpc:       ${net.rpcUrl}`,
        `feed:      ${net.feedUrl}/v0/last_block/final`,
        `keys file: ${net.keysFile}`,
        `root:      ${net.root.accountId}`,
        `accounts:  ${net.accounts.map(a => a.accountId).join(', ')}`,
        ''
      ].join('\n'))
      await new Promise<void>(resolve => {
        const stop = (signal: NodeJS.Signals): void => {
          process.stderr.write(`localnet: ${signal}, stopping at height ${net.height()}\n`)
          process.off('SIGINT', stop)
          process.off('SIGTERM', stop)
          resolve()
        }
        process.on('SIGINT', stop)
        process.on('SIGTERM', stop)
      })
      await net.stop()
    })
}
