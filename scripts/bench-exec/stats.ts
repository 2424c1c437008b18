/** The small helpers every part of bench:exec uses. */
export const log = (line: string): void => { process.stderr.write(`bench:exec ${line}\n`) }

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] ?? NaN : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2
}

export const round = (x: number, digits = 2): number => Number(x.toFixed(digits))

/** Wall time of one synchronous call, in ms. */
export function timed<T> (fn: () => T): { ms: number, value: T } {
  const started = performance.now()
  const value = fn()
  return { ms: performance.now() - started, value }
}

/** Medians of the metered and pool runs and their ratios over the baseline's median. */
export function meteredMedians (times: { baseline: number[], metered: number[], pool: number[] }): { metered_ms: number, pool_ms: number, ratio: number, pool_ratio: number } {
  const base = median(times.baseline)
  return {
    metered_ms: round(median(times.metered)),
    pool_ms: round(median(times.pool)),
    ratio: round(median(times.metered) / base),
    pool_ratio: round(median(times.pool) / base)
  }
}
