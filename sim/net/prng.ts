/**
 * A seeded PRNG (splitmix32 seeding a sfc32 generator): every random decision in the simulator comes from one of
 * these, derived from the run's seed and a label, so that adding a draw in one place never shifts the draws of
 * another (`rng.derive('link:n3>n7')`).
 */
export interface Rng {
  /** uniform in [0, 1) */
  next: () => number
  /** uniform integer in [0, n) */
  int: (n: number) => number
  /** true with probability p */
  chance: (p: number) => boolean
  /** standard normal (Box–Muller) */
  normal: () => number
  /** k distinct items of xs, in draw order */
  sample: <T>(xs: readonly T[], k: number) => T[]
  /** an independent generator for a named purpose */
  derive: (label: string) => Rng
}

/** FNV-1a over the label, mixed with the seed: a 32-bit stream id. */
function hash32 (seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

function splitmix32 (state: number): () => number {
  let s = state >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

export function createRng (seed: number, label = 'root'): Rng {
  const root = hash32(seed >>> 0, label)
  const init = splitmix32(root)
  let a = init(); let b = init(); let c = init(); let d = init()
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0
    d = (d + 1) >>> 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) >>> 0
    c = ((c << 21) | (c >>> 11)) >>> 0
    c = (c + t) >>> 0
    return t
  }
  for (let i = 0; i < 12; i++) u32()
  const next = (): number => u32() / 4294967296
  const rng: Rng = {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => p > 0 && next() < p,
    normal: () => {
      const u = 1 - next()
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next())
    },
    sample: (xs, k) => {
      const pool = [...xs]
      const out: typeof pool = []
      for (let i = 0; i < Math.min(k, pool.length); i++) {
        const j = i + Math.floor(next() * (pool.length - i))
        ;[pool[i], pool[j]] = [pool[j]!, pool[i]!]
        out.push(pool[i]!)
      }
      return out
    },
    derive: (sub) => createRng(root, sub)
  }
  return rng
}
