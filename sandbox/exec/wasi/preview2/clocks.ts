/**
 * wasi:clocks, the preview1 rules: wall clock = request timestamp + elapsed, monotonic = elapsed, where
 * elapsed = fuel spent (1 ns per unit) + virtual sleeps. Resolution 1 ns.
 */
import type { WasiContext } from '../context.js'
import { Pollable } from './io.js'

const NS_PER_S = 1_000_000_000n

export function clockInterfaces (ctx: WasiContext): Record<string, object> {
  return {
    'wasi:clocks/monotonic-clock': {
      now: () => ctx.elapsedNs(),
      resolution: () => 1n,
      subscribeInstant: (when: bigint) => new Pollable(ctx, when),
      subscribeDuration: (duration: bigint) => new Pollable(ctx, ctx.elapsedNs() + duration)
    },
    'wasi:clocks/wall-clock': {
      now: () => {
        const t = BigInt.asUintN(64, ctx.timestampNs + ctx.elapsedNs())
        return { seconds: t / NS_PER_S, nanoseconds: Number(t % NS_PER_S) }
      },
      resolution: () => ({ seconds: 0n, nanoseconds: 1 })
    }
  }
}
