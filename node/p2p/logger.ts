/**
 * The logging surface the p2p layer needs: node/log.ts's Logger without child(). Values go in the context object,
 * the message is fixed text, raw payloads never go above debug.
 */
import type { Logger } from '../log.js'

export type MeshLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>

const noop = (): void => {}

export const silentLogger: MeshLogger = { debug: noop, info: noop, warn: noop, error: noop }
