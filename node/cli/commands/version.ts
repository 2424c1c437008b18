import type { Command } from 'commander'
import { PROTOCOL_VERSION } from '../../../protocol/ids.js'

export function register (program: Command): void {
  program.command('version').description('print the protocol version').action(() => {
    process.stdout.write(`outlayer-mesh protocol v${PROTOCOL_VERSION}\n`)
  })
}
