/**
 * The worker's open keystore streams, one idle stream kept per member between releases: a fresh stream costs a
 * multistream-select round trip before the request can be written (libp2p 3 negotiates in full), which the
 * bench:keystore timeline showed as 3–9 ms of each 3-of-5 release. A member serves frame after frame on one
 * stream (keystore.ts) and closes it after MEMBER_IDLE_MS idle, so a stream idle for IDLE_MS (less) is dropped
 * here rather than reused. A stream that failed is never returned; a reused stream that fails before its answer is
 * the caller's cue to retry once on a fresh one (the member may have closed it just then).
 */
import type { Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { KeystoreLibp2p } from './index.js'
import { MAX_FRAME_BYTES } from './wire.js'

/** how long a member keeps an idle stream open (keystore.ts) */
export const MEMBER_IDLE_MS = 30_000
/** how long the pool keeps one: shorter, so a kept stream is never one the member is closing */
export const IDLE_MS = 20_000

export interface PooledStream { stream: Stream, lp: LengthPrefixedStream<Stream>, reused: boolean }

export class StreamPool {
  private readonly idle = new Map<string, { stream: Stream, lp: LengthPrefixedStream<Stream>, since: number }>()

  constructor (private readonly libp2p: Pick<KeystoreLibp2p, 'dialProtocol'>, private readonly protocol: string) {}

  /** The member's idle stream, or a new one. */
  async take (peerId: string, signal: AbortSignal): Promise<PooledStream> {
    const kept = this.idle.get(peerId)
    this.idle.delete(peerId)
    if (kept != null && Date.now() - kept.since < IDLE_MS && kept.stream.status === 'open' && kept.stream.writeStatus === 'writable' && kept.stream.remoteWriteStatus === 'writable') {
      return { stream: kept.stream, lp: kept.lp, reused: true }
    }
    kept?.stream.abort(new Error('idle keystore stream dropped'))
    const stream = await this.libp2p.dialProtocol(peerIdFromString(peerId), this.protocol, { signal })
    return { stream, lp: lpStream(stream, { maxDataLength: MAX_FRAME_BYTES }), reused: false }
  }

  /** Keeps a stream whose answer was read in full, for the member's next release (one per member). */
  give (peerId: string, { stream, lp }: PooledStream): void {
    const previous = this.idle.get(peerId)
    if (previous != null) { stream.close().catch(() => { stream.abort(new Error('keystore stream did not close')) }); return }
    this.idle.set(peerId, { stream, lp, since: Date.now() })
  }

  /** Closes every idle stream. */
  clear (): void {
    for (const { stream } of this.idle.values()) stream.close().catch(() => { stream.abort(new Error('keystore stream did not close')) })
    this.idle.clear()
  }
}
