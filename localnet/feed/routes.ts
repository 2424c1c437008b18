/**
 * The block feed in the shape of FASTNEAR's neardata server, so an indexer reads localnet and testnet the same way:
 *   /v0/block/:height          final block (null when no block has that height; waits when it is just ahead,
 *                              408 if it does not come in time)
 *   /v0/block_opt/:height      the same for optimistic blocks
 *   /v0/last_block/final       302 → /v0/block/<final height>
 *   /v0/last_block/optimistic  302 → /v0/block_opt/<head height>
 *   /v0/first_block            302 → the first block after genesis
 */
import type { Chain } from '../chain/index.js'

export interface FeedReply { status: number, body?: unknown, location?: string }

export interface FeedOptions {
  /** a request for a height at most this far past the limit waits for it; further is refused. Default 20 */
  maxBlocksAhead?: number
  /** how long such a request waits before answering 408 (never 404: clients read 404 as a skipped height). Default 8 s */
  waitMs?: number
}

const BLOCK_PATH = /^\/v0\/(block|block_opt)\/(\d{1,15})\/?$/

export async function handleFeed (path: string, chain: Chain, opts: FeedOptions, signal: AbortSignal): Promise<FeedReply> {
  if (path === '/v0/last_block/final' || path === '/v0/last_block/final/') return redirect(`/v0/block/${chain.finalHead().height}`)
  if (path === '/v0/last_block/optimistic' || path === '/v0/last_block/optimistic/') return redirect(`/v0/block_opt/${chain.head().height}`)
  if (path === '/v0/first_block' || path === '/v0/first_block/') {
    const first = Math.min(chain.genesisHeight + 1, chain.finalHead().height)
    return redirect(`/v0/block/${first}`)
  }
  const match = BLOCK_PATH.exec(path)
  if (match === null) return { status: 404, body: { error: `no such route: ${path}`, type: 'NOT_FOUND' } }
  const final = match[1] === 'block'
  const height = Number(match[2])
  const limit = (): number => final ? chain.finalHead().height : chain.head().height
  if (height > limit() + (opts.maxBlocksAhead ?? 20)) {
    return { status: 400, body: { error: `block ${height} is too far in the future (latest ${limit()})`, type: 'BLOCK_HEIGHT_TOO_HIGH' } }
  }
  if (height > limit() && !await waitForHeight(chain, height, limit, opts.waitMs ?? 8_000, signal)) {
    return { status: 408, body: { error: `block ${height} is not produced yet (latest ${limit()})`, type: 'BLOCK_NOT_PRODUCED_YET' } }
  }
  return { status: 200, body: chain.feedBlock(height) ?? null }
}

const redirect = (location: string): FeedReply => ({ status: 302, location })

/** Resolves true once `limit()` reaches `height`, false on timeout or abort. */
async function waitForHeight (chain: Chain, height: number, limit: () => number, waitMs: number, signal: AbortSignal): Promise<boolean> {
  return await new Promise<boolean>(resolve => {
    let settled = false
    const done = (ok: boolean): void => {
      if (settled) return
      settled = true
      unsubscribe()
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      resolve(ok)
    }
    const onAbort = (): void => done(false)
    const unsubscribe = chain.onBlock(() => { if (limit() >= height) done(true) })
    const timer = setTimeout(() => done(false), waitMs)
    signal.addEventListener('abort', onAbort)
    if (signal.aborted || limit() >= height) done(!signal.aborted)
  })
}
