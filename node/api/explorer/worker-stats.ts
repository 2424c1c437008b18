/**
 * Per-worker figures folded from the explorer's records, and the reputation formula the Workers page prints.
 * Earnings follow the contract's split (protocol/VERIFICATION-V2.md "Money"): the agreeing workers share
 * payment_charged − resolve_fee − receipt_fee equally.
 */
import type { ExecutionRecord } from './index-record.js'

export interface WorkerStats {
  assigned: number
  answered: number
  agreed: number
  disagreed: number
  withheld: number
  slashes: number
  /** yocto */
  slashed: string
  /** yocto */
  earned: string
  /** answered / assigned over the indexed requests (1 with no assignment yet) */
  uptime: number
  reputation: number
}

/** a registered worker the index has not seen in any request */
export const NO_HISTORY: WorkerStats = { assigned: 0, answered: 0, agreed: 0, disagreed: 0, withheld: 0, slashes: 0, slashed: '0', earned: '0', uptime: 1, reputation: 0.5 }

export const REPUTATION_FORMULA = 'reputation = (agreed + 1) / (assigned + 2) × 0.5^slashes'
/** the contract's receipt fee: 300 bytes of storage at 1e19 yocto per byte */
const RECEIPT_FEE = 300n * 10n ** 19n

export function reputation (s: Pick<WorkerStats, 'agreed' | 'assigned' | 'slashes'>): number {
  return Math.round(((s.agreed + 1) / (s.assigned + 2)) * 0.5 ** s.slashes * 1000) / 1000
}

export function workerStats (records: readonly ExecutionRecord[], resolveFee: bigint): Map<string, WorkerStats> {
  const acc = new Map<string, Omit<WorkerStats, 'slashed' | 'earned' | 'uptime' | 'reputation'> & { slashed: bigint, earned: bigint }>()
  const of = (id: string): NonNullable<ReturnType<typeof acc.get>> => {
    let s = acc.get(id)
    if (s == null) acc.set(id, s = { assigned: 0, answered: 0, agreed: 0, disagreed: 0, withheld: 0, slashes: 0, slashed: 0n, earned: 0n })
    return s
  }
  for (const r of records) {
    const agreeing = r.workers.filter(w => w.agreed)
    const pool = BigInt(r.payment_charged ?? '0') - resolveFee - RECEIPT_FEE
    for (const w of r.workers) {
      const s = of(w.worker_id)
      if (w.role !== 'backup' || w.committed != null) s.assigned++
      if (w.committed != null || w.revealed) s.answered++
      if (w.agreed) {
        s.agreed++
        if (r.status === 'completed' && pool > 0n && agreeing.length > 0) s.earned += pool / BigInt(agreeing.length)
      }
    }
    for (const slash of r.slashes) {
      const s = of(slash.worker_id)
      s.slashes++
      s.slashed += BigInt(slash.amount)
      if (slash.kind === 'disagreed') s.disagreed++
      if (slash.kind === 'withheld') s.withheld++
    }
  }
  const out = new Map<string, WorkerStats>()
  for (const [id, s] of acc) {
    out.set(id, {
      ...s, slashed: s.slashed.toString(), earned: s.earned.toString(),
      uptime: s.assigned === 0 ? 1 : Math.round((Math.min(s.answered, s.assigned) / s.assigned) * 1000) / 1000,
      reputation: reputation(s)
    })
  }
  return out
}
