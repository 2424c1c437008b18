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
  ECIES_VERSION, OVERHEAD_BYTES, SecretsError, decodePoint, decodeScalar, provePartial, type KeystoreShare, type Point
} from '../../../protocol/secrets/index.js'
import { checkRelease } from './checks.js'
import { DkgRun, type DkgRunArgs } from './dkg-run.js'
import { KeystoreError } from './errors.js'
import { GroupCache } from './group-cache.js'
import type { KeystoreGroup } from './group.js'
import type { KeystoreComponents, KeystoreEvents, KeystoreInit } from './index.js'
import { sealReply } from './reply.js'
import { MEMBER_IDLE_MS } from './stream-pool.js'
import { ReshareRun, type ReshareOutcome, type ReshareRunArgs } from './reshare-run.js'
import { eraseShare, loadShare, promoteShare, saveShare } from './share-store.js'
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

/** Whether `share` is the one the published group lists for this node (same key, slot and verifying share). */
function holds (share: KeystoreShare, group: KeystoreGroup, self: string): boolean {
  const published = group.verifyingShares.get(share.identifier)
  return bytesToHex(group.groupKey) === bytesToHex(share.groupKey) && group.identifierOfPeer.get(self) === share.identifier &&
    published != null && bytesToHex(published) === bytesToHex(share.verifyingShares[share.identifier]!)
}

export interface KeystoreStatus { hasShare: boolean, identifier?: string, groupKey?: string, dkgRunning: boolean, reshareRunning: boolean, reshared: boolean }

/** What confirmReshare did: took the new share, erased the old one as a member leaving, or nothing (not published yet, or voided by another group) */
export type ReshareConfirmation = 'joined' | 'left' | 'unconfirmed'

export class KeystoreNode extends EventEmitter<KeystoreEvents> {
  readonly protocol: string
  private share: KeystoreShare | null = null
  private dkg: DkgRun | undefined
  private reshare: ReshareRun | undefined
  /** a resharing's outcome waiting for its group on chain: the new share (null: this node leaves) and the version */
  private pending: { next: KeystoreShare | null, version: number, groupKey: string } | undefined
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
    const next = await loadShare(this.init.dataDir, this.init.nodeKey.secretKey, 'next')
    if (next != null) this.pending = { next, version: 0, groupKey: bytesToHex(next.groupKey) }
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
    this.pending?.next?.share.fill(0)
    this.pending = undefined
    this.blobs.clear()
  }

  status (): KeystoreStatus {
    return { hasShare: this.share != null, identifier: this.share?.identifier, groupKey: this.share != null ? bytesToHex(this.share.groupKey) : undefined, dkgRunning: this.dkg != null, reshareRunning: this.reshare != null, reshared: this.pending != null }
  }

  /**
   * Runs one DKG session with the other members (all must run the same session, members and threshold). On
   * success the share is sealed to disk and replaces any previous one; on failure nothing changes.
   */
  async runDkg (args: DkgRunArgs): Promise<{ groupKey: Uint8Array, verifyingShares: Record<string, Uint8Array>, identifier: string }> {
    if (this.dkg != null || this.reshare != null) throw new KeystoreError('DKG_FAILED', 'a DKG or resharing is already running on this node')
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

  /**
   * Runs one resharing session with the other participants (dealers and new members, all with the same
   * arguments). On success the new share (if this node is a new member) is sealed as share.next.json and kept
   * pending: the old share keeps serving until the new group is on chain (confirmReshare). On failure nothing
   * changes and the session can be rerun under a new name.
   */
  async runReshare (args: ReshareRunArgs): Promise<Omit<ReshareOutcome, 'next'>> {
    if (this.dkg != null || this.reshare != null) throw new KeystoreError('RESHARE_FAILED', 'a DKG or resharing is already running on this node')
    const run = new ReshareRun(this.components.libp2p, this.protocol, args, this.components.libp2p.peerId.toString(), this.components.deal)
    this.reshare = run
    try {
      const { next, ...outcome } = await run.run(this.share, this.init.nodeKey)
      if (next != null) await saveShare(this.init.dataDir, this.init.nodeKey.secretKey, next, 'next')
      this.pending?.next?.share.fill(0)
      this.pending = { next, version: outcome.version, groupKey: outcome.group.group_key }
      this.emit('reshare:done', { session: args.session, version: outcome.version })
      return outcome
    } catch (err) {
      const e = err instanceof KeystoreError ? err : new KeystoreError('RESHARE_FAILED', (err as Error).message, { cause: err })
      this.emit('reshare:failed', { session: args.session, message: e.message })
      throw e
    } finally {
      this.reshare = undefined
    }
  }

  /**
   * Once the published group is the resharing's (this node's own chain view, read now unless given): a new
   * member's new share replaces the old one, a member leaving erases its share; the old share is zeroed and
   * erased on disk. A group at or past the resharing's version that is another one voids the pending share.
   */
  async confirmReshare (published?: KeystoreGroup): Promise<ReshareConfirmation> {
    const pending = this.pending
    if (pending == null) return 'unconfirmed'
    let group: KeystoreGroup | null | undefined = published
    if (group == null) { this.groups.invalidate(); group = await this.groups.get() }
    if (group == null || group.version < pending.version) return 'unconfirmed'
    const next = pending.next
    const listed = group.identifierOfPeer.has(this.components.libp2p.peerId.toString())
    const joined = next != null && holds(next, group, this.components.libp2p.peerId.toString())
    const left = next == null && !listed && bytesToHex(group.groupKey) === pending.groupKey
    if (!joined && !left) {
      if (pending.version > 0) await this.dropPending()
      return 'unconfirmed'
    }
    if (joined) await promoteShare(this.init.dataDir)
    else await eraseShare(this.init.dataDir)
    this.share?.share.fill(0)
    this.share = joined ? next : null
    this.pending = undefined
    this.blobs.clear()
    const outcome = joined ? 'joined' : 'left'
    this.log.info({ version: group.version, outcome }, 'resharing confirmed; old share erased')
    return outcome
  }

  private async dropPending (): Promise<void> {
    this.log.warn({ version: this.pending?.version }, 'another group was published: the resharing\'s pending share is void')
    this.pending?.next?.share.fill(0)
    this.pending = undefined
    await eraseShare(this.init.dataDir, 'next')
  }

  /**
   * Answers frame after frame on one stream: a worker keeps its stream for its next releases (stream-pool.ts).
   * Each request is read and answered within the deadline; a stream idle for MEMBER_IDLE_MS, or closed by the
   * dialer, ends.
   */
  private async serve (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    const deadline = this.init.timeoutMs ?? 5_000
    const lp = lpStream(stream, { maxDataLength: MAX_FRAME_BYTES })
    try {
      for (let first = true; this.started; first = false) {
        let frame: Uint8Array
        try {
          frame = (await lp.read({ signal: AbortSignal.timeout(first ? deadline : MEMBER_IDLE_MS) })).subarray()
        } catch (err) {
          // after a first answer, the dialer closing (or going quiet) is the normal end
          if (!first && (stream.remoteWriteStatus !== 'writable' || (err as Error).name === 'TimeoutError')) break
          throw err
        }
        const answer = await this.answer(peer, frame)
        await lp.write(encodeFrame(answer), { signal: AbortSignal.timeout(deadline) })
      }
      await stream.close({ signal: AbortSignal.timeout(deadline) })
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
    if (m.kind === 'reshare1' || m.kind === 'reshare2' || m.kind === 'reshare3') {
      const reshare = this.reshare
      if (reshare == null || reshare.args.session !== m.session) return refusal(new KeystoreError('RESHARE_FAILED', `no resharing session ${m.session} running here`))
      const refused = reshare.accept(m, peer)
      return refused != null ? refusal(new KeystoreError('BAD_MESSAGE', refused)) : { ok: true }
    }
    const run = this.dkg
    if (run == null || run.args.session !== m.session) return refusal(new KeystoreError('DKG_FAILED', `no DKG session ${m.session} running here`))
    if (!run.isMember(m.from, peer)) return refusal(new KeystoreError('BAD_MESSAGE', `peer ${peer} is not member ${m.from} of session ${m.session}`))
    if (m.kind === 'dkg1') run.round1s.put(m.from, m.round1)
    else run.round2s.put(m.from, m.package)
    return { ok: true }
  }

  private async release (r: ReleaseRequest, signature: string): Promise<KeystoreAnswer> {
    const { record, groupVersion } = await checkRelease(this.components.chain, this.init.network, r, signature)
    // the group is read again only when the release view shows a newer version (a rotation)
    let group = await this.groups.atLeast(groupVersion)
    const self = this.components.libp2p.peerId.toString()
    // a resharing's group on chain before anyone confirmed it here: take the new share now
    if (this.pending != null && group != null && (this.share == null || !holds(this.share, group, self))) await this.confirmReshare(group)
    const share = this.share
    if (share == null) throw new KeystoreError('NO_SHARE', 'this keystore node holds no share')
    if (group == null || !holds(share, group, self)) {
      throw new KeystoreError('NO_SHARE', 'the published group is not the one this node holds a share of')
    }
    // E is decoded (and so checked) only the first time this node sees the blob: BlobCache keeps it
    const bytes = Buffer.from(record.encrypted_secrets_base64, 'base64')
    const E = bytes.subarray(1, 33)
    let blob: ReturnType<BlobCache['get']>
    try {
      if (bytes.length < OVERHEAD_BYTES || bytes[0] !== ECIES_VERSION) throw new SecretsError('MALFORMED', `a v${ECIES_VERSION} blob of at least ${OVERHEAD_BYTES} bytes`)
      blob = this.blobs.get(E)
    } catch (err) {
      throw new KeystoreError('DECRYPT_FAILED', `the stored blob is not a v1 secrets blob: ${(err as Error).message}`, { cause: err })
    }
    const ctx = releaseContext(r)
    const s = decodeScalar(share.share)
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
