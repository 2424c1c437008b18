/**
 * Remembers envelope ids for a while, so a replayed envelope is dropped even when it arrives re-encoded (new
 * bytes, hence a new gossipsub message id) or after gossipsub's own seen-cache has forgotten it.
 * An envelope is only acceptable inside ±freshness of its timestamp, so ids are kept for 2 × freshness:
 * after that the freshness check refuses the replay on its own. Bounded, so a flood cannot grow memory.
 */
export class SeenCache {
  private readonly expiries = new Map<string, number>()

  constructor (private readonly ttlMs: number, private readonly maxEntries = 100_000) {}

  has (id: string, now = Date.now()): boolean {
    const expiry = this.expiries.get(id)
    return expiry != null && expiry > now
  }

  add (id: string, now = Date.now()): void {
    this.expiries.delete(id)
    this.expiries.set(id, now + this.ttlMs)
    if (this.expiries.size > this.maxEntries) this.prune(now)
  }

  get size (): number {
    return this.expiries.size
  }

  /** Drops expired ids; if still over the cap, drops the oldest (Map keeps insertion order). */
  private prune (now: number): void {
    for (const [id, expiry] of this.expiries) {
      if (expiry <= now) this.expiries.delete(id)
    }
    for (const id of this.expiries.keys()) {
      if (this.expiries.size <= this.maxEntries) break
      this.expiries.delete(id)
    }
  }
}
