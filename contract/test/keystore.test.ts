/** The keystore group on chain: the owner sets the first one once; t current members' signatures rotate it. */
import assert from 'node:assert/strict'
import { bytesToHex } from '@noble/hashes/utils.js'
import { keyPairFromSeed, publicKeyToString, sha256, sign } from '../../protocol/index.js'
import { Point } from '../../protocol/secrets/index.js'
import { groupArgs, rotationDigest, type GroupArgs } from '../../node/roles/keystore/group.js'
import { call, events, refused, startWorld, type World } from './world.js'

const point = (n: bigint): Uint8Array => Point.BASE.multiply(n).toBytes()
const memberKey = (i: number) => keyPairFromSeed(sha256(`keystore-group-test/${i}`))

function group (seed: bigint, n: number, t: number, offset = 0): GroupArgs {
  return groupArgs(point(seed), t, Array.from({ length: n }, (_, i) => ({
    account_id: `ks${i + offset}.test.near`,
    peer_id: `12D3KooWPeer${i + offset}`,
    public_key: publicKeyToString(memberKey(i + offset).publicKey),
    verifying_share: bytesToHex(point(seed + BigInt(i) + 1n))
  })))
}

describe('contract: keystore group', function () {
  this.timeout(120_000)
  let w: World
  before(async () => { w = await startWorld({ workers: 0, accounts: 2 }) })
  after(async () => { await w?.stop() })

  it('only the owner sets the first group, once, and only a well-formed one', async () => {
    const g = group(11n, 3, 2)
    const stranger = w.users[0]!
    await refused(call(w, stranger, 'set_keystore_group', { group: g }), 'only the owner')
    await refused(call(w, w.root, 'set_keystore_group', { group: { ...g, threshold: 1 } }), 'threshold must be 2..members')
    await refused(call(w, w.root, 'set_keystore_group', { group: { ...g, threshold: 4 } }), 'threshold must be 2..members')
    await refused(call(w, w.root, 'set_keystore_group', { group: { ...g, group_key: 'zz' } }), 'group_key must be')
    await refused(call(w, w.root, 'set_keystore_group', { group: { ...g, members: [g.members[0], g.members[0]] } }), 'listed twice')
    assert.equal(await w.view('get_keystore_group'), null)
    const set = await call(w, w.root, 'set_keystore_group', { group: g })
    assert.equal(events(set.logs, 'keystore_group_set')[0]!.version, 1)
    assert.deepEqual((await w.view<{ version: number, group: GroupArgs }>('get_keystore_group')).group, g)
    await refused(call(w, w.root, 'set_keystore_group', { group: group(12n, 3, 2) }), 'rotate_keystore_group')
  })

  it('rotation needs t signatures of current members over the new record; the owner alone cannot', async () => {
    const next = group(21n, 4, 3, 10)
    const digest = rotationDigest(w.contractId, 2, next)
    const sig = (i: number, d = digest) => ({ account_id: `ks${i}.test.near`, signature: bytesToHex(sign(d, memberKey(i).secretKey)) })
    await refused(call(w, w.root, 'rotate_keystore_group', { group: next, signatures: [] }), '0 member signatures, 2 needed')
    await refused(call(w, w.root, 'rotate_keystore_group', { group: next, signatures: [sig(0), sig(0)] }), '1 member signatures, 2 needed')
    await refused(call(w, w.root, 'rotate_keystore_group', { group: next, signatures: [sig(0), { ...sig(1), account_id: 'ks0.test.near' }] }), 'does not verify')
    await refused(call(w, w.root, 'rotate_keystore_group', { group: next, signatures: [sig(0), sig(1, rotationDigest(w.contractId, 3, next))] }), 'does not verify')
    await refused(call(w, w.root, 'rotate_keystore_group', { group: next, signatures: [sig(0), { account_id: 'ks10.test.near', signature: sig(0).signature }] }), 'not a current member')
    const done = await call(w, w.users[0]!, 'rotate_keystore_group', { group: next, signatures: [sig(0), sig(2)] })
    assert.equal(events(done.logs, 'keystore_group_set')[0]!.by, 'members')
    const now = await w.view<{ version: number, group: GroupArgs }>('get_keystore_group')
    assert.equal(now.version, 2)
    assert.deepEqual(now.group, next)
    // the old signatures do not replay: the version is in the digest
    await refused(call(w, w.root, 'rotate_keystore_group', { group: next, signatures: [sig(0), sig(2)] }), 'not a current member')
    await refused(call(w, w.root, 'rotate_keystore_group', { group: next, signatures: [10, 11, 12].map(i => sig(i)) }), 'does not verify')
  })

  it('get_release_view answers the request, worker and record views and the group version in one read', async () => {
    const owner = w.users[0]!.accountId
    const accessor = { WasmHash: { hash: 'ab'.repeat(32) } }
    const v = await w.view<Record<string, unknown>>('get_release_view', { request_id: 999, worker_id: 'nobody.test.near', owner, accessor, profile: 'default' })
    assert.deepEqual({ ...v, block_height: undefined }, { request: null, worker: null, secrets: null, keystore_version: 2, block_height: undefined })
    assert.ok(Number.isSafeInteger(v.block_height) && (v.block_height as number) > 0)
    assert.deepEqual(v.secrets, await w.view('get_secrets', { owner, accessor, profile: 'default' }))
    await assert.rejects(w.view('get_release_view', { request_id: 1, worker_id: 'x', owner, accessor, profile: 'default', extra: 1 }), /extra|unknown|argument/i)
  })
})
