/** A small seeded PRNG (sfc32) so a fuzz run is reproducible from its seed alone. */
export interface Rng {
  /** uniform in [0, 1) */
  next: () => number
  /** integer in [0, n) */
  int: (n: number) => number
  pick: <T>(items: readonly T[]) => T
  chance: (p: number) => boolean
}

export function createRng (seed: number, stream = 0): Rng {
  let a = seed >>> 0
  let b = (stream * 0x9e3779b9) >>> 0
  let c = 0x243f6a88
  let d = 1
  const next = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0
    const t = (a + b | 0) + d | 0
    d = d + 1 | 0
    a = b ^ b >>> 9
    b = c + (c << 3) | 0
    c = c << 21 | c >>> 11
    c = c + t | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 16; i++) next()
  const int = (n: number): number => Math.floor(next() * n)
  return { next, int, pick: items => items[int(items.length)] as never, chance: p => next() < p }
}
