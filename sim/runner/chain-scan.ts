/**
 * The runner's reading of the chain: contract events block by block, from where the last scan stopped. A feed error
 * never ends the run: it is recorded (the report's `errors`), the range is read again on the next scan, and after
 * MAX_CONSECUTIVE_FAILURES failed scans in a row the feed counts as lost, so the runner stops and reports what it has.
 */
import type { ChainEvent } from '../adapter/index.js'
import type { RunError } from './types.js'

export const MAX_CONSECUTIVE_FAILURES = 25
/** the report keeps the first errors; `failures` counts them all */
const MAX_KEPT_ERRORS = 20

export class ChainScan {
  /** the last height whose events were handed to onEvent */
  scanned: number
  failures = 0
  /** the message of the latest failure */
  lastError: string | undefined
  readonly errors: RunError[] = []
  private consecutive = 0

  constructor (
    private readonly events: (from: number, to: number) => Promise<ChainEvent[]>,
    private readonly onEvent: (e: ChainEvent) => void,
    private readonly opts: { from: number, t0: number }
  ) {
    this.scanned = opts.from - 1
  }

  /** Reads blocks (scanned, top]; false (the error recorded) when the feed failed. */
  async scan (top: number): Promise<boolean> {
    if (top <= this.scanned) return true
    let events: ChainEvent[]
    try {
      events = await this.events(this.scanned + 1, top)
    } catch (err) {
      this.failures++
      this.consecutive++
      this.lastError = `blocks ${this.scanned + 1}..${top}: ${(err as Error).message}`
      if (this.errors.length < MAX_KEPT_ERRORS) this.errors.push({ where: 'block feed', atMs: Date.now() - this.opts.t0, message: this.lastError })
      return false
    }
    this.consecutive = 0
    for (const e of events) this.onEvent(e)
    this.scanned = top
    return true
  }

  /** the feed failed MAX_CONSECUTIVE_FAILURES scans in a row */
  get lost (): boolean { return this.consecutive >= MAX_CONSECUTIVE_FAILURES }
}
