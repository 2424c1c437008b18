/**
 * `outlayer start [--roles worker,builder,resolver] [--config F]`: runs a node until SIGINT/SIGTERM.
 * Prints one line per milestone on stderr (JSON logs go there too); the node's peer id and API URL on stdout,
 * so a parent process (tests, scripts) can read where it listens.
 */
import type { Command } from 'commander'
import { ConfigError, ROLES, defaultConfigPath, loadConfig } from '../../config.js'
import { createNode } from '../../node.js'
import { UsageError } from '../exit-codes.js'
import { rolesFlag } from '../flags.js'

interface StartOptions {
  config?: string
  roles?: string
}


export function register (program: Command): void {
  program.command('start')
    .description('run a mesh node: watch the chain, gossip, lease, execute, attest (and resolve, with the node\'s own account)')
    .option('--config <F>', 'config.json written by `outlayer init` (default $OUTLAYER_HOME/config.json)')
    .option('--roles <list>', `comma-separated roles, overriding the config (${ROLES.join(', ')})`)
    .action(async (opts: StartOptions) => {
      const path = opts.config ?? defaultConfigPath()
      let config
      try {
        config = await loadConfig(path)
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(err.message)
        throw err
      }
      if (opts.roles != null) config = { ...config, roles: rolesFlag(opts.roles) }
      const node = await createNode(config)
      await node.start()
      process.stdout.write(JSON.stringify({ peerId: node.mesh.peerId, addrs: node.mesh.multiaddrs(), api: node.apiUrl ?? null, roles: config.roles }) + '\n')
      process.stderr.write(`outlayer: node ${node.mesh.peerId} running (${config.roles.join(', ')}); Ctrl-C to stop\n`)
      await new Promise<void>(resolve => {
        const onSignal = (): void => { resolve() }
        process.once('SIGINT', onSignal)
        process.once('SIGTERM', onSignal)
      })
      process.stderr.write('outlayer: stopping\n')
      await node.stop()
    })
}
