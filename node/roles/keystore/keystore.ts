/**
 * A keystore node: holds one share of the group key, serves `/outlayer/<net>/keystore/1.0.0` (release requests
 * from workers, DKG rounds from fellow members) and runs the DKG. A partial leaves only after every check in
 * checks.ts passed on this node's own chain view, sealed to the worker's one-time reply key with a DLEQ proof.
 */
import { EventEmitter } from 'node:events'
import type { Connection, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { PeerRateLimiter } from '../../p2p/transfer/rate-limit.js'
import {
  decodePoint, decodeScalar, parseEcies, provePartial, type KeystoreShare, type Point
} from '../../../protocol/secrets/index.js'
import { checkRelease } from './checks.js'
import { DkgRun, type DkgRunArgs } from './dkg-run.js'
import { KeystoreError } from './errors.js'
import { GroupCache } from './group-cache.js'
import type { KeystoreComponents, KeystoreEvents, KeystoreInit } from './index.js'
import { sealReply } from './reply.js'
import { loadShare, saveShare } from './share-store.js'
import { MAX_FRAME_BYTES, decodeMessage, encodeFrame, keystoreProtocol, releaseContext, replyLabel, type KeystoreAnswer, type ReleaseRequest } from './wire.js'

/**
 * Per blob (E is fixed per record), oldest dropped first: E decoded with a precomputed table, and D = s·E once
 * made. Cleared (D zeroed) when the share changes or the node stops.
 */
class BlobCache {
  private readonly map = new Map<string, { point: Point, partial?: Uint8Array }>()
  constructor (private readonly max = 1024) {}
  get (E: Uint8Array): { point: Point, partial?: Uint8Array } {
    const key = bytesToHex(E)
    let entry = this.map.get(key)
    if (entry == null) {
      if (this.map.size >= this.max) { const [oldest, e] = this.map.entries().next().value!; e.partial?.fill(0); this.map.delete(oldest) }
      entry = { point: decodePoint(E, 'ephemeral point E') }
      entry.point.precompute(4, false)
      this.map.set(key, entry)
    }
    return entry
  }
  clear (): void { for (const e of this.map.values()) e.partial?.fill(0); this.map.clear() }
}

export interface KeystoreStatus { hasShare: boolean, identifier?: string, groupKey?: string, dkgRunning: boolean }

export class KeystoreNode extends EventEmitter<KeystoreEvents> {
  readonly protocol: string
  private share: KeystoreShare | null = null
  private dkg: DkgRun | undefined
  private readonly groups: GroupCache
  /** E with a precomputed table and D = s·E, per blob: the proof's k·E is cheap, s·E made once per record */
  private readonly blobs = new BlobCache()
  private readonly limiter: PeerRateLimiter
  private started = false
  private readonly log

  constructor (private readonly components: KeystoreComponents, private readonly init: KeystoreInit) {
    super()
    this.protocol = keystoreProtocol(init.network)
    this.limiter = new PeerRateLimiter({ windowMs: 60_000, maxRequests: init.maxRequestsPerMinute ?? 600, maxBytes: Number.MAX_SAFE_INTEGER })
    this.log = components.logger.child({ module: 'keystore' })
    this.groups = new GroupCache(components.chain)
  }

  /** Loads the sealed share (if any) and registers the stream handler. */
  async start (): Promise<void> {
    if (this.started) return
    this.share = await loadShare(this.init.dataDir, this.init.nodeKey.secretKey)
    await this.components.libp2p.handle(this.protocol, (stream, connection) => { void this.serve(stream, connection) }, { maxInboundStreams: 64 })
    this.started = true
    this.log.info({ hasShare: this.share != null, identifier: this.share?.identifier }, 'keystore started')
  }

  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    await Promise.resolve(this.components.libp2p.unhandle(this.protocol)).catch(() => {})
    this.share?.share.fill(0)
    this.share = null
    this.blobs.clear()
  }

  status (): KeystoreStatus {
    return { hasShare: this.share != null, identifier: this.share?.identifier, groupKey: this.share != null ? bytesToHex(this.share.groupKey) : undefined, dkgRunning: this.dkg != null }
  }

  /**
   * Runs one DKG session with the other members (all must run the same session, members and threshold). On
   * success the share is sealed to disk and replaces any previous one; on failure nothing changes.
   */
  async runDkg (args: DkgRunArgs): Promise<{ groupKey: Uint8Array, verifyingShares: Record<string, Uint8Array>, identifier: string }> {
    if (this.dkg != null) throw new KeystoreError('DKG_FAILED', 'a DKG run is already in progress on this node')
    const run = new DkgRun(this.components.libp2p, this.protocol, args)
    this.dkg = run
    try {
      const k = await run.run()
      await saveShare(this.init.dataDir, this.init.nodeKey.secretKey, k)
      this.share?.share.fill(0)
      this.share = k
      this.blobs.clear()
      this.groups.invalidate()
      this.emit('dkg:done', { session: args.session, groupKey: bytesToHex(k.groupKey) })
      return { groupKey: k.groupKey, verifyingShares: k.verifyingShares, identifier: k.identifier }
    } catch (err) {
      const e = err instanceof KeystoreError ? err : new KeystoreError('DKG_FAILED', (err as Error).message, { cause: err })
      this.emit('dkg:failed', { session: args.session, message: e.message })
      throw e
    } finally {
      this.dkg = undefined
    }
  }

  private async serve (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    const signal = AbortSignal.timeout(this.init.timeoutMs ?? 5_000)
    const lp = lpStream(stream, { maxDataLength: MAX_FRAME_BYTES })
    try {
      const answer = await this.answer(peer, (await lp.read({ signal })).subarray())
      await lp.write(encodeFrame(answer), { signal })
      await stream.close({ signal })
    } catch (err) {
      this.log.debug({ peer, err: (err as Error).message }, 'keystore stream failed')
      stream.abort(err as Error)
    }
  }

  private async answer (peer: string, frame: Uint8Array): Promise<KeystoreAnswer> {
    const refusal = (e: KeystoreError): KeystoreAnswer => ({ ok: false, code: e.code, message: e.message })
    if (!this.limiter.tryRequest(peer)) return refusal(new KeystoreError('RATE_LIMITED', 'too many keystore requests from this peer'))
    const decoded = decodeMessage(frame)
    if (!decoded.ok) return refusal(new KeystoreError('BAD_MESSAGE', decoded.error.message))
    const m = decoded.value
    if (m.kind === 'release') {
      try {
        return await this.release(m.request, m.signature)
      } catch (err) {
        const e = err instanceof KeystoreError ? err : new KeystoreError('CHAIN_UNAVAILABLE', (err as Error).message, { cause: err })
        this.emit('release:refused', { requestId: m.request.request_id, workerId: m.request.worker_id, code: e.code })
        this.log.info({ requestId: m.request.request_id, workerId: m.request.worker_id, code: e.code }, 'release refused')
        return refusal(e)
      }
    }
    const run = this.dkg
    if (run == null || run.args.session !== m.session) return refusal(new KeystoreError('DKG_FAILED', `no DKG session ${m.session} running here`))
    if (!run.isMember(m.from, peer)) return refusal(new KeystoreError('BAD_MESSAGE', `peer ${peer} is not member ${m.from} of session ${m.session}`))
    if (m.kind === 'dkg1') run.round1s.put(m.from, m.round1)
    else run.round2s.put(m.from, m.package)
    return { ok: true }
  }

  private async release (r: ReleaseRequest, signature: string): Promise<KeystoreAnswer> {
    const share = this.share
    if (share == null) throw new KeystoreError('NO_SHARE', 'this keystore node holds no share')
    const { record, groupVersion } = await checkRelease(this.components.chain, this.init.network, r, signature)
    // the group is read again only when the release view shows a newer version (a rotation)
    const group = await this.groups.atLeast(groupVersion)
    const published = group?.verifyingShares.get(share.identifier)
    if (group == null || bytesToHex(group.groupKey) !== bytesToHex(share.groupKey) || published == null || bytesToHex(published) !== bytesToHex(share.verifyingShares[share.identifier]!)) {
      throw new KeystoreError('NO_SHARE', 'the published group is not the one this node holds a share of')
    }
    let E: Uint8Array
    try { E = parseEcies(Buffer.from(record.encrypted_secrets_base64, 'base64')).ephemeral } catch (err) {
      throw new KeystoreError('DECRYPT_FAILED', `the stored blob is not a v1 secrets blob: ${(err as Error).message}`, { cause: err })
    }
    const ctx = releaseContext(r)
    const s = decodeScalar(share.share)
    const blob = this.blobs.get(E)
    const custom = this.components.prove
    const { partial, proof } = custom != null
      ? custom(s, E, ctx)
      : provePartial(s, E, ctx, { verifyingShare: share.verifyingShares[share.identifier], ephemeralPoint: blob.point, ...(blob.partial != null ? { partial: blob.partial } : {}) })
    if (custom == null) blob.partial ??= partial.slice()
    const body = new Uint8Array(96)
    body.set(partial, 0)
    body.set(proof, 32)
    const sealed = sealReply(hexToBytes(r.reply_key), replyLabel(ctx), body)
    body.fill(0)
    this.emit('release:granted', { requestId: r.request_id, workerId: r.worker_id })
    this.log.info({ requestId: r.request_id, workerId: r.worker_id }, 'partial released')
    return { ok: true, identifier: share.identifier, sealed: Buffer.from(sealed).toString('base64'), version: group.version, ephemeral: bytesToHex(E) }
  }
}
