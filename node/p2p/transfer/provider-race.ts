/**
 * Fetching one wasm from whoever provides it, with deadlines (issue 17 §5): a provider that accepts the stream
 * and never answers must cost one slot for one attempt timeout, not the whole fetch. So:
 *  - an overall deadline for the whole fetch (the caller's signal also stops it);
 *  - `parallel` attempts at once; the first verified answer wins and the others are aborted;
 *  - the caller's hints first, then the DHT's providers (asked only once the hints run out), known builders
 *    first within each;
 *  - at most `maxProviders` providers tried, so N sybil providers cost at most maxProviders attempts.
 */
export interface ProviderRaceInit {
  /** peers to try first (e.g. the builder named in a build gossip) */
  hinted: readonly string[]
  /** more providers (the DHT), asked once when the hints are used up */
  discover: (signal: AbortSignal) => Promise<string[]>
  /** one attempt; rejects on failure; must stop when the signal aborts */
  attempt: (peer: string, signal: AbortSignal) => Promise<Uint8Array>
  /** true for peers of registered builders: they are tried first */
  preferred: (peer: string) => boolean
  /** never tried (ourselves) */
  exclude: ReadonlySet<string>
  parallel: number
  maxProviders: number
  /** the overall deadline and the caller's abort */
  signal: AbortSignal
}

export interface FailedAttempt { peer: string, error: unknown }

export interface ProviderRaceResult {
  bytes?: Uint8Array
  /** every failed attempt, in the order they failed */
  failures: FailedAttempt[]
  /** peers tried (started), in order */
  tried: string[]
}

export async function raceProviders (init: ProviderRaceInit): Promise<ProviderRaceResult> {
  const won = new AbortController()
  const signal = AbortSignal.any([init.signal, won.signal])
  const seen = new Set(init.exclude)
  const tried: string[] = []
  const failures: FailedAttempt[] = []
  const order = (peers: readonly string[]): string[] => [...peers].sort((a, b) => Number(init.preferred(b)) - Number(init.preferred(a)))
  let queue = order(init.hinted)
  let discovery: Promise<void> | undefined
  let discovered = false

  const nextPeer = async (): Promise<string | undefined> => {
    for (;;) {
      if (signal.aborted || tried.length >= init.maxProviders) return undefined
      const peer = queue.shift()
      if (peer != null) {
        if (seen.has(peer)) continue
        seen.add(peer)
        tried.push(peer)
        return peer
      }
      if (discovered) return undefined
      discovery ??= init.discover(signal).then(found => { queue.push(...order(found)) }, () => {}).finally(() => { discovered = true })
      await discovery
    }
  }

  const runner = async (): Promise<Uint8Array | undefined> => {
    for (let peer = await nextPeer(); peer != null; peer = await nextPeer()) {
      try {
        return await init.attempt(peer, signal)
      } catch (error) {
        if (!won.signal.aborted) failures.push({ peer, error })
      }
    }
    return undefined
  }

  const bytes = await new Promise<Uint8Array | undefined>(resolve => {
    let running = Math.max(1, init.parallel)
    for (let i = 0; i < Math.max(1, init.parallel); i++) {
      void runner().then(result => {
        if (result != null) {
          won.abort()
          resolve(result)
        } else if (--running === 0) {
          resolve(undefined)
        }
      })
    }
  })
  return { ...(bytes != null ? { bytes } : {}), failures, tried }
}
