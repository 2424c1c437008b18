/**
 * The worker's side of a release: ask every keystore member in parallel, open each sealed answer with the
 * one-time reply key, verify its DLEQ proof against the member's published verifying share, blame a bad one,
 * combine the first t verified partials, decrypt and return the env vars. Nothing here logs or stores a
 * secret; the reply key, the partials and the plaintext bytes are zeroed before returning (the returned strings
 * cannot be: JavaScript strings are immutable; the caller drops them after the run).
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js'
import type { KeyPair } from '../../../protocol/index.js'
import {
  Point, combinePartials, decryptSecrets, ephemeralOf, open, scalarFromWide, verifyPartial, accessorKey,
  SecretsError, type Accessor, type Partial
} from '../../../protocol/secrets/index.js'
import type { KeystoreChain } from './chain.js'
import { KeystoreError, type KeystoreErrorCode } from './errors.js'
import type { KeystoreLibp2p } from './index.js'
import { exchange, keystoreProtocol, releaseContext, replyLabel, signRelease, type ReleaseRequest } from './wire.js'

export interface FetchSecretsArgs {
  libp2p: Pick<KeystoreLibp2p, 'dialProtocol'>
  /** the worker's own chain view (group, secrets record) */
  chain: Pick<KeystoreChain, 'contractId' | 'getGroup' | 'getSecrets'>
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
  /** wait for every member's answer (audit: blame every bad one) instead of stopping at t @default false */
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
  const [group, record] = await Promise.all([args.chain.getGroup(), args.chain.getSecrets(args.owner, args.accessor, args.profile)])
  if (group == null) throw new KeystoreError('NO_SHARE', 'no keystore group is published on chain')
  if (record == null) throw new KeystoreError('SECRETS_UNKNOWN', `no secrets for ${args.owner} ${accessorKey(args.accessor)} ${args.profile}`)
  const blob = Buffer.from(record.encrypted_secrets_base64, 'base64')
  const E = ephemeralOf(blob).toBytes()
  const w = scalarFromWide(randomBytes(64))
  const W = Point.BASE.multiply(w).toBytes()
  const request: ReleaseRequest = {
    network: args.network,
    contract_id: args.chain.contractId,
    request_id: args.requestId,
    worker_id: args.workerId,
    owner: args.owner,
    accessor: args.accessor,
    profile: args.profile,
    reply_key: bytesToHex(W)
  }
  const signature = signRelease(request, args.workerKey)
  const ctx = releaseContext(request)
  const protocol = keystoreProtocol(args.network)
  const blamed: Blame[] = []
  const refusals: FetchedSecrets['refusals'] = []
  const verified: Partial[] = []
  const done = new AbortController()
  const outer = args.signal
  if (outer != null) outer.addEventListener('abort', () => { done.abort() }, { once: true })

  const ask = async (peerId: string, identifier: string): Promise<void> => {
    const signal = AbortSignal.any([done.signal, AbortSignal.timeout(args.timeoutMs ?? 5_000)])
    try {
      const stream = await args.libp2p.dialProtocol(peerIdFromString(peerId), protocol, { signal })
      const answer = await exchange(stream, { kind: 'release', request, signature }, signal)
      if (!answer.ok) { blamed.push({ peerId, identifier, reason: 'BAD_REPLY' }); return }
      const a = answer.value
      if (!a.ok) { refusals.push({ peerId, code: a.code }); return }
      if (a.identifier !== identifier || a.sealed == null) { blamed.push({ peerId, identifier, reason: 'BAD_REPLY' }); return }
      let body: Uint8Array
      try { body = open(w, replyLabel(ctx), Buffer.from(a.sealed, 'base64'), W) } catch (err) {
        if (!(err instanceof SecretsError)) throw err
        blamed.push({ peerId, identifier, reason: 'BAD_REPLY' }); return
      }
      const partial = body.slice(0, 32)
      const ok = body.length === 96 && verifyPartial(group.verifyingShares.get(identifier)!, E, partial, body.subarray(32), ctx)
      body.fill(0)
      if (!ok) { blamed.push({ peerId, identifier, reason: 'BAD_PROOF' }); return }
      verified.push({ identifier, point: partial })
      if (verified.length >= group.threshold && args.waitForAll !== true) done.abort()
    } catch (err) {
      if (!done.signal.aborted) refusals.push({ peerId, code: (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError' ? 'TIMEOUT' : 'UNREACHABLE' })
    }
  }

  try {
    await Promise.all(group.members.map(async m => { await ask(m.peer_id, group.identifierOfPeer.get(m.peer_id)!) }))
    if (verified.length < group.threshold) {
      // every member refusing for one reason is that reason (NOT_ASSIGNED, ACCESS_DENIED, …); anything mixed is not enough
      const codes = new Set(refusals.map(r => r.code))
      const unanimous = verified.length === 0 && blamed.length === 0 && codes.size === 1 && refusals.length === group.members.length
      const code: KeystoreErrorCode = unanimous ? [...codes][0] as KeystoreErrorCode : 'NOT_ENOUGH_PARTIALS'
      throw Object.assign(new KeystoreError(code, `${verified.length} verified partials of ${group.threshold} needed; refusals: ${refusals.map(r => `${r.peerId.slice(-8)}:${r.code}`).join(', ') || 'none'}; blamed: ${blamed.map(b => `${b.peerId.slice(-8)}:${b.reason}`).join(', ') || 'none'}`), { refusals, blamed })
    }
    const shared = combinePartials(verified, group.threshold)
    try {
      return { env: decryptSecrets(shared, group.groupKey, { owner: args.owner, accessor: accessorKey(args.accessor), profile: args.profile }, blob), blamed, refusals }
    } catch (err) {
      throw new KeystoreError('DECRYPT_FAILED', `t verified partials did not open the secrets: ${(err as Error).message}`, { cause: err })
    } finally {
      shared.fill(0)
    }
  } finally {
    for (const p of verified) p.point.fill(0)
    done.abort()
  }
}
