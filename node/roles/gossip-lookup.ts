/**
 * A chain look-up a gossip message triggered, run only when the mesh's lookup guard admits it (node/p2p
 * rate/lookup-guard.ts), and its answer reported back, so a peer that keeps naming missing requests runs out of
 * look-ups here as it does in gossip validation. Without a guard (tests, tools) the look-up just runs.
 */
import type { GossipLookupGuard } from '../p2p/index.js'

export type LookupGuard = Pick<GossipLookupGuard, 'admit'>

/** `lookUp()`'s answer, or undefined when the guard refused (the hint is dropped; the chain watcher still sees it). */
export async function guardedLookUp<T> (guard: LookupGuard | undefined, from: string, requestId: string, lookUp: () => Promise<T | null | undefined>): Promise<T | null | undefined> {
  if (guard == null) return await lookUp()
  const admission = guard.admit(from, requestId)
  if (!admission.ok) return undefined
  let found: T | null | undefined
  try {
    found = await lookUp()
  } catch (err) {
    admission.release('failed')
    throw err
  }
  admission.release(found != null ? 'found' : 'missing')
  return found
}
