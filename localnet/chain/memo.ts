/**
 * The last few values made from immutable inputs (a produced block's views), so a value asked for by every node in
 * the process (each watcher reads each block; `head()` is read for its height alone) is built once. Callers treat
 * what they get as read-only: it is shared.
 */
export class Memo<V> {
  private readonly entries = new Map<string, V>()

  constructor (private readonly max: number) {}

  get (key: string, make: () => V): V {
    const hit = this.entries.get(key)
    if (hit !== undefined) return hit
    const value = make()
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!)
    this.entries.set(key, value)
    return value
  }
}
