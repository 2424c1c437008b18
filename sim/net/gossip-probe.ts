/**
 * Dissemination figures for one gossipsub mesh: each node reports when it first saw a message and how many
 * gossip messages reached it in all (first copies and duplicates). The same probe measures the bare baseline
 * and the real nodes, so their p99s compare like for like.
 */
export interface GossipFigures {
  /** messages published */
  messages: number
  /** first deliveries / (messages × receivers) */
  deliveryRatio: number
  /** publish → first receipt, ms, over every (message, receiver) pair that got it */
  p50Ms: number
  p99Ms: number
  /** copies received beyond the first, per delivered copy */
  duplicatesPerDelivery: number
  /** every latency sample, ms (for CDF plots) */
  samplesMs: number[]
}

export class GossipProbe {
  private readonly published = new Map<string, { at: number, receivers: number }>()
  private readonly firstSeen = new Map<string, number[]>()
  private copies = 0

  /** message `id` was published at `at` and should reach `receivers` nodes; the first call for an id wins */
  sent (id: string, receivers: number, at = Date.now()): void {
    if (!this.published.has(id)) this.published.set(id, { at, receivers })
  }

  /** a node accepted message `id` for the first time */
  delivered (id: string, at = Date.now()): void {
    let list = this.firstSeen.get(id)
    if (list == null) this.firstSeen.set(id, list = [])
    list.push(at)
  }

  /** a gossip message reached some node, first copy or not */
  copy (n = 1): void { this.copies += n }

  /** dissemination latencies over time: [publish time, latency] pairs, for the "over time" plot */
  timeline (): Array<[number, number]> {
    const out: Array<[number, number]> = []
    for (const [id, p] of this.published) for (const at of this.firstSeen.get(id) ?? []) out.push([p.at, at - p.at])
    return out.sort((a, b) => a[0] - b[0])
  }

  figures (): GossipFigures {
    const samples: number[] = []
    let expected = 0
    for (const [id, p] of this.published) {
      expected += p.receivers
      for (const at of this.firstSeen.get(id) ?? []) samples.push(at - p.at)
    }
    samples.sort((a, b) => a - b)
    const delivered = samples.length
    return {
      messages: this.published.size,
      deliveryRatio: expected > 0 ? Math.min(1, delivered / expected) : 1,
      p50Ms: quantile(samples, 0.5),
      p99Ms: quantile(samples, 0.99),
      duplicatesPerDelivery: delivered > 0 ? Math.max(0, this.copies - delivered) / delivered : 0,
      samplesMs: samples
    }
  }
}

/** nearest-rank quantile of sorted values; NaN for none */
export function quantile (sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

/**
 * Counts every gossip message a gossipsub instance receives, duplicates included, by wrapping its receive path
 * (gossipsub emits events for first copies only). Returns the unwrap function.
 */
export function countReceivedCopies (pubsub: object, onCopy: () => void): () => void {
  const target = pubsub as { handleReceivedMessage?: (...args: unknown[]) => Promise<void> }
  const original = target.handleReceivedMessage
  if (typeof original !== 'function') return () => {}
  target.handleReceivedMessage = async function (this: unknown, ...args: unknown[]) {
    onCopy()
    return await original.apply(this, args)
  }
  return () => { target.handleReceivedMessage = original }
}
