/**
 * The node's cached set of registered workers' signing keys, for node/p2p's `isRegisteredKey` (gossip authors
 * and build-record builders count only when registered). p2p asks synchronously on every message, so the set
 * is read from the chain (`list_workers`) on start and after every reconciliation, and a key that is not in it
 * schedules one early refresh (at most every `missRefreshMs`): a worker registered a moment ago is refused
 * only until that refresh lands, never forever, and a flood of unknown keys costs one view per interval.
 */
import type { Logger } from '../log.js'
import type { OutlayerClient } from './types.js'

export interface RegisteredKeysInit {
  /** least time between two refreshes caused by an unknown key @default 2000 */
  missRefreshMs?: number
}

export interface RegisteredKeysComponents {
  client: Pick<OutlayerClient, 'listWorkers'>
  logger: Logger
}

export const DEFAULT_REGISTERED_KEYS = { missRefreshMs: 2000 } as const

export class RegisteredKeys {
  private keys = new Set<string>()
  private inFlight: Promise<void> | undefined
  private lastMissRefresh = -Infinity
  private readonly missRefreshMs: number

  constructor (private readonly components: RegisteredKeysComponents, init: RegisteredKeysInit = {}) {
    this.missRefreshMs = init.missRefreshMs ?? DEFAULT_REGISTERED_KEYS.missRefreshMs
  }

  /** re-reads the active workers' keys; one read at a time; a failed read keeps the last set (logged) */
  async refresh (): Promise<void> {
    this.inFlight ??= (async () => {
      try {
        const workers = await this.components.client.listWorkers()
        this.keys = new Set(workers.filter(w => w.status === 'active').map(w => w.public_key))
      } catch (err) {
        this.components.logger.warn({ err }, 'registered workers not refreshed')
      } finally {
        this.inFlight = undefined
      }
    })()
    await this.inFlight
  }

  /** the `isRegisteredKey` p2p takes; an unknown key schedules an early refresh */
  readonly has = (key: string): boolean => {
    if (this.keys.has(key)) return true
    const now = Date.now()
    if (now - this.lastMissRefresh >= this.missRefreshMs) {
      this.lastMissRefresh = now
      void this.refresh()
    }
    return false
  }

  size (): number { return this.keys.size }
}
