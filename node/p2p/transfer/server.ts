/**
 * Serves `/outlayer/wasm/1.0.0`: answers one request per stream from the node's artifact source, within the
 * per-peer rate limit and the size cap. Bad input gets a status frame or an aborted stream, never an exception
 * out of the handler.
 */
import type { Connection, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { sha256Hex } from '../../../protocol/index.js'
import { MeshError } from '../errors.js'
import type { MeshLogger } from '../logger.js'
import type { TransferLimits } from '../options.js'
import type { P2pCounters } from '../stats.js'
import type { PeerRateLimiter } from './rate-limit.js'
import { CHUNK_BYTES, MAX_CONTROL_FRAME_BYTES, decodeRequest, encodeFrame, type TransferStatus } from './wire.js'

export type ArtifactSource = (wasmHash: string) => Promise<Uint8Array | undefined>

export interface TransferServerArgs {
  artifactSource?: ArtifactSource
  limits: TransferLimits
  limiter: PeerRateLimiter
  counters: P2pCounters
  log: MeshLogger
}

export function createTransferHandler (args: TransferServerArgs) {
  const { limits, limiter, counters, log } = args
  const refuse = async (lp: ReturnType<typeof lpStream>, stream: Stream, status: Exclude<TransferStatus, 'ok'>, signal: AbortSignal): Promise<void> => {
    counters.transferRefused(status)
    await lp.write(encodeFrame({ status }), { signal })
    await stream.close({ signal })
  }

  return async (stream: Stream, connection: Connection): Promise<void> => {
    const peer = connection.remotePeer.toString()
    const signal = AbortSignal.timeout(limits.timeoutMs)
    const lp = lpStream(stream, { maxDataLength: MAX_CONTROL_FRAME_BYTES })
    try {
      let hash: string, maxBytes: number
      try {
        ({ hash, max_bytes: maxBytes } = decodeRequest((await lp.read({ signal })).subarray()))
      } catch (err) {
        if (!(err instanceof MeshError)) throw err
        await refuse(lp, stream, 'bad_request', signal); return
      }
      if (!limiter.tryRequest(peer)) { await refuse(lp, stream, 'rate_limited', signal); return }
      const bytes = await args.artifactSource?.(hash)
      if (bytes == null) { await refuse(lp, stream, 'not_found', signal); return }
      if (sha256Hex(bytes) !== hash) {
        // our own store is corrupt: say not_found rather than serve bytes every client would refuse
        log.error({ wasmHash: hash }, 'artifact source returned bytes that do not match their hash')
        await refuse(lp, stream, 'not_found', signal); return
      }
      if (bytes.length > Math.min(maxBytes, limits.maxBytes)) { await refuse(lp, stream, 'too_large', signal); return }
      if (!limiter.trySend(peer, bytes.length)) { await refuse(lp, stream, 'rate_limited', signal); return }
      await lp.write(encodeFrame({ status: 'ok', size: bytes.length }), { signal })
      for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
        await lp.write(bytes.subarray(offset, offset + CHUNK_BYTES), { signal })
      }
      await stream.close({ signal })
      counters.transferServed(bytes.length)
    } catch (err) {
      counters.transferFailed()
      log.debug({ peer, err: (err as Error).message }, 'wasm transfer to peer failed')
      stream.abort(err as Error)
    }
  }
}
