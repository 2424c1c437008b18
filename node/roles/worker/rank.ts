/**
 * Who tries a request first, without a coordinator: every node ranks the registered workers by
 * sha256(u64le(request id) ‖ worker account id) and the first R by that order try at once. All nodes compute the
 * same order from the same worker list, and the order differs per request, so load spreads evenly.
 */
import { concatBytes, sha256Hex, toBytes, u64le } from '../../../protocol/index.js'

export function rankScore (requestId: bigint | string, workerId: string): string {
  return sha256Hex(concatBytes(u64le(BigInt(requestId)), toBytes(workerId)))
}

/** 0-based position of `workerId` among `workers` for this request; `workers.length` when it is not registered. */
export function workerRank (requestId: bigint | string, workerId: string, workers: readonly string[]): number {
  const mine = rankScore(requestId, workerId)
  if (!workers.includes(workerId)) return workers.length
  let rank = 0
  for (const w of new Set(workers)) {
    if (w === workerId) continue
    const theirs = rankScore(requestId, w)
    // ties are impossible in practice (distinct sha256 inputs); broken by account id so the order is total
    if (theirs < mine || (theirs === mine && w < workerId)) rank++
  }
  return rank
}
