/**
 * pino JSON logs on stderr (stdout stays free for command output). One root logger per node, named, with
 * child loggers per module (`log.child({ module: 'worker' })`). Values go in the context object, the error
 * last; never log secrets.
 */
import { pino, type DestinationStream, type Level } from 'pino'

/**
 * The one logging surface every unit takes (a pino Logger satisfies it): fixed message text, values in the
 * context object, an error as `{ err }` so its stack is kept.
 */
export interface Logger {
  trace: (context: object, message: string) => void
  debug: (context: object, message: string) => void
  info: (context: object, message: string) => void
  warn: (context: object, message: string) => void
  error: (context: object, message: string) => void
  fatal: (context: object, message: string) => void
  child: (bindings: Record<string, unknown>) => Logger
}

export const LOG_LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace']
export const DEFAULT_LOG_LEVEL: Level = 'info'

export interface LoggerOptions {
  /** overrides OUTLAYER_LOG_LEVEL; `silent` turns logging off */
  level?: Level | 'silent'
  /** fields added to every line, e.g. `{ node: 'n01' }` when several nodes share a process */
  base?: Record<string, unknown>
  /** where lines go; default: stderr, written synchronously so the last lines before a crash are kept */
  destination?: DestinationStream
}

/** Reads the level from OUTLAYER_LOG_LEVEL; an unknown value falls back to `info` (and says so once). */
export function levelFromEnv (env: NodeJS.ProcessEnv = process.env): { level: Level | 'silent', unknown?: string } {
  const raw = env.OUTLAYER_LOG_LEVEL?.trim().toLowerCase()
  if (raw == null || raw === '') return { level: DEFAULT_LOG_LEVEL }
  if (raw === 'silent' || (LOG_LEVELS as readonly string[]).includes(raw)) return { level: raw as Level | 'silent' }
  return { level: DEFAULT_LOG_LEVEL, unknown: raw }
}

export function createLogger (name: string, opts: LoggerOptions = {}): Logger {
  const fromEnv = levelFromEnv()
  const logger = pino({
    name,
    level: opts.level ?? fromEnv.level,
    base: { pid: process.pid, ...opts.base },
    timestamp: pino.stdTimeFunctions.isoTime
  }, opts.destination ?? pino.destination({ dest: 2, sync: true }))
  if (opts.level == null && fromEnv.unknown != null) {
    logger.warn({ value: fromEnv.unknown, levels: LOG_LEVELS }, 'unknown OUTLAYER_LOG_LEVEL, using info')
  }
  return logger
}
