/**
 * Runs one subcommand in this process: the same register() and action code as `node bin/outlayer.mjs`,
 * without paying a process start per case. Exit-code mapping is main.ts's and is covered by the spawned tests.
 */
import { Command } from 'commander'

export interface InProcessResult {
  stdout: string
  /** what the action threw (UsageError for bad input), or commander's own usage error */
  error?: Error
}

export async function runInProcess (register: (program: Command) => void, args: string[]): Promise<InProcessResult> {
  const program = new Command('outlayer').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} })
  register(program)
  let stdout = ''
  const write = process.stdout.write
  process.stdout.write = ((chunk: string | Uint8Array) => { stdout += chunk.toString(); return true }) as typeof process.stdout.write
  try {
    await program.parseAsync(args, { from: 'user' })
    return { stdout }
  } catch (err) {
    if (!(err instanceof Error)) throw err
    return { stdout, error: err }
  } finally {
    process.stdout.write = write
  }
}
