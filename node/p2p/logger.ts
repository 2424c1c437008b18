/**
 * The logging surface the p2p layer needs. A pino Logger satisfies it (`logger.child({ module: 'p2p' })`);
 * values go in the context object, the message is fixed text, raw payloads never go above debug.
 */
export interface MeshLogger {
  debug: (context: object, message: string) => void
  info: (context: object, message: string) => void
  warn: (context: object, message: string) => void
  error: (context: object, message: string) => void
}

const noop = (): void => {}

export const silentLogger: MeshLogger = { debug: noop, info: noop, warn: noop, error: noop }
