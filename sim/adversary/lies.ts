/**
 * Wrong-but-plausible results: same shape, same range, same fuel as the honest run, a different output, and a
 * result hash that is correct for the lie (so nothing but disagreement with honest workers can expose it).
 * A lie is a function of (label, the request's seed, its input): the members of a coordinated group share a
 * label and so sign byte-identical lies; an independent liar uses its own label.
 */
import { resultHash, sha256Hex, type ExecutionResult } from '../../protocol/index.js'
import { createRng } from '../net/prng.js'

export function lieFor (label: string, seed: string | undefined, input: string, honest: Uint8Array): Uint8Array {
  const rng = createRng(0, `lie:${label}:${seed ?? ''}:${input}`)
  let spec: { count?: unknown, min?: unknown, max?: unknown } = {}
  try { spec = JSON.parse(input) as typeof spec } catch { /* not the random example: lie in bytes */ }
  const count = typeof spec.count === 'number' ? spec.count : 5
  const min = typeof spec.min === 'number' ? spec.min : 1
  const max = typeof spec.max === 'number' ? spec.max : 100
  const honestHash = sha256Hex(honest)
  for (let attempt = 0; ; attempt++) {
    const numbers = Array.from({ length: count }, () => min + rng.int(max - min + 1))
    const out = new TextEncoder().encode(JSON.stringify({ numbers }) + (attempt > 3 ? ' ' : ''))
    if (sha256Hex(out) !== honestHash) return out
  }
}

/** The honest result with `stdout` swapped in and its result hash recomputed. */
export function withOutput (honest: ExecutionResult, stdout: Uint8Array): ExecutionResult {
  // a plausible lie is a clean exit, whatever the honest run did
  return {
    ...honest,
    status: 'ok',
    exit_code: 0,
    trap: null,
    stdout,
    result_hash: resultHash({ status: 'ok', exit_code: 0, trap: null, stdout, fuel_used: honest.fuel_used, instrumenter_version: honest.instrumenter_version })
  }
}
