/**
 * `outlayer sim`: registered by node/cli/main.ts. The run happens in a child process (sim/main.ts) with the
 * same V8 flags as the tests (--no-liftoff), so that a run's memory and CPU figures are its own and a crash of
 * the run cannot take the CLI with it. The child inherits stdio (progress on stderr, figures on stdout) and its
 * exit code is ours.
 */
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The node flags and file that run a simulation; shared with tests and bench:sim. */
export function simProcessArgs (args: string[]): string[] {
  return ['--no-liftoff', '--import', 'tsx', '--import', join(ROOT, 'polyfill.mjs'), join(ROOT, 'sim/main.ts'), ...args]
}

export function register (program: Command): void {
  program.command('sim')
    .description('simulate N real nodes with faults and adversaries from a seed; writes report.json and report.html')
    .option('--scenario <file>', 'scenario file (.json, .yaml); flags below override its fields')
    .option('--nodes <n>', 'worker nodes')
    .option('--replicas <r>', 'redundancy R')
    .option('--quorum <q>', 'quorum Q')
    .option('--requests <k>', 'requests to send')
    .option('--rate <r>', 'requests per second')
    .option('--block-time-ms <t>', 'localnet block time')
    .option('--seed <s>', 'seed of every random choice')
    .option('--mode <m>', 'scale (simulated links) or real (TCP, noise, yamux)')
    .option('--out <dir>', 'where report.json and report.html go', 'sim-out')
    .option('--quiet', 'no progress bar')
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const flags: string[] = []
      for (const [key, flag] of [['scenario', '--scenario'], ['nodes', '--nodes'], ['replicas', '--replicas'], ['quorum', '--quorum'], ['requests', '--requests'], ['rate', '--rate'], ['blockTimeMs', '--block-time-ms'], ['seed', '--seed'], ['mode', '--mode'], ['out', '--out']] as const) {
        const v = opts[key]
        if (typeof v === 'string') flags.push(flag, v)
      }
      if (opts.quiet === true) flags.push('--quiet')
      const child = spawn(process.execPath, simProcessArgs(flags), { stdio: 'inherit' })
      const forward = (signal: NodeJS.Signals): void => { child.kill(signal) }
      process.on('SIGINT', forward)
      process.on('SIGTERM', forward)
      process.exitCode = await new Promise<number>(resolve => child.on('exit', (code, signal) => { resolve(code ?? (signal != null ? 130 : 1)) }))
    })
}
