/**
 * The `outlayer` command. Each subcommand lives in node/cli/commands/<name>.ts and exports
 * `register(program)`; they are loaded in name order so features add commands without touching this file.
 * Only node/cli touches argv, env, signals and exit codes.
 */
import { Command, CommanderError } from 'commander'
import { readdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { EXIT, UsageError } from './exit-codes.js'

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands')

/** Started by bin/outlayer.mjs: when the launcher goes away (even by kill -9), shut down as on SIGTERM. */
function followLauncher (): void {
  if (process.channel == null) return
  process.channel.unref()
  process.once('disconnect', () => { process.kill(process.pid, 'SIGTERM') })
}

/**
 * The file of the subcommand argv names (`<name>.ts`, one per command), so a run loads only its own command's
 * dependencies (`outlayer exec` never loads libp2p); undefined for help, `sim` or an unknown name, which load every
 * command so commander lists them or says what is wrong.
 */
function commandNamed (args: readonly string[], files: readonly string[]): string | undefined {
  const name = args.find(a => !a.startsWith('-'))
  return files.find(f => f === `${name ?? ''}.ts`)
}

async function main (): Promise<void> {
  followLauncher()
  const program = new Command('outlayer')
    .description('Verifiable off-chain compute for NEAR, run by a peer-to-peer mesh')
    .exitOverride()
    .showHelpAfterError(false)
  const files = (await readdir(commandsDir)).filter(f => f.endsWith('.ts')).sort()
  const named = commandNamed(process.argv.slice(2), files)
  for (const file of named != null ? [named] : files) {
    const mod = await import(pathToFileURL(join(commandsDir, file)).href) as { register?: (p: Command) => void }
    mod.register?.(program)
  }
  if (named == null) (await import('../../sim/cli.js')).register(program)
  try {
    await program.parseAsync(process.argv)
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : EXIT.usage
      return
    }
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n`)
      process.exitCode = EXIT.usage
      return
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = EXIT.local
  }
}

await main()
