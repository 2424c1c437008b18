/**
 * The worker's side of a release: ask every keystore member in parallel (while reading the secrets record),
 * open each sealed answer with the one-time X25519 reply key (reply.ts), and as soon as t partials are in, combine them and
 * decrypt. The combination is checked by the blob's AEAD tag: a wrong partial gives another key and the tag
 * fails, so the DLEQ proofs are verified only then (or for every answer with `waitForAll`), each failing one
 * blamed on its member, and the verified partials combined once t of them are in. Nothing here logs or stores a
 * secret; the partials and the plaintext bytes are zeroed before returning (the returned strings cannot be:
 * JavaScript strings are immutable; the caller drops them after the run), and the one-time reply key is an
 * OpenSSL key object dropped with this call (it opens only this call's replies).
 *
 * The group (members, threshold, verifying shares) comes from a GroupCache kept across releases: a member
 * answering with a newer group version, or refusing with NO_SHARE, makes the worker read the group again and
 * try once more.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import type { KeyPair } from '../../../protocol/index.js'
import {
  combinePartials, decryptSecrets, verifyPartial, accessorKey,
  SecretsError, type Accessor
} from '../../../protocol/secrets/index.js'
import type { KeystoreChain } from './chain.js'
import { KeystoreError, type KeystoreErrorCode } from './errors.js'
import type { KeystoreGroup } from './group.js'
import { GroupCache } from './group-cache.js'
import { RecordCache, type CachedRecord } from './record-cache.js'
import type { KeystoreLibp2p } from './index.js'
import { newReplyKey, openReply } from './reply.js'
import { StreamPool } from './stream-pool.js'
import { ask as askOn, keystoreProtocol, releaseContext, replyLabel, signRelease, type KeystoreAnswer, type ReleaseRequest } from './wire.js'
import type { Result } from '../../../protocol/index.js'

export interface FetchSecretsArgs {
  libp2p: Pick<KeystoreLibp2p, 'dialProtocol'>
  /** the worker's own chain view (group, secrets record) */
  chain: Pick<KeystoreChain, 'contractId' | 'getGroup' | 'getSecrets'>
  /** the published group, kept across releases (node.ts holds one per node) @default read for this call */
  groups?: GroupCache
  /** the secrets records (ciphertext), kept across releases @default read for this call */
  records?: RecordCache
  /** open streams to the members, kept across releases @default a fresh stream per member for this call */
  streams?: StreamPool
  network: string
  requestId: string
  /** the worker account and its registered worker key (signs the release request) */
  workerId: string
  workerKey: KeyPair
  /** from the request's secrets_ref and its code */
  owner: string
  profile: string
  accessor: Accessor
  /** per member @default 5 s */
  timeoutMs?: number
  /** wait for every member's answer and verify every proof (audit: blame every bad one) instead of stopping at t @default false */
  waitForAll?: boolean
  signal?: AbortSignal
}

export interface Blame { peerId: string, identifier: string, reason: 'BAD_PROOF' | 'BAD_REPLY' }

export interface FetchedSecrets {
  env: Record<string, string>
  /** members whose answer failed its proof or did not open: evidence of a lying keystore node */
  blamed: Blame[]
  /** members that refused, with their code */
  refusals: Array<{ peerId: string, code: KeystoreErrorCode }>
}

export async function fetchSecrets (args: FetchSecretsArgs): Promise<FetchedSecrets> {
  const groups = args.groups ?? new GroupCache(args.chain)
  const group = await groups.get()
  if (group == null) throw new KeystoreError('NO_SHARE', 'no keystore group is published on chain')
  try {
    return await release(args, group)
  } catch (err) {
    if (!(err instanceof StaleGroup)) throw err
    // a rotation since the group was read: read it again and ask its members once more
    groups.invalidate()
    const fresh = await groups.get()
    if (fresh == null) throw new KeystoreError('NO_SHARE', 'no keystore group is published on chain')
    try { return await release(args, fresh) } catch (again) { throw again instanceof StaleGroup ? again.error : again }
  }
}

/** The release failed, and a member saw a newer group than ours (or refused as not in ours): `error` otherwise. */
class StaleGroup extends Error {
  constructor (readonly error: KeystoreError) { super(error.message) }
}

/** an opened answer: the member's partial and proof, for the record version (E, hex) it read */
interface Opened { peerId: string, identifier: string, ephemeral: string, point: Uint8Array, proof: Uint8Array, verified: boolean, bad: boolean }

async function release (args: FetchSecretsArgs, group: KeystoreGroup): Promise<FetchedSecrets> {
  // the record (cached, or read while the members check and answer): its blob is needed only to combine
  const records = args.records ?? new RecordCache(args.chain)
  const key = { owner: args.owner, accessor: args.accessor, profile: args.profile }
  let record: Promise<CachedRecord> = records.get(key)
  record.catch(() => {})
  const reply = newReplyKey()
  const request: ReleaseRequest = {
    network: args.network,
    contract_id: args.chain.contractId,
    request_id: args.requestId,
    worker_id: args.workerId,
    owner: args.owner,
    accessor: args.accessor,
    profile: args.profile,
    reply_key: bytesToHex(reply.publicKey)
  }
  const signature = signRelease(request, args.workerKey)
  const ctx = releaseContext(request)
  const streams = args.streams ?? new StreamPool(args.libp2p, keystoreProtocol(args.network))
  const binding = { owner: args.owner, accessor: accessorKey(args.accessor), profile: args.profile }
  const audit = args.waitForAll === true
  const blamed: Blame[] = []
  const refusals: FetchedSecrets['refusals'] = []
  const opened: Opened[] = []
  let env: Record<string, string> | undefined
  let failure: KeystoreError | undefined
  let newerGroup = false
  const done = new AbortController()
  const outer = args.signal
  if (outer != null) outer.addEventListener('abort', () => { done.abort() }, { once: true })

  const verify = (p: Opened, E: Uint8Array): void => {
    if (p.verified || p.bad) return
    if (verifyPartial(group.verifyingShares.get(p.identifier)!, E, p.point, p.proof, ctx)) p.verified = true
    else { p.bad = true; blamed.push({ peerId: p.peerId, identifier: p.identifier, reason: 'BAD_PROOF' }) }
  }
  /** s·E from t partials and the env it opens, or undefined when the tag fails */
  const tryOpen = (partials: Opened[], blob: Uint8Array): Record<string, string> | undefined => {
    const shared = combinePartials(partials.map(p => ({ identifier: p.identifier, point: p.point })), group.threshold)
    try {
      return decryptSecrets(shared, group.groupKey, binding, blob)
    } catch (err) {
      if (err instanceof SecretsError && err.code === 'DECRYPT_FAILED') return undefined
      throw new KeystoreError('DECRYPT_FAILED', `the combined key opened the secrets but they do not parse: ${(err as Error).message}`, { cause: err })
    } finally {
      shared.fill(0)
    }
  }
  /** runs synchronously after each opened answer: combine when t are in, check proofs only when that fails */
  const combine = ({ blob, ephemeral }: CachedRecord): void => {
    const E = hexToBytes(ephemeral)
    const live = opened.filter(p => p.ephemeral === ephemeral)
    if (audit) live.forEach(p => { verify(p, E) })
    if (env != null || failure != null) return
    if (!audit) {
      const candidates = live.filter(p => !p.bad)
      if (candidates.length < group.threshold) return
      env = tryOpen(candidates.slice(0, group.threshold), blob)
      if (env != null) return
      candidates.forEach(p => { verify(p, E) })
    }
    const good = live.filter(p => p.verified)
    if (good.length < group.threshold) return
    env = tryOpen(good.slice(0, group.threshold), blob)
    if (env == null) failure = new KeystoreError('DECRYPT_FAILED', 't verified partials did not open the secrets (a corrupt record or another group key)')
  }

  const ask = async (peerId: string, identifier: string): Promise<void> => {
    // with kept streams, the answers after the t-th still arrive (unread) so each stream stays usable; without, they are cut
    const signal = AbortSignal.any([args.streams != null ? (outer ?? new AbortController().signal) : done.signal, AbortSignal.timeout(args.timeoutMs ?? 5_000)])
    try {
      const answer = await exchange(streams, peerId, { kind: 'release', request, signature }, signal)
      if (done.signal.aborted) return
      if (!answer.ok) { blamed.push({ peerId, identifier, reason: 'BAD_REPLY' }); return }
      const a = answer.value
      if (!a.ok) {
        refusals.push({ peerId, code: a.code })
        if (a.code === 'NO_SHARE') newerGroup = true
        return
      }
      if (a.version != null && a.version > group.version) { newerGroup = true; return }
      if (a.identifier !== identifier || a.sealed == null) { blamed.push({ peerId, identifier, reason: 'BAD_REPLY' }); return }
      let body: Uint8Array
      try { body = openReply(reply, replyLabel(ctx), Buffer.from(a.sealed, 'base64')) } catch (err) {
        if (!(err instanceof KeystoreError)) throw err
        blamed.push({ peerId, identifier, reason: 'BAD_REPLY' }); return
      }
      if (body.length !== 96) { body.fill(0); blamed.push({ peerId, identifier, reason: 'BAD_REPLY' }); return }
      let current = await record
      if (a.ephemeral != null && a.ephemeral !== current.ephemeral) {
        // the member read another version of the record: ours is stale (read it again), or the member's is
        record = records.matching(key, a.ephemeral)
        current = await record
      }
      // finished while we waited for the record: this answer is not needed (and would not be zeroed)
      if (done.signal.aborted) { body.fill(0); return }
      const ephemeral = a.ephemeral ?? current.ephemeral
      if (ephemeral === current.ephemeral) opened.push({ peerId, identifier, ephemeral, point: body.slice(0, 32), proof: body.slice(32), verified: false, bad: false })
      else refusals.push({ peerId, code: 'RECORD_CHANGED' })
      body.fill(0)
      combine(current)
      if ((env != null || failure != null) && !audit) done.abort()
    } catch (err) {
      if (err instanceof KeystoreError) { failure ??= err; done.abort(); return }
      if (!done.signal.aborted) refusals.push({ peerId, code: (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError' ? 'TIMEOUT' : 'UNREACHABLE' })
    }
  }

  try {
    const asks = Promise.all(group.members.map(async m => { await ask(m.peer_id, group.identifierOfPeer.get(m.peer_id)!) }))
    // done as soon as the secrets opened (or failed for good), without waiting for the members after the t-th
    await Promise.race([asks, new Promise<void>(resolve => { if (done.signal.aborted) resolve(); else done.signal.addEventListener('abort', () => { resolve() }, { once: true }) })])
    if (env != null) return { env, blamed, refusals }
    if (failure != null) throw failure
    const verified = opened.filter(p => p.verified).length
    // every member refusing for one reason is that reason (NOT_ASSIGNED, ACCESS_DENIED, …); anything mixed is not enough
    const codes = new Set(refusals.map(r => r.code))
    const unanimous = opened.length === 0 && blamed.length === 0 && codes.size === 1 && refusals.length === group.members.length
    const code: KeystoreErrorCode = unanimous ? [...codes][0] as KeystoreErrorCode : 'NOT_ENOUGH_PARTIALS'
    const error = Object.assign(new KeystoreError(code, `${verified} verified partials of ${group.threshold} needed (${opened.length} answered); refusals: ${refusals.map(r => `${r.peerId.slice(-8)}:${r.code}`).join(', ') || 'none'}; blamed: ${blamed.map(b => `${b.peerId.slice(-8)}:${b.reason}`).join(', ') || 'none'}`), { refusals, blamed })
    throw newerGroup ? new StaleGroup(error) : error
  } finally {
    for (const p of opened) { p.point.fill(0); p.proof.fill(0) }
    done.abort()
    if (args.streams == null) streams.clear()
  }
}

/** One request and its answer on the member's kept stream (retried once on a fresh one if that fails), kept again after. */
async function exchange (streams: StreamPool, peerId: string, message: Parameters<typeof askOn>[1], signal: AbortSignal): Promise<Result<KeystoreAnswer>> {
  for (;;) {
    const s = await streams.take(peerId, signal)
    try {
      const answer = await askOn(s.lp, message, signal)
      streams.give(peerId, s)
      return answer
    } catch (err) {
      s.stream.abort(err as Error)
      // a kept stream the member just closed: once more on a fresh one
      if (!s.reused || signal.aborted) throw err
    }
  }
}
