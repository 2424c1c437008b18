/** Worker registration, one key per worker, bonds and cool-down; only eligible workers are assigned. */
import assert from 'node:assert/strict'
import { publicKeyToString } from '../../protocol/index.js'
import { NEAR, WASM_SOURCE, assignment, call, checkInvariant, commit, events, ok, refused, request, startWorld, untilHeight, workerKey, type World } from './world.js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }
/** the least the contract takes: nearcore's 200-block yield timeout, so a bond outlives every request it signed */
const COOLDOWN = 200

describe('contract workers and keys', function () {
  this.timeout(120_000)
  let w: World
  before(async () => { w = await startWorld({ workers: 3, config: { bond_cooldown_blocks: COOLDOWN } }) })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => { await w?.stop() })

  it('refuses a small bond, a malformed key and a second registration', async () => {
    const user = w.users[0]!
    const key = publicKeyToString(workerKey(99).publicKey)
    await refused(call(w, user, 'register_worker', { public_key: key }, NEAR / 2n), 'the bond must be at least')
    await refused(call(w, user, 'register_worker', { public_key: 'ed25519:abc' }, NEAR), '32-byte ed25519 key')
    await refused(call(w, user, 'register_worker', { public_key: 'secp256k1:abc' }, NEAR), 'ed25519:<base58>')
    await refused(call(w, w.workers[0]!.account, 'register_worker', { public_key: key }, NEAR), 'already a registered worker')
    const listed = await w.view<Array<{ account_id: string, status: string }>>('list_workers', { from_index: 0, limit: 10 })
    assert.deepEqual(listed.map(x => x.account_id), w.workers.map(x => x.id))
    assert.ok(listed.every(x => x.status === 'active'))
  })

  it('scenario 9: a public key belongs to one worker only, so one signature can never count twice', async () => {
    const [user, other] = w.users
    const taken = publicKeyToString(w.workers[0]!.key.publicKey)
    const before = await w.balance(user!.accountId)
    await refused(call(w, user!, 'register_worker', { public_key: taken }, NEAR), `is already registered by ${w.workers[0]!.id}`)
    assert.ok(await w.balance(user!.accountId) > before - NEAR, 'the refused bond came back')
    assert.equal(await w.view('get_worker', { account_id: user!.accountId }), null)
    // a key freed by re-registering with a new one may be taken by another account
    const fresh = publicKeyToString(workerKey(50).publicKey)
    await call(w, other!, 'register_worker', { public_key: fresh }, NEAR)
    await refused(call(w, user!, 'register_worker', { public_key: fresh }, NEAR), `is already registered by ${other!.accountId}`)
    await call(w, other!, 'unregister_worker', {})
    await call(w, other!, 'register_worker', { public_key: publicKeyToString(workerKey(51).publicKey) }, 0n)
    await call(w, user!, 'register_worker', { public_key: fresh }, NEAR)
    for (const a of [user!, other!]) await call(w, a, 'unregister_worker', {})
  })

  it('unregisters, is no longer assigned, and gets the bond back after the cool-down', async () => {
    const c = w.workers[2]!
    await refused(call(w, c.account, 'withdraw_bond', {}), 'unregister_worker first')
    const out = await call(w, c.account, 'unregister_worker', {})
    const availableAt = Number(events(out.logs, 'worker_unregistered')[0]!.bond_available_at)
    await refused(call(w, c.account, 'withdraw_bond', {}), `from block ${availableAt}`)
    for (let i = 0; i < 3; i++) {
      const r = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: { replicas: 1, quorum: 1, aggregation: 'identical' } }, NEAR)
      const a = await assignment(w, r.requestId)
      assert.ok(![...a.assigned, ...a.backups].includes(c.id), 'an unregistered worker is never drawn')
      await call(w, w.root, 'emergency_cancel_execution', { request_id: r.requestId })
      await r.done
    }
    await refused(call(w, w.users[0]!, 'request_execution', { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' } }, NEAR), 'only 2 eligible workers')
    await untilHeight(w, availableAt + 1)
    const withdrawn = await call(w, c.account, 'withdraw_bond', {})
    assert.equal(events(withdrawn.logs, 'bond_withdrawn')[0]!.amount, NEAR.toString())
    assert.equal((await w.view<{ bond: string }>('get_worker', { account_id: c.id })).bond, '0')
    await refused(call(w, c.account, 'withdraw_bond', {}), 'no bond left')
    // registering again re-activates the same entry with a new bond, and it is drawn again
    await call(w, c.account, 'register_worker', { public_key: publicKeyToString(c.key.publicKey) }, NEAR)
    const r = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' } }, NEAR)
    assert.ok((await assignment(w, r.requestId)).assigned.includes(c.id))
    await commit(w, c, r.requestId, ok('back'))
    await call(w, w.root, 'emergency_cancel_execution', { request_id: r.requestId })
    await r.done
  })
})
