/**
 * Fires the plan's events when their moment comes: `{block: b}` once the chain is b blocks past the run's first
 * block, `{ms: t}` once t ms have passed since requests began. Follow-ups (restart after a crash, heal after a
 * partition) are scheduled relative to the moment their event fired. Events due together fire in plan order.
 */
import type { Action, PlannedEvent } from '../scenario/plan.js'
import type { When } from '../scenario/types.js'

export interface FiredEvent { action: Action | { type: 'restart', nodes: number[] }, block: number, ms: number }

interface Pending { due: (block: number, ms: number) => boolean, action: FiredEvent['action'] }

export class FaultScheduler {
  private readonly pending: Pending[] = []
  readonly fired: FiredEvent[] = []

  constructor (events: PlannedEvent[], private readonly apply: (action: FiredEvent['action']) => Promise<void>) {
    for (const e of events) this.pending.push({ due: dueAt(e.at, 0, 0), action: e.action })
  }

  /** fires what is due at this (block offset, ms offset); returns how many fired */
  async tick (block: number, ms: number): Promise<number> {
    let n = 0
    for (;;) {
      const i = this.pending.findIndex(p => p.due(block, ms))
      if (i < 0) return n
      const [p] = this.pending.splice(i, 1)
      const action = p!.action
      this.fired.push({ action, block, ms })
      n++
      await this.apply(action)
      if (action.type === 'crash' && action.restartAfter != null) this.pending.push({ due: dueAt(action.restartAfter, block, ms), action: { type: 'restart', nodes: action.nodes } })
      if (action.type === 'partition' && action.healAfter != null) this.pending.push({ due: dueAt(action.healAfter, block, ms), action: { type: 'heal' } })
    }
  }

  remaining (): number { return this.pending.length }
}

function dueAt (when: When, baseBlock: number, baseMs: number): (block: number, ms: number) => boolean {
  return 'block' in when ? (block) => block >= baseBlock + when.block : (_block, ms) => ms >= baseMs + when.ms
}
