/**
 * Results of view calls against the live state, remembered until the state changes. A view's answer is a function
 * of the state, the block it is stamped with and its arguments, so the same view asked again before the next write
 * (ten nodes in one process reading get_request for the same id in the same block) is answered without running
 * the contract again. Any write to the store (a block, a deploy, a loaded record) bumps its version and empties
 * this cache. Only successful calls are kept; a failing view runs again.
 */
import type { CallResult } from './api.js'

const MAX_ENTRIES = 1024

export class ViewCache {
  private version = -1
  private readonly entries = new Map<string, CallResult>()

  /** The cached result, or run() once and keep it; `version` is the store's write counter. */
  get (version: number, key: string, run: () => CallResult): CallResult {
    if (version !== this.version) {
      this.entries.clear()
      this.version = version
    }
    const hit = this.entries.get(key)
    if (hit != null) return hit
    const result = run()
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!)
    this.entries.set(key, result)
    return result
  }
}
