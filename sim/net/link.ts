/**
 * One direction of a simulated link: when does a write of n bytes, made now, arrive on the other side?
 *
 *   arrival = max(previous arrival, start + n·8/bandwidth + latency draw + loss penalty)
 *
 * The link is a reliable ordered byte stream (it carries libp2p connections, which expect TCP-like behaviour),
 * so a loss does not drop bytes: each lost 1460-byte segment costs one retransmission timeout, as in TCP, and
 * holds back what follows it (head-of-line blocking). Bandwidth is a serialisation queue per direction.
 */
import type { Rng } from './prng.js'

export type LatencyDistribution =
  | { kind: 'fixed', ms: number }
  | { kind: 'uniform', minMs: number, maxMs: number }
  | { kind: 'normal', meanMs: number, sdMs: number }
  /** heavy-tailed WAN-like delays: median `medianMs`, log-space sigma */
  | { kind: 'lognormal', medianMs: number, sigma: number }

export interface LinkSpec {
  /** one-way latency @default fixed 5 ms (the gossipsub-hardening runs' links) */
  latency: LatencyDistribution
  /** added per write, uniform in ±jitterMs @default 0 */
  jitterMs: number
  /** bits per second per direction; 0 = unlimited @default 0 */
  bandwidthBps: number
  /** probability that one 1460-byte segment is lost (and retransmitted) @default 0 */
  loss: number
}

export const DEFAULT_LINK: LinkSpec = { latency: { kind: 'fixed', ms: 5 }, jitterMs: 0, bandwidthBps: 0, loss: 0 }

const SEGMENT_BYTES = 1460
const MIN_RTO_MS = 200

export function drawLatency (d: LatencyDistribution, rng: Rng): number {
  switch (d.kind) {
    case 'fixed': return d.ms
    case 'uniform': return d.minMs + rng.next() * (d.maxMs - d.minMs)
    case 'normal': return Math.max(0, d.meanMs + rng.normal() * d.sdMs)
    case 'lognormal': return d.medianMs * Math.exp(rng.normal() * d.sigma)
  }
}

export class LinkDirection {
  private freeAt = 0
  private lastArrival = 0

  constructor (private spec: LinkSpec, private readonly rng: Rng) {}

  setSpec (spec: LinkSpec): void { this.spec = spec }

  /** ms from `now` until n bytes written now are delivered */
  delayFor (bytes: number, now: number): number {
    const { spec, rng } = this
    const start = Math.max(now, this.freeAt)
    const serialise = spec.bandwidthBps > 0 ? bytes * 8 * 1000 / spec.bandwidthBps : 0
    this.freeAt = start + serialise
    const latency = drawLatency(spec.latency, rng) + (spec.jitterMs > 0 ? (rng.next() * 2 - 1) * spec.jitterMs : 0)
    let penalty = 0
    if (spec.loss > 0) {
      const rto = Math.max(MIN_RTO_MS, 4 * drawLatency(spec.latency, rng))
      for (let s = Math.ceil(bytes / SEGMENT_BYTES); s > 0; s--) if (rng.chance(spec.loss)) penalty += rto
    }
    const arrival = Math.max(this.lastArrival, start + serialise + Math.max(0, latency) + penalty)
    this.lastArrival = arrival
    return arrival - now
  }
}
