/**
 * The state as it was at a recent block: each produced block journals the value every key had before the
 * block first touched it, and a view at height H reads those journals for the blocks after H. Only the
 * last few blocks are kept (enough for `final`, two blocks back); older heights read the current state.
 */
import type { StateReader, StateWriter } from './store.js'

const ABSENT = Symbol('absent')
export const HISTORY_BLOCKS = 16

export interface BlockJournal { height: number, before: Map<string, Map<string, unknown>> }

export class Journal {
  private readonly blocks: BlockJournal[] = []
  private current: BlockJournal | undefined

  begin (height: number): void { this.current = { height, before: new Map() } }

  /** Called before a write: remembers the first value this block saw. */
  touch (space: string, key: string, old: unknown | undefined): void {
    if (this.current == null) return
    let m = this.current.before.get(space)
    if (m == null) { m = new Map(); this.current.before.set(space, m) }
    if (!m.has(key)) m.set(key, old === undefined ? ABSENT : old)
  }

  end (): void {
    if (this.current == null) return
    this.blocks.push(this.current)
    this.current = undefined
    if (this.blocks.length > HISTORY_BLOCKS) this.blocks.shift()
  }

  /** A read-only view of `state` as of `height`, or undefined when the journals no longer reach back that far. */
  at (state: StateReader, height: number): StateWriter | undefined {
    const later = this.blocks.filter(b => b.height > height)
    if (later.length === 0) return undefined
    if (later[0]!.height !== height + 1) return undefined
    return new HistoricalView(state, later)
  }
}

class HistoricalView implements StateWriter {
  constructor (private readonly state: StateReader, private readonly later: BlockJournal[]) {}

  get<T> (space: string, key: string): T | undefined {
    for (const b of this.later) {
      const m = b.before.get(space)
      if (m?.has(key) === true) { const v = m.get(key); return v === ABSENT ? undefined : v as T }
    }
    return this.state.get<T>(space, key)
  }

  keys (space: string): string[] {
    const keys = new Set(this.state.keys(space))
    for (const b of this.later) for (const k of b.before.get(space)?.keys() ?? []) keys.add(k)
    return [...keys].filter(k => this.get(space, k) !== undefined).sort()
  }

  set (): void { throw new Error('a historical state view is read-only') }
  del (): void { throw new Error('a historical state view is read-only') }
}
