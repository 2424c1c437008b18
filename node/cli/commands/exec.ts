/**
 * `outlayer exec FILE.wasm`: run one job on the local deterministic executor.
 * Exit codes: 0 ok, 3 the guest failed deterministically, 4 a local failure (timeout, host error),
 * 2 bad usage or a refused module.
 */
import type { Command } from 'commander'
import { readFile } from 'node:fs/promises'
import { isDeterministic } from '../../../protocol/result.js'
import { AdmissionError, createExecutor, ExecutorError, resultToJson, type ExecuteOptions } from '../../../sandbox/exec/index.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { bigintFlag, optionalIntFlag } from '../flags.js'

interface ExecFlags {
  input?: string
  inputFile?: string
  fuel?: string
  memoryMb?: string
  timeoutMs?: string
  seed?: string
  timestampNs?: string
  env: string[]
  arg: string[]
  json?: boolean
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]


async function readInput (flags: ExecFlags): Promise<Uint8Array | string> {
  if (flags.input != null && flags.inputFile != null) throw new UsageError('give --input or --input-file, not both')
  if (flags.inputFile != null) {
    try { return new Uint8Array(await readFile(flags.inputFile)) } catch (err) { throw new UsageError(`cannot read ${flags.inputFile}: ${(err as Error).message}`) }
  }
  if (flags.input == null) return ''
  try { JSON.parse(flags.input) } catch { throw new UsageError('--input must be JSON (use --input-file for other bytes)') }
  return flags.input
}

async function toOptions (flags: ExecFlags): Promise<ExecuteOptions> {
  const env: Record<string, string> = {}
  for (const pair of flags.env) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`--env takes K=V, got ${JSON.stringify(pair)}`)
    env[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  const opts: ExecuteOptions = { input: await readInput(flags), env, args: flags.arg }
  const fuel = bigintFlag(flags.fuel, '--fuel')
  const memoryMb = optionalIntFlag(flags.memoryMb, '--memory-mb')
  const timeoutMs = optionalIntFlag(flags.timeoutMs, '--timeout-ms')
  const timestampNs = bigintFlag(flags.timestampNs, '--timestamp-ns')
  if (fuel != null) opts.fuel = fuel
  if (memoryMb != null) opts.memoryMb = memoryMb
  if (timeoutMs != null) opts.timeoutMs = timeoutMs
  if (timestampNs != null) opts.timestampNs = timestampNs
  if (flags.seed != null) opts.seed = flags.seed
  return opts
}

async function run (file: string, flags: ExecFlags): Promise<void> {
  let wasm: Uint8Array
  try { wasm = new Uint8Array(await readFile(file)) } catch (err) { throw new UsageError(`cannot read ${file}: ${(err as Error).message}`) }
  const opts = await toOptions(flags)
  const executor = createExecutor({ workers: 1 })
  try {
    const result = await executor.execute(wasm, opts)
    if (flags.json === true) {
      process.stdout.write(`${JSON.stringify(resultToJson(result))}\n`)
    } else {
      process.stdout.write(result.stdout)
      process.stderr.write(result.stderr)
      const detail = result.trap ?? (result.status === 'exit' ? String(result.exit_code) : '')
      process.stderr.write(`\n${result.status}${detail !== '' ? `(${detail})` : ''} fuel=${result.fuel_used} hash=${result.result_hash ?? '-'}${result.message != null ? ` ${result.message}` : ''}\n`)
    }
    process.exitCode = result.status === 'ok' ? EXIT.ok : isDeterministic(result.status) ? EXIT.guest : EXIT.jobLocal
  } catch (err) {
    if (err instanceof AdmissionError || err instanceof ExecutorError) throw new UsageError(err.message)
    throw err
  } finally {
    await executor.close()
  }
}

export function register (program: Command): void {
  program.command('exec')
    .description('run a WASI preview1 module on the deterministic, metered executor')
    .argument('<file>', 'the .wasm module')
    .option('--input <json>', 'stdin for the guest, as JSON text')
    .option('--input-file <path>', 'stdin for the guest, raw bytes from a file')
    .option('--fuel <n>', 'fuel budget (default 1000000000)')
    .option('--memory-mb <n>', 'memory limit in MiB (default 128)')
    .option('--timeout-ms <n>', 'wall-clock safety net (default 60000); a local failure, never a result')
    .option('--seed <hex>', '32 bytes of hex keying random_get (default zeros)')
    .option('--timestamp-ns <n>', 'the guest clock at start, ns since the epoch (default 0)')
    .option('--env <K=V>', 'environment variable (repeatable)', collect, [])
    .option('--arg <value>', 'argument after argv[0] (repeatable)', collect, [])
    .option('--json', 'print the ExecutionResult as one JSON line')
    .action(async (file: string, flags: ExecFlags) => { await run(file, flags) })
}
