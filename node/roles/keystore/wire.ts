/**
 * `/outlayer/<network>/keystore/1.0.0`: request frame, answer frame, in turn, each an unsigned-varint length prefix
 * and a UTF-8 JSON object of at most MAX_FRAME_BYTES; a stream may carry several in turn (a worker keeps one per
 * member between releases: stream-pool.ts), and is closed by either side when done. Kinds:
 *   release   worker → keystore  {kind, request: ReleaseRequest, signature}       → {ok, identifier, sealed, version, ephemeral} | refusal
 *             (version: the keystore group version the member checked against, ephemeral: the E (hex) of the record
 *             it read; a worker caching an older group or record reads it again)
 *   dkg1      member → member    {kind, session, from, round1}                    → {ok} | refusal
 *   dkg2      member → member    {kind, session, from, package}                   → {ok} | refusal
 *   reshare1  dealer → participant {kind, session, from, dealing, sub_share?}      → {ok} | refusal
 *             (the public commitments, and the receiver's private sub-share when it is a new member)
 *   reshare2  participant → all   {kind, session, from, verdict}                   → {ok} | refusal
 *             (verdict {ok: true, digest} of the new group it computed, or {ok: false, dealer?, message})
 *   reshare3  dealer → participant {kind, session, from, signature}                → {ok} | refusal
 *             (its node key's signature of the rotation digest, sent only once every verdict was ok)
 * A refusal is {ok: false, code: KeystoreErrorCode, message}. Validators return Result; nothing here throws on
 * bad input.
 */
import type { Stream } from '@libp2p/interface'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import {
  canonicalBytes, concatBytes, fail, isHex, ok, sha256, type KeyPair, type Result
} from '../../../protocol/index.js'
import { signNative, verifyNative } from '../../../protocol/native-ed25519.js'
import { accessorKey, type Accessor, type DkgRound1, type DkgRound2, type ReshareDealing, type ReshareSubShare } from '../../../protocol/secrets/index.js'
import type { KeystoreErrorCode } from './errors.js'

export const MAX_FRAME_BYTES = 16 * 1024
export const keystoreProtocol = (network: string): string => `/outlayer/${network}/keystore/1.0.0`
const utf8 = new TextEncoder()

/** What a worker asks for; signed with its registered worker key (the key of register_worker). */
export interface ReleaseRequest {
  network: string
  contract_id: string
  request_id: string
  worker_id: string
  /** the secrets record: owner (secrets_ref.account_id), accessor and profile */
  owner: string
  accessor: Accessor
  profile: string
  /** one-time ristretto255 point (hex) the partial is sealed to */
  reply_key: string
}

export type KeystoreMessage =
  | { kind: 'release', request: ReleaseRequest, signature: string }
  | { kind: 'dkg1', session: string, from: number, round1: DkgRound1 }
  | { kind: 'dkg2', session: string, from: number, package: DkgRound2 }
  | { kind: 'reshare1', session: string, from: number, dealing: ReshareDealing, sub_share?: ReshareSubShare }
  | { kind: 'reshare2', session: string, from: number, verdict: ReshareVerdict }
  | { kind: 'reshare3', session: string, from: number, signature: string }

/** A participant's verdict on the dealings: the digest of the new group it computed, or the dealer at fault. */
export type ReshareVerdict = { ok: true, digest: string } | { ok: false, dealer?: string, message: string }

export type KeystoreAnswer =
  | { ok: true, identifier?: string, sealed?: string, version?: number, ephemeral?: string }
  | { ok: false, code: KeystoreErrorCode, message: string }

function releaseDigest (r: ReleaseRequest): Uint8Array {
  return sha256(concatBytes(utf8.encode('outlayer-mesh/keystore/release/v1\0'), canonicalBytes(r)))
}

/** Signed with node's native ed25519 (the same bytes as keys.ts sign: ed25519 is deterministic). */
export function signRelease (r: ReleaseRequest, key: KeyPair): string {
  return Buffer.from(signNative(releaseDigest(r), key.secretKey)).toString('hex')
}

/** Verified with node's native ed25519 (OpenSSL, RFC 8032): ~10x faster than pure JS, on every release. */
export function verifyRelease (r: ReleaseRequest, signatureHex: string, publicKey: Uint8Array): boolean {
  if (!isHex(signatureHex, 64)) return false
  return verifyNative(Buffer.from(signatureHex, 'hex'), releaseDigest(r), publicKey)
}

/** The bytes a partial's DLEQ proof and its sealing are bound to: who asked, for which request and record. */
export function releaseContext (r: ReleaseRequest): Uint8Array {
  return canonicalBytes({ network: r.network, contract_id: r.contract_id, request_id: r.request_id, worker_id: r.worker_id, owner: r.owner, accessor: accessorKey(r.accessor), profile: r.profile, reply_key: r.reply_key })
}

export function replyLabel (ctx: Uint8Array): Uint8Array {
  return concatBytes(utf8.encode('outlayer-mesh/keystore/reply/v1\0'), ctx)
}

const isStr = (v: unknown, max = 256): v is string => typeof v === 'string' && v.length > 0 && v.length <= max
const isObj = (v: unknown): v is Record<string, unknown> => v != null && typeof v === 'object' && !Array.isArray(v)

function checkAccessor (v: unknown): v is Accessor {
  if (!isObj(v) || Object.keys(v).length !== 1) return false
  const [kind, inner] = Object.entries(v)[0]!
  if (!isObj(inner)) return false
  if (kind === 'Repo') return isStr(inner.repo) && (inner.branch == null || isStr(inner.branch, 128)) && Object.keys(inner).every(k => k === 'repo' || k === 'branch')
  if (kind === 'WasmHash') return isHex(inner.hash, 32) && Object.keys(inner).length === 1
  if (kind === 'Project') return isStr(inner.project_id, 128) && Object.keys(inner).length === 1
  return false
}

function checkRelease (v: unknown): Result<ReleaseRequest> {
  if (!isObj(v)) return fail('INVALID', 'request must be an object')
  const keys = ['network', 'contract_id', 'request_id', 'worker_id', 'owner', 'accessor', 'profile', 'reply_key']
  if (Object.keys(v).length !== keys.length || !keys.every(k => k in v)) return fail('INVALID', `request has exactly ${keys.join(', ')}`)
  if (!isStr(v.network, 64) || !isStr(v.contract_id, 64) || !isStr(v.worker_id, 64) || !isStr(v.owner, 64) || !isStr(v.profile, 64)) return fail('INVALID', 'bad network, contract_id, worker_id, owner or profile')
  if (typeof v.request_id !== 'string' || !/^\d{1,20}$/.test(v.request_id)) return fail('INVALID', 'request_id must be a decimal string')
  if (!isHex(v.reply_key, 32)) return fail('INVALID', 'reply_key must be 64 hex characters')
  if (!checkAccessor(v.accessor)) return fail('INVALID', 'accessor must be {Repo{repo, branch?}} | {WasmHash{hash}} | {Project{project_id}}')
  return ok(v as unknown as ReleaseRequest)
}

const checkRound1 = (v: unknown): v is DkgRound1 => isObj(v) && isHex(v.identifier, 32) && Array.isArray(v.commitment) &&
  v.commitment.length >= 2 && v.commitment.length <= 64 && v.commitment.every(c => isHex(c, 32)) && isHex(v.proof_of_knowledge, 64)
const checkRound2 = (v: unknown): v is DkgRound2 => isObj(v) && isHex(v.identifier, 32) && isHex(v.signing_share, 32)
const checkDealing = (v: unknown): v is ReshareDealing => isObj(v) && Object.keys(v).length === 2 && isHex(v.dealer, 32) &&
  Array.isArray(v.commitment) && v.commitment.length >= 2 && v.commitment.length <= 64 && v.commitment.every(c => isHex(c, 32))
const checkSubShare = (v: unknown): v is ReshareSubShare => isObj(v) && Object.keys(v).length === 3 && isHex(v.dealer, 32) && isHex(v.receiver, 32) && isHex(v.value, 32)
const checkVerdict = (v: unknown): v is ReshareVerdict => isObj(v) && (v.ok === true
  ? isHex(v.digest, 32) && Object.keys(v).length === 2
  : v.ok === false && isStr(v.message, 512) && (v.dealer == null || isHex(v.dealer, 32)))
const checkSession = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v)
const checkIndex = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 64

export function decodeMessage (bytes: Uint8Array): Result<KeystoreMessage> {
  let v: unknown
  try { v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) } catch { return fail('INVALID', 'frame is not UTF-8 JSON') }
  if (!isObj(v)) return fail('INVALID', 'frame must be a JSON object')
  if (v.kind === 'release') {
    const r = checkRelease(v.request)
    if (!r.ok) return r
    if (!isHex(v.signature, 64)) return fail('INVALID', 'signature must be 128 hex characters')
    return ok({ kind: 'release', request: r.value, signature: v.signature })
  }
  if (v.kind === 'dkg1' && checkSession(v.session) && checkIndex(v.from) && checkRound1(v.round1)) return ok({ kind: 'dkg1', session: v.session, from: v.from, round1: v.round1 })
  if (v.kind === 'dkg2' && checkSession(v.session) && checkIndex(v.from) && checkRound2(v.package)) return ok({ kind: 'dkg2', session: v.session, from: v.from, package: v.package })
  if (checkSession(v.session) && checkIndex(v.from)) {
    const base = { session: v.session, from: v.from }
    if (v.kind === 'reshare1' && checkDealing(v.dealing) && (v.sub_share == null || checkSubShare(v.sub_share))) {
      return ok({ kind: 'reshare1', ...base, dealing: v.dealing, ...(v.sub_share != null ? { sub_share: v.sub_share } : {}) })
    }
    if (v.kind === 'reshare2' && checkVerdict(v.verdict)) return ok({ kind: 'reshare2', ...base, verdict: v.verdict })
    if (v.kind === 'reshare3' && isHex(v.signature, 64)) return ok({ kind: 'reshare3', ...base, signature: v.signature })
  }
  return fail('INVALID', 'unknown or malformed message kind')
}

export function decodeAnswer (bytes: Uint8Array): Result<KeystoreAnswer> {
  let v: unknown
  try { v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) } catch { return fail('INVALID', 'answer is not UTF-8 JSON') }
  if (!isObj(v) || typeof v.ok !== 'boolean') return fail('INVALID', 'answer must be {ok, …}')
  if (v.ok) {
    if (v.identifier != null && !isHex(v.identifier, 32)) return fail('INVALID', 'identifier must be 64 hex')
    if (v.sealed != null && (typeof v.sealed !== 'string' || v.sealed.length > 1024)) return fail('INVALID', 'sealed must be short base64')
    if (v.version != null && !Number.isSafeInteger(v.version)) return fail('INVALID', 'version must be an integer')
    if (v.ephemeral != null && !isHex(v.ephemeral, 32)) return fail('INVALID', 'ephemeral must be 64 hex')
    return ok(v as KeystoreAnswer)
  }
  if (typeof v.code !== 'string' || typeof v.message !== 'string') return fail('INVALID', 'a refusal has code and message')
  return ok({ ok: false, code: v.code as KeystoreErrorCode, message: v.message.slice(0, 512) })
}

export const encodeFrame = (value: KeystoreMessage | KeystoreAnswer): Uint8Array => utf8.encode(JSON.stringify(value))

/** Writes one frame and reads its answer on a length-prefixed stream (the dialer's side); the stream stays open. */
export async function ask (lp: LengthPrefixedStream<Stream>, message: KeystoreMessage, signal: AbortSignal): Promise<Result<KeystoreAnswer>> {
  await lp.write(encodeFrame(message), { signal })
  return decodeAnswer((await lp.read({ signal })).subarray())
}

/** Writes one frame and reads one answer on a fresh stream, then closes it (the dialer's side). */
export async function exchange (stream: Stream, message: KeystoreMessage, signal: AbortSignal): Promise<Result<KeystoreAnswer>> {
  try {
    const answer = await ask(lpStream(stream, { maxDataLength: MAX_FRAME_BYTES }), message, signal)
    // the answer is in hand: closing (our FIN, the peer's) need not delay it
    stream.close({ signal }).catch(() => { stream.abort(new Error('keystore stream did not close')) })
    return answer
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}
