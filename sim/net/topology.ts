/**
 * Who dials whom when a simulated mesh starts. Node i first dials the two nodes scripts/start.ts bootstraps it
 * from (a tree: i−1 and ⌊(i−1)/2⌋, which keeps the graph connected), then `degree − 2` more distinct earlier
 * nodes drawn from the seed. The real nodes and the bare baseline use the same plan, so their meshes compare.
 */
import type { Rng } from './prng.js'

export function dialPlan (nodes: number, degree: number, rng: Rng): number[][] {
  const plan: number[][] = [[]]
  for (let i = 1; i < nodes; i++) {
    const tree = [...new Set([i - 1, Math.floor((i - 1) / 2)])]
    const rest = Array.from({ length: i }, (_, j) => j).filter(j => !tree.includes(j))
    plan.push([...tree, ...rng.sample(rest, Math.max(0, Math.min(degree - tree.length, rest.length)))])
  }
  return plan
}
