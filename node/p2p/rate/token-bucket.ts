/** A token bucket: `capacity` tokens, refilled continuously at `refillPerSecond`. The clock is injectable for tests. */
export interface TokenBucketInit {
  capacity: number
  refillPerSecond: number
}

export class TokenBucket {
  private tokens: number
  private updated: number

  constructor (private readonly init: TokenBucketInit, private readonly now: () => number = Date.now) {
    this.tokens = init.capacity
    this.updated = now()
  }

  /** Takes one token if there is one. */
  take (): boolean {
    this.refill()
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  /** Gives back a token taken for work that turned out not to be needed. */
  giveBack (): void {
    this.tokens = Math.min(this.init.capacity, this.tokens + 1)
  }

  /** True when the bucket is full again (so an idle per-peer bucket can be forgotten). */
  full (): boolean {
    this.refill()
    return this.tokens >= this.init.capacity
  }

  private refill (): void {
    const t = this.now()
    this.tokens = Math.min(this.init.capacity, this.tokens + Math.max(0, t - this.updated) / 1000 * this.init.refillPerSecond)
    this.updated = t
  }
}
