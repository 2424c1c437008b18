/**
 * The threshold keystore end to end on a real localnet and real libp2p over TCP: DKG among 3 keystore nodes
 * (2-of-3), the group published on chain, secrets encrypted to it, released to the worker the contract assigned
 * (verification v2: a primary in `assigned`; a backup only after `commit_deadline`) after each node's own checks, and every refusal with its own code. Then blame, restart, and leak checks.
 */
import assert from 'node:assert/strict'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { bytesToHex } from '@noble/hashes/utils.js'
import { Point } from '../../../protocol/secrets/index.js'
import { encryptSecrets, provePartial, type Accessor } from '../../../protocol/secrets/index.js'
import { NEAR, assignedWorkers, call, commit, ok, resolve, responseOf, request, refused, reveal, untilRevealing, workerKey, type World, type Worker } from '../../../contract/test/world.js'
import { GroupCache, KeystoreError, RecordCache, fetchSecrets, type FetchedSecrets } from '../../roles/keystore/index.js'
import { LIMITS, connectAll, dkgAndPublish, startMember, startKeystoreWorld, NETWORK, type KeystoreWorld } from './helpers.js'
import { filesUnder } from '../files.js'
import { newReplyKey } from '../../roles/keystore/reply.js'

const HASH = 'cd'.repeat(32)
const SOURCE = { WasmUrl: { url: 'https://example.com/echo.wasm', hash: HASH, build_target: 'wasm32-wasip1' } }
const ACCESSOR: Accessor = { WasmHash: { hash: HASH } }
const SECRET = 'sk-live-7b1e0c9d-never-in-logs'
const SALT = 'pepper-5f3a-never-in-logs'

describe('keystore: threshold release over libp2p on localnet', function () {
  this.timeout(180_000)
  let k: KeystoreWorld
  let w: World
  let groupKey: Uint8Array
  const frames: string[] = []

  before(async () => {
    k = await startKeystoreWorld({ members: 3, threshold: 2 })
    w = k.w
  })
  after(async () => { await k?.stop() })

  const owner = () => w.users[0]!
  /** the request's first primary: the worker the contract assigned */
  const primary = async (id: number): Promise<Worker> => (await assignedWorkers(w, id)).primaries[0]!

  async function store (profile: string, access: unknown, hash = HASH): Promise<void> {
    const blob = encryptSecrets(groupKey, { owner: owner().accountId, accessor: `wasm:${hash}`, profile }, { API_KEY: SECRET, SALT })
    await call(w, owner(), 'store_secrets', { accessor: { WasmHash: { hash } }, profile, encrypted_secrets_base64: Buffer.from(blob).toString('base64'), access }, NEAR / 10n)
  }

  async function newRequest (profile: string, from = owner(), extra: Record<string, unknown> = {}): Promise<number> {
    const r = await request(w, from, { source: SOURCE, resource_limits: LIMITS, secrets_ref: { profile, account_id: owner().accountId }, redundancy: { replicas: 1, quorum: 1, aggregation: 'identical' }, ...extra }, 2n * NEAR)
    r.done.catch(() => {})
    return r.requestId
  }

  async function fetch (requestId: number, opts: { worker?: Worker, profile?: string, accessor?: Accessor, key?: ReturnType<typeof workerKey>, audit?: boolean, records?: RecordCache, groups?: GroupCache } = {}): Promise<FetchedSecrets> {
    const who = opts.worker ?? await primary(requestId)
    return await fetchSecrets({
      libp2p: k.client,
      chain: k.chain,
      network: NETWORK,
      requestId: String(requestId),
      workerId: who.id,
      workerKey: opts.key ?? who.key,
      owner: owner().accountId,
      profile: opts.profile ?? 'default',
      accessor: opts.accessor ?? ACCESSOR,
      ...(opts.audit === true ? { waitForAll: true } : {}),
      ...(opts.records != null ? { records: opts.records } : {}),
      ...(opts.groups != null ? { groups: opts.groups } : {})
    })
  }

  async function refusedWith (p: Promise<unknown>, code: string): Promise<void> {
    await assert.rejects(p, (err: unknown) => {
      assert.ok(err instanceof KeystoreError, String(err))
      assert.equal(err.code, code, err.message)
      return true
    })
  }

  it('a DKG with one member failing mid-way aborts cleanly on the others, and a rerun succeeds', async () => {
    const { DkgSession, memberIdentifier } = await import('../../../protocol/secrets/index.js')
    const { newLibp2p } = await import('./helpers.js')
    const { exchange, keystoreProtocol } = await import('../../roles/keystore/wire.js')
    // member 2 is a peer that sends its round 1, accepts everything, and then crashes before round 2
    const crasher = await newLibp2p()
    const protocol = keystoreProtocol(NETWORK)
    await crasher.handle(protocol, async (stream) => {
      const { lpStream } = await import('@libp2p/utils')
      const lp = lpStream(stream)
      await lp.read()
      await lp.write(new TextEncoder().encode('{"ok":true}'))
      await stream.close()
    })
    await connectAll([crasher, ...k.members.map(m => m.libp2p)])
    const members = [k.members[0]!, k.members[1]!].map(m => ({ peer_id: m.libp2p.peerId.toString() })).concat({ peer_id: crasher.peerId.toString() })
    const runs = [0, 1].map(async index => await k.members[index]!.node.runDkg({ session: 'crash', members, index, threshold: 2, timeoutMs: 3_000 }))
    const round1 = new DkgSession(memberIdentifier(2), 2, 3).round1()
    for (const m of [k.members[0]!, k.members[1]!]) {
      for (;;) {
        const answer = await exchange(await crasher.dialProtocol(m.libp2p.peerId, protocol), { kind: 'dkg1', session: 'crash', from: 2, round1 }, AbortSignal.timeout(2_000))
        if (answer.ok && answer.value.ok) break
        await new Promise(resolve => setTimeout(resolve, 50))
      }
    }
    for (const r of await Promise.allSettled(runs)) {
      assert.equal(r.status, 'rejected')
      assert.equal((r as PromiseRejectedResult).reason.code, 'DKG_FAILED')
    }
    await crasher.stop()
    for (const m of k.members) {
      assert.equal(m.node.status().hasShare, false, 'nothing kept from the failed run')
      await assert.rejects(stat(join(m.dataDir, 'keystore', 'share.json')))
    }
    groupKey = await dkgAndPublish(k, 2)
    for (const m of k.members) assert.equal(m.node.status().groupKey, bytesToHex(groupKey))
    const published = await w.view<{ group: { group_key: string, threshold: number } }>('get_keystore_group')
    assert.equal(published.group.group_key, bytesToHex(groupKey))
    assert.equal(published.group.threshold, 2)
  })

  it('the group cannot be set twice by the owner, and not at all by anyone else', async () => {
    const g = await w.view<{ group: unknown }>('get_keystore_group')
    await refused(call(w, w.root, 'set_keystore_group', { group: g.group }), 'replace it with rotate_keystore_group')
    await refused(call(w, owner(), 'rotate_keystore_group', { group: g.group, signatures: [] }), 'member signatures')
  })

  it('releases the secrets to the assigned worker: t verified partials, decrypted, right env vars', async () => {
    await store('default', 'AllowAll')
    const id = await newRequest('default')
    const got = await fetch(id)
    assert.deepEqual(got.env, { API_KEY: SECRET, SALT })
    assert.deepEqual(got.blamed, [])
  })

  it('a worker caching the group and the record gets the new secrets once the owner stored them again', async () => {
    const records = new RecordCache(k.chain)
    const groups = new GroupCache(k.chain)
    await store('cached', 'AllowAll')
    const id = await newRequest('cached')
    assert.equal((await fetch(id, { profile: 'cached', records, groups })).env.API_KEY, SECRET)
    // stored again: a new blob with a new E; the members answer with it, and the worker reads the record again
    const blob = encryptSecrets(groupKey, { owner: owner().accountId, accessor: `wasm:${HASH}`, profile: 'cached' }, { API_KEY: 'rotated-key' })
    await call(w, owner(), 'store_secrets', { accessor: ACCESSOR, profile: 'cached', encrypted_secrets_base64: Buffer.from(blob).toString('base64'), access: 'AllowAll' }, NEAR / 10n)
    const got = await fetch(id, { profile: 'cached', records, groups })
    assert.deepEqual(got.env, { API_KEY: 'rotated-key' })
    assert.deepEqual(got.blamed, [], 'no member is blamed for the worker\'s stale copy')
  })

  it('refuses a backup before commit_deadline and an unassigned worker (NOT_ASSIGNED), and a request signed by another key (BAD_SIGNATURE)', async () => {
    const id = await newRequest('default')
    const { backups, others } = await assignedWorkers(w, id)
    assert.ok(backups.length + others.length > 0, 'a worker that is not a primary')
    for (const notPrimary of [...backups, ...others]) await refusedWith(fetch(id, { worker: notPrimary }), 'NOT_ASSIGNED')
    await refusedWith(fetch(id, { key: workerKey(50) }), 'BAD_SIGNATURE')
  })

  it('refuses a wrong profile (PROFILE_MISMATCH) and a code hash that is not the accessor (CODE_MISMATCH)', async () => {
    await store('prod', 'AllowAll')
    const id = await newRequest('default')
    await refusedWith(fetch(id, { profile: 'prod' }), 'PROFILE_MISMATCH')
    // secrets stored for another code: a request running HASH must not get them
    const other = 'ef'.repeat(32)
    await store('default', 'AllowAll', other)
    await refusedWith(fetch(id, { accessor: { WasmHash: { hash: other } } }), 'CODE_MISMATCH')
  })

  it('refuses once the request is resolved (REQUEST_NOT_PENDING)', async () => {
    const id = await newRequest('default')
    const result = { ...ok('{"done":true}'), codeHash: HASH }
    const sealed = await commit(w, await primary(id), id, result)
    await untilRevealing(w, id)
    await resolve(w, w.users[w.users.length - 1]!, id, responseOf(result), [reveal(sealed)])
    await refusedWith(fetch(id, { worker: sealed.worker }), 'REQUEST_NOT_PENDING')
  })

  it('evaluates the access condition for the predecessor, not a payer it names (ACCESS_DENIED)', async () => {
    await store('vip', { Whitelist: { accounts: [owner().accountId] } })
    const stranger = w.users[1]!
    const mine = await newRequest('vip')
    assert.equal((await fetch(mine, { profile: 'vip' })).env.API_KEY, SECRET)
    const theirs = await newRequest('vip', stranger, { payer_account_id: owner().accountId })
    await refusedWith(fetch(theirs, { profile: 'vip' }), 'ACCESS_DENIED')
  })

  it('a keystore node killed and restarted keeps its share; a lying node is blamed while the release succeeds', async () => {
    const id = await newRequest('default')
    // member 2 goes down entirely (libp2p stopped, object dropped) and comes back from its data dir
    const old = k.members[2]!
    await old.node.stop()
    await old.libp2p.stop()
    const restarted = await startMember(2, old.dataDir, k.logger, k.chain, old.privateKey)
    k.members[2] = restarted
    await connectAll([restarted.libp2p, k.client, k.members[0]!.libp2p, k.members[1]!.libp2p])
    assert.equal(restarted.node.status().groupKey, bytesToHex(groupKey))
    // only members 1 and 2 answer: the restarted share is one of the two partials
    await k.members[0]!.node.stop()
    assert.equal((await fetch(id)).env.SALT, SALT)

    // member 2 restarts as a liar: with member 0 down, 1 honest + 1 liar cannot release, and the liar is named
    await restarted.node.stop()
    await restarted.libp2p.stop()
    const liar = (s: bigint, e: Uint8Array, c: Uint8Array) => {
      const p = provePartial(s, e, c)
      return { partial: Point.fromBytes(p.partial).add(Point.BASE).toBytes(), proof: p.proof }
    }
    const lying = await startMember(2, old.dataDir, k.logger, k.chain, old.privateKey, liar)
    k.members[2] = lying
    await connectAll([lying.libp2p, k.client, k.members[1]!.libp2p])
    await assert.rejects(fetch(id), (err: KeystoreError & { blamed?: Array<{ peerId: string, reason: string }> }) => {
      assert.equal(err.code, 'NOT_ENOUGH_PARTIALS')
      assert.deepEqual(err.blamed, [{ peerId: lying.libp2p.peerId.toString(), identifier: lying.node.status().identifier, reason: 'BAD_PROOF' }])
      return true
    })
    // member 0 back: 2 honest of 3 answer; the release succeeds and (waiting for every answer) names the liar
    await k.members[0]!.node.start()
    const got = await fetch(id, { audit: true })
    assert.equal(got.env.API_KEY, SECRET)
    assert.deepEqual(got.blamed.map(b => [b.peerId, b.reason]), [[lying.libp2p.peerId.toString(), 'BAD_PROOF']])
  })

  it('a worker keeping streams reuses one per member across releases, and dials afresh a member restarted in between', async () => {
    const { StreamPool, keystoreProtocol } = await import('../../roles/keystore/index.js')
    let dials = 0
    const counting = { dialProtocol: (async (...a: Parameters<typeof k.client.dialProtocol>) => { dials++; return await k.client.dialProtocol(...a) }) as typeof k.client.dialProtocol }
    const streams = new StreamPool(counting, keystoreProtocol(NETWORK))
    const keep = async (): Promise<FetchedSecrets> => {
      const id = await newRequest('default')
      const who = await primary(id)
      // audit: every member answers before this returns, so each stream is back in the pool
      return await fetchSecrets({ libp2p: counting, chain: k.chain, streams, network: NETWORK, requestId: String(id), workerId: who.id, workerKey: who.key, owner: owner().accountId, profile: 'default', accessor: ACCESSOR, waitForAll: true })
    }
    assert.equal((await keep()).env.API_KEY, SECRET)
    assert.equal(dials, 3, 'one stream per member')
    assert.equal((await keep()).env.API_KEY, SECRET)
    assert.equal(dials, 3, 'the kept streams carried the second release')
    // member 1 restarts: its kept stream is dead, the worker tries it, then dials it afresh
    const old = k.members[1]!
    await old.node.stop()
    await old.libp2p.stop()
    k.members[1] = await startMember(1, old.dataDir, k.logger, k.chain, old.privateKey)
    await connectAll([...k.members.map(m => m.libp2p), k.client])
    const got = await keep()
    assert.equal(got.env.API_KEY, SECRET)
    assert.deepEqual(got.refusals, [], 'no member was counted unreachable')
    assert.equal(dials, 4, 'only the restarted member was dialled again')
    streams.clear()
  })

  it('t−1 keystore nodes cannot release: with two of three down, the worker gets no secrets', async () => {
    const id = await newRequest('default')
    await k.members[0]!.node.stop()
    await k.members[2]!.node.stop()
    await refusedWith(fetch(id), 'NOT_ENOUGH_PARTIALS')
    await k.members[0]!.node.start()
  })

  it('garbage, oversized and unknown frames get a typed refusal or a closed stream, and the node keeps serving', async () => {
    const { lpStream } = await import('@libp2p/utils')
    const { keystoreProtocol, decodeAnswer, MAX_FRAME_BYTES } = await import('../../roles/keystore/wire.js')
    const target = k.members[1]!.libp2p.peerId
    const send = async (bytes: Uint8Array): Promise<string> => {
      const stream = await k.client.dialProtocol(target, keystoreProtocol(NETWORK))
      const lp = lpStream(stream, { maxDataLength: 1 << 20 })
      try {
        await lp.write(bytes, { signal: AbortSignal.timeout(5_000) })
        const a = decodeAnswer((await lp.read({ signal: AbortSignal.timeout(5_000) })).subarray())
        return a.ok && !a.value.ok ? a.value.code : 'accepted'
      } catch { return 'closed' }
    }
    const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v))
    assert.equal(await send(new Uint8Array([0xff, 0xfe, 0x00])), 'BAD_MESSAGE')
    assert.equal(await send(enc({ kind: 'release', request: { network: NETWORK }, signature: 'ab' })), 'BAD_MESSAGE')
    assert.equal(await send(enc({ kind: 'teleport' })), 'BAD_MESSAGE')
    assert.equal(await send(enc({ kind: 'dkg1', session: 'nope', from: 0, round1: { identifier: '00'.repeat(32), commitment: ['00'.repeat(32), '00'.repeat(32)], proof_of_knowledge: '00'.repeat(64) } })), 'DKG_FAILED')
    assert.equal(await send(new Uint8Array(MAX_FRAME_BYTES + 1)), 'closed')
    const id = await newRequest('default')
    assert.equal((await fetch(id)).env.API_KEY, SECRET)
  })

  it('no secret appears in the logs, the data dirs, the chain record or the wire frames', async () => {
    const { exchange, keystoreProtocol, signRelease } = await import('../../roles/keystore/wire.js')
    const id = await newRequest('default')
    // one raw exchange, to see the answer frame as the network carries it
    const me = await primary(id)
    const req = { network: NETWORK, contract_id: w.contractId, request_id: String(id), worker_id: me.id, owner: owner().accountId, accessor: ACCESSOR, profile: 'default', reply_key: bytesToHex(newReplyKey().publicKey) }
    const answer = await exchange(await k.client.dialProtocol(k.members[0]!.libp2p.peerId, keystoreProtocol(NETWORK)), { kind: 'release', request: req, signature: signRelease(req, me.key) }, AbortSignal.timeout(5_000))
    assert.ok(answer.ok && answer.value.ok)
    frames.push(JSON.stringify(answer.value), JSON.stringify(req))
    // a low-order reply key (the shared secret would be all zeros, known to anyone): refused after the checks, nothing sealed
    const weak = { ...req, reply_key: '00'.repeat(32) }
    const refusal = await exchange(await k.client.dialProtocol(k.members[0]!.libp2p.peerId, keystoreProtocol(NETWORK)), { kind: 'release', request: weak, signature: signRelease(weak, me.key) }, AbortSignal.timeout(5_000))
    assert.ok(refusal.ok && !refusal.value.ok && refusal.value.code === 'BAD_MESSAGE', JSON.stringify(refusal))
    const record = JSON.stringify(await w.view('get_secrets', { owner: owner().accountId, accessor: ACCESSOR, profile: 'default' }))
    const haystacks = [...k.logs, ...frames, record]
    for (const m of k.members) for (const f of await filesUnder(m.dataDir)) haystacks.push((await readFile(f)).toString('latin1'))
    assert.ok(k.logs.length > 10, 'the keystore nodes logged')
    for (const needle of [SECRET, SALT, Buffer.from(SECRET).toString('base64'), Buffer.from(SECRET).toString('hex')]) {
      for (const h of haystacks) assert.ok(!h.includes(needle), `a secret leaked into: ${h.slice(0, 120)}`)
    }
  })
})
