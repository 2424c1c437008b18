/**
 * Resharing over libp2p on localnet: a 2-of-3 group redealt to 3-of-4 (a member joins) and then to 2-of-3 (a
 * member leaves), same group key, published with rotate_keystore_group signed by the dealers; a secret stored
 * before is released by the new group; the leaver's old share opens nothing; a dealer's bad sub-share is named
 * and the ceremony aborts on every participant, keeping the old shares, and a rerun succeeds; no share or
 * secret in the logs or the data dirs.
 */
import assert from 'node:assert/strict'
import { access, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { bytesToHex } from '@noble/hashes/utils.js'
import { publicKeyToString } from '../../../protocol/index.js'
import {
  Point, combinePartials, dealReshare, decodeScalar, decryptSecrets, encryptSecrets, ephemeralOf, type Accessor, type KeystoreShare
} from '../../../protocol/secrets/index.js'
import { NEAR, assignedWorkers, call, request, type Worker, type World } from '../../../contract/test/world.js'
import { GroupCache, KeystoreError, ReshareFailed, fetchSecrets, type KeystoreGroup, type ReshareRunArgs } from '../../roles/keystore/index.js'
import { loadShare } from '../../roles/keystore/share-store.js'
import { exchange, keystoreProtocol, signRelease } from '../../roles/keystore/wire.js'
import { newReplyKey } from '../../roles/keystore/reply.js'
import { filesUnder } from '../files.js'
import { LIMITS, NETWORK, connectAll, dkgAndPublish, startKeystoreWorld, startMember, type Cheat, type KeystoreWorld, type Member } from './helpers.js'

const HASH = 'ce'.repeat(32)
const ACCESSOR: Accessor = { WasmHash: { hash: HASH } }
const SECRET = 'sk-reshare-3c9e-never-in-logs'

describe('keystore: resharing over libp2p on localnet', function () {
  this.timeout(180_000)
  let k: KeystoreWorld
  let w: World
  let groupKey: Uint8Array
  const shareHex = new Set<string>()
  const binding = (): { owner: string, accessor: string, profile: string } => ({ owner: w.users[0]!.accountId, accessor: `wasm:${HASH}`, profile: 'default' })

  before(async () => {
    k = await startKeystoreWorld({ members: 4, threshold: 2, workers: 1 })
    w = k.w
    // ks0..ks2 make the first group; ks3 is up, with no share, until it joins
    groupKey = await dkgAndPublish(k, 2, 'genesis', k.members.slice(0, 3))
    const blob = encryptSecrets(groupKey, binding(), { API_KEY: SECRET })
    await call(w, w.users[0]!, 'store_secrets', { accessor: ACCESSOR, profile: 'default', encrypted_secrets_base64: Buffer.from(blob).toString('base64'), access: 'AllowAll' }, NEAR / 10n)
  })
  after(async () => { await k?.stop() })

  const memberOf = (m: Member): ReshareRunArgs['members'][number] => ({ account_id: m.account, peer_id: m.libp2p.peerId.toString(), public_key: publicKeyToString(m.nodeKey.publicKey) })
  const published = async (): Promise<KeystoreGroup> => (await k.chain.getGroup())!
  const shareOf = async (m: Member): Promise<KeystoreShare | null> => await loadShare(m.dataDir, m.nodeKey.secretKey)
  const exists = async (path: string): Promise<boolean> => await access(path).then(() => true, () => false)

  /** a pending request with the profile as its secrets_ref, and the worker assigned to it */
  async function newRequest (): Promise<{ requestId: number, worker: Worker }> {
    const owner = w.users[0]!
    const r = await request(w, owner, { source: { WasmUrl: { url: 'https://example.com/e.wasm', hash: HASH } }, resource_limits: LIMITS, secrets_ref: { profile: 'default', account_id: owner.accountId }, redundancy: { replicas: 1, quorum: 1, aggregation: 'identical' } }, 2n * NEAR)
    r.done.catch(() => {})
    return { requestId: r.requestId, worker: (await assignedWorkers(w, r.requestId)).primaries[0]! }
  }

  async function release (): Promise<string | undefined> {
    const owner = w.users[0]!
    const r = await newRequest()
    const worker = r.worker
    const got = await fetchSecrets({ libp2p: k.client, chain: k.chain, groups: new GroupCache(k.chain), network: NETWORK, requestId: String(r.requestId), workerId: worker.id, workerKey: worker.key, owner: owner.accountId, profile: 'default', accessor: ACCESSOR })
    return got.env.API_KEY
  }

  /** every participant runs the session; the outcome each one returned (or the error it threw) */
  async function reshare (session: string, dealers: Member[], members: Member[], threshold: number): Promise<Array<PromiseSettledResult<Awaited<ReturnType<Member['node']['runReshare']>>>>> {
    const args: ReshareRunArgs = { session, contractId: w.contractId, current: await published(), dealers: dealers.map(m => m.libp2p.peerId.toString()), members: members.map(memberOf), threshold, timeoutMs: 20_000 }
    const participants = [...new Set([...dealers, ...members])]
    for (const m of participants) { const s = await shareOf(m); if (s != null) shareHex.add(bytesToHex(s.share)) }
    return await Promise.allSettled(participants.map(async m => await m.node.runReshare(args)))
  }

  async function restart (i: number, cheat?: Cheat): Promise<void> {
    const old = k.members[i]!
    await old.node.stop()
    await old.libp2p.stop()
    k.members[i] = await startMember(i, old.dataDir, k.logger, k.chain, old.privateKey, cheat)
    await connectAll([...k.members.map(m => m.libp2p), k.client])
  }

  it('a dealer sending a bad sub-share is named (RESHARE_FAILED) by every participant; nothing changes; the old group still releases', async () => {
    const joiner = k.members[3]!.libp2p.peerId.toString()
    // ks1 deals honestly to everyone but the joiner, whose sub-share it corrupts
    await restart(1, {
      deal: (share, set) => {
        const d = dealReshare(share, set)
        const victim = set.receivers[3]!
        return { ...d, subShares: d.subShares.map(s => s.receiver === victim ? { ...s, value: bytesToHex(new Uint8Array(32).fill(9)) } : s) }
      }
    })
    const before = await Promise.all(k.members.map(shareOf))
    const results = await reshare('bad-dealer', k.members.slice(0, 3), k.members, 3)
    for (const [i, r] of results.entries()) {
      assert.equal(r.status, 'rejected', `participant ${i} failed`)
      const err = (r as PromiseRejectedResult).reason as unknown
      assert.ok(err instanceof ReshareFailed, `participant ${i}: ${String(err)}`)
      assert.equal(err.code, 'RESHARE_FAILED')
      assert.equal(err.dealer, k.members[1]!.account, `participant ${i} names ks1: ${err.message}`)
    }
    assert.match(((results[3] as PromiseRejectedResult).reason as Error).message, new RegExp(`found by ${joiner}`))
    for (const [i, m] of k.members.entries()) {
      assert.equal(await exists(join(m.dataDir, 'keystore', 'share.next.json')), false, `ks${i}: no pending share`)
      assert.deepEqual(await shareOf(m), before[i], `ks${i}: share unchanged`)
      assert.equal(m.node.status().reshared, false)
    }
    assert.equal((await published()).version, 1)
    assert.equal(await release(), SECRET)
    await restart(1)
  })

  it('reshares 2-of-3 → 3-of-4 (ks3 joins): same group key, published by the dealers\' signatures, old shares erased, the secret stored before released by the new group', async () => {
    const results = await reshare('join', k.members.slice(0, 3), k.members, 3)
    const outcomes = results.map((r, i) => { assert.equal(r.status, 'fulfilled', `participant ${i}: ${String((r as PromiseRejectedResult).reason)}`); return (r as PromiseFulfilledResult<Awaited<ReturnType<Member['node']['runReshare']>>>).value })
    const { group, signatures, version } = outcomes[0]!
    for (const o of outcomes) assert.deepEqual(o.group, group, 'every participant computed the same group')
    assert.equal(group.group_key, bytesToHex(groupKey))
    assert.equal(group.threshold, 3)
    assert.deepEqual(group.members.map(m => m.account_id), k.members.map(m => m.account))
    assert.equal(version, 2)
    assert.equal(signatures.length, 3)
    // not published yet: the old shares still serve, the pending ones wait
    assert.equal(await release(), SECRET)
    assert.equal(k.members[3]!.node.status().hasShare, false)
    // anyone may submit it: the contract checks t current members' signatures
    await call(w, w.users[1]!, 'rotate_keystore_group', { group, signatures })
    assert.equal((await published()).version, 2)
    for (const m of k.members) assert.equal(await m.node.confirmReshare(), 'joined', m.account)
    for (const [i, m] of k.members.entries()) {
      const s = (await shareOf(m))!
      assert.equal(s.threshold, 3, `ks${i}: the new share on disk`)
      assert.equal(bytesToHex(s.groupKey), bytesToHex(groupKey))
      assert.equal(bytesToHex(s.verifyingShares[s.identifier]!), group.members[i]!.verifying_share)
      assert.equal(await exists(join(m.dataDir, 'keystore', 'share.next.json')), false)
      assert.ok(!shareHex.has(bytesToHex(s.share)), `ks${i}: not an old share`)
    }
    assert.equal(await release(), SECRET)
    // three of four are needed now: with two down, nothing is released
    await k.members[0]!.node.stop()
    await k.members[1]!.node.stop()
    await assert.rejects(release(), (err: unknown) => err instanceof KeystoreError && err.code === 'NOT_ENOUGH_PARTIALS')
    await k.members[0]!.node.start()
    await k.members[1]!.node.start()
  })

  it('reshares 3-of-4 → 2-of-3 (ks0 leaves): its old share, even kept by a dishonest copy, releases nothing', async () => {
    const leaver = k.members[0]!
    const kept = (await shareOf(leaver))!
    const stay = k.members.slice(1)
    const results = await reshare('leave', k.members.slice(0, 3), stay, 2)
    assert.ok(results.every(r => r.status === 'fulfilled'), results.map(r => String((r as PromiseRejectedResult).reason ?? 'ok')).join('; '))
    const { group, signatures } = (results[0] as PromiseFulfilledResult<Awaited<ReturnType<Member['node']['runReshare']>>>).value
    await call(w, w.users[1]!, 'rotate_keystore_group', { group, signatures })
    // nobody called confirmReshare on the stayers: their first release takes the new share from their own view
    assert.equal(await release(), SECRET)
    assert.equal(await leaver.node.confirmReshare(), 'left')
    assert.equal(leaver.node.status().hasShare, false)
    assert.equal(await shareOf(leaver), null, 'the leaver\'s share is erased on disk')
    for (const m of stay) assert.equal((await shareOf(m))!.threshold, 2)

    // the leaver's node refuses; its kept old share combined with new partials opens nothing
    const owner = w.users[0]!
    const blob = encryptSecrets(groupKey, binding(), { API_KEY: SECRET })
    const E = ephemeralOf(blob)
    const partial = (s: KeystoreShare): { identifier: string, point: Uint8Array } => ({ identifier: s.identifier, point: E.multiply(decodeScalar(s.share)).toBytes() })
    const fresh = await Promise.all(stay.map(async m => (await shareOf(m))!))
    const opens = (parts: Array<{ identifier: string, point: Uint8Array }>): boolean => {
      try { decryptSecrets(combinePartials(parts, parts.length), groupKey, binding(), blob); return true } catch { return false }
    }
    assert.ok(opens([partial(fresh[0]!), partial(fresh[1]!)]), 'two new shares open it')
    assert.ok(!opens([partial(kept), partial(fresh[1]!)]), 'the old share and one new share do not')
    assert.ok(!opens([partial(kept), partial(fresh[1]!), partial(fresh[2]!)]), 'nor with two new shares')
    const r = await newRequest()
    const worker = r.worker
    const req = { network: NETWORK, contract_id: w.contractId, request_id: String(r.requestId), worker_id: worker.id, owner: owner.accountId, accessor: ACCESSOR, profile: 'default', reply_key: bytesToHex(newReplyKey().publicKey) }
    const answer = await exchange(await k.client.dialProtocol(leaver.libp2p.peerId, keystoreProtocol(NETWORK)), { kind: 'release', request: req, signature: signRelease(req, worker.key) }, AbortSignal.timeout(5_000))
    assert.ok(answer.ok && !answer.value.ok && answer.value.code === 'NO_SHARE', JSON.stringify(answer))
  })

  it('refuses resharing messages for no session, from a peer outside it, in another dealer\'s name or malformed; the lone run fails, changing nothing', async () => {
    const target = k.members[1]!
    const current = await published()
    const group = k.members.slice(1)
    const before = await shareOf(target)
    const run = target.node.runReshare({ session: 'probe', contractId: w.contractId, current, dealers: group.map(m => m.libp2p.peerId.toString()), members: group.map(memberOf), threshold: 2, timeoutMs: 3_000 })
    run.catch(() => {})
    const protocol = keystoreProtocol(NETWORK)
    const send = async (from: Member['libp2p'], m: Parameters<typeof exchange>[1]): Promise<string> => {
      const a = await exchange(await from.dialProtocol(target.libp2p.peerId, protocol), m, AbortSignal.timeout(5_000))
      return a.ok ? (a.value.ok ? 'ok' : a.value.code) : 'unparsed'
    }
    const idOf = (m: Member): string => current.identifierOfPeer.get(m.libp2p.peerId.toString())!
    const point = bytesToHex(Point.BASE.multiply(5n).toBytes())
    const dealing = (dealer: string) => ({ dealer, commitment: [point, point] })
    // participants: ks1, ks2, ks3 as 0, 1, 2
    assert.equal(await send(k.members[2]!.libp2p, { kind: 'reshare1', session: 'other', from: 1, dealing: dealing(idOf(k.members[2]!)) }), 'RESHARE_FAILED', 'no such session')
    assert.equal(await send(k.client, { kind: 'reshare1', session: 'probe', from: 1, dealing: dealing(idOf(k.members[2]!)) }), 'BAD_MESSAGE', 'a peer that is not participant 1')
    assert.equal(await send(k.members[2]!.libp2p, { kind: 'reshare1', session: 'probe', from: 1, dealing: dealing(idOf(k.members[3]!)) }), 'BAD_MESSAGE', 'a dealing in another dealer\'s name')
    assert.equal(await send(k.members[2]!.libp2p, { kind: 'reshare2', session: 'probe', from: 1, verdict: { ok: true, digest: 'zz' } } as never), 'BAD_MESSAGE', 'a malformed verdict')
    assert.equal(await send(k.members[2]!.libp2p, { kind: 'reshare3', session: 'probe', from: 0, signature: '00'.repeat(64) }), 'BAD_MESSAGE', 'a signature sent as another dealer')
    await assert.rejects(run, (err: unknown) => err instanceof KeystoreError && err.code === 'RESHARE_FAILED' && /answered before the deadline/.test(err.message))
    assert.deepEqual(await shareOf(target), before)
    assert.equal(await exists(join(target.dataDir, 'keystore', 'share.next.json')), false)
    assert.equal(await release(), SECRET, 'the group still releases')
  })

  it('no share, sub-share or secret in the logs or the data dirs', async () => {
    for (const m of k.members) { const s = await shareOf(m); if (s != null) shareHex.add(bytesToHex(s.share)) }
    const haystacks = [...k.logs]
    for (const m of k.members) for (const f of await filesUnder(m.dataDir)) haystacks.push((await readFile(f)).toString('latin1'))
    assert.ok(k.logs.some(l => l.includes('resharing confirmed')), 'the members logged the resharing')
    for (const needle of [SECRET, Buffer.from(SECRET).toString('base64'), ...shareHex]) {
      for (const h of haystacks) assert.ok(!h.includes(needle), `a secret leaked into: ${h.slice(0, 120)}`)
    }
  })
})
