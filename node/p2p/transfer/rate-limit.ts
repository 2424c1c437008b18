/**
 * Per-peer fixed-window limit on wasm requests and bytes served. No timers: windows roll over lazily on use,
 * so nothing keeps the process alive and stop() has nothing to clear.
 */
export interface RateLimitArgs {
  windowMs: number
  maxRequests: number
  maxBytes: number
}

interface Window {
  start: number
  requests: number
  bytes: number
}

export class PeerRateLimiter {
  private readonly windows = new Map<string, Window>()

  constructor (private readonly args: RateLimitArgs) {}

  /** Counts one request; false when the peer is over its request or byte budget for this window. */
  tryRequest (peer: string, now = Date.now()): boolean {
    const w = this.window(peer, now)
    if (w.requests >= this.args.maxRequests || w.bytes >= this.args.maxBytes) return false
    w.requests++
    return true
  }

  /** Whether `bytes` more fit in the peer's byte budget; counts them when they do. */
  trySend (peer: string, bytes: number, now = Date.now()): boolean {
    const w = this.window(peer, now)
    if (w.bytes + bytes > this.args.maxBytes) return false
    w.bytes += bytes
    return true
  }

  private window (peer: string, now: number): Window {
    let w = this.windows.get(peer)
    if (w == null || now - w.start >= this.args.windowMs) {
      if (this.windows.size > 10_000) this.prune(now)
      w = { start: now, requests: 0, bytes: 0 }
      this.windows.set(peer, w)
    }
    return w
  }

  private prune (now: number): void {
    for (const [peer, w] of this.windows) if (now - w.start >= this.args.windowMs) this.windows.delete(peer)
  }
}
