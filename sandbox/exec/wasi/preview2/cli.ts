/** wasi:cli: stdin is the request's input, stdout/stderr the capped captures, env and args from the request. */
import type { WasiContext } from '../context.js'
import { ProcExit } from '../signals.js'
import { InputStream, OutputStream } from './io.js'
import { raise } from './signal.js'

export interface CliInit {
  env: Record<string, string>
  /** argv including argv[0] */
  args: string[]
}

class TerminalInput {}
class TerminalOutput {}

export function cliInterfaces (ctx: WasiContext, init: CliInit): Record<string, object> {
  const stdin = new InputStream(ctx, () => ctx.stdin)
  const stdout = new OutputStream(ctx, bytes => { ctx.writeStdout(bytes) })
  const stderr = new OutputStream(ctx, bytes => { ctx.writeStderr(bytes) })
  const env = Object.entries(init.env)
  return {
    'wasi:cli/environment': {
      getEnvironment: () => env.map(([k, v]) => [k, v]),
      getArguments: () => [...init.args],
      initialCwd: () => undefined
    },
    'wasi:cli/exit': {
      exit: (status: { tag: 'ok' | 'err' }) => raise(new ProcExit(status.tag === 'ok' ? 0 : 1)),
      exitWithCode: (code: number) => raise(new ProcExit(code & 0xff))
    },
    'wasi:cli/stdin': { getStdin: () => stdin },
    'wasi:cli/stdout': { getStdout: () => stdout },
    'wasi:cli/stderr': { getStderr: () => stderr },
    // no terminal: the streams are not ttys
    'wasi:cli/terminal-input': { TerminalInput },
    'wasi:cli/terminal-output': { TerminalOutput },
    'wasi:cli/terminal-stdin': { getTerminalStdin: () => undefined },
    'wasi:cli/terminal-stdout': { getTerminalStdout: () => undefined },
    'wasi:cli/terminal-stderr': { getTerminalStderr: () => undefined }
  }
}
