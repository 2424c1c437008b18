/** Worker registration, bonds and cool-down, and leases that expire and are claimed again. */
import assert from 'node:assert/strict'
import { publicKeyToString } from '../../protocol/index.js'
import { NEAR, WASM_SOURCE, attest, call, claim, events, ok, refused, request, resolve, responseOf, startWorld, untilHeight, workerKey, type World } from './world.js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }
const LEASE_BLOCKS = 8
/** the least the contract takes: nearcore's 200-block yield timeout, so a bond outlives every request it signed */
const COOLDOWN = 200

describe('contract workers and leases', function () {
  this.timeout(120_000)
  let w: World
  before(async () => { w = await startWorld({ workers: 3, config: { lease_blocks: LEASE_BLOCKS, bond_cooldown_blocks: COOLDOWN } }) })
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

  it('frees an expired lease for another worker; the expired holder may still sign', async () => {
    const r = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS }, NEAR)
    const [a, b] = w.workers
    await claim(w, a!, r.requestId)
    await refused(claim(w, b!, r.requestId), 'all 1 leases')
    const lease = (await w.view<Array<{ expires_at: number }>>('get_leases', { request_id: r.requestId }))[0]!
    await untilHeight(w, lease.expires_at + 1)
    await claim(w, b!, r.requestId)
    await refused(claim(w, a!, r.requestId), 'all 1 leases')
    const result = ok('late but honest')
    await resolve(w, r.requestId, responseOf(result, 3), [attest(w, a!, r.requestId, result)])
    assert.equal((await r.done).value, 'late but honest')
  })

  it('unregisters, refuses new leases, and returns the bond after the cool-down', async () => {
    const c = w.workers[2]!
    const r = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS }, NEAR)
    await refused(call(w, c.account, 'withdraw_bond', {}), 'unregister_worker first')
    const out = await call(w, c.account, 'unregister_worker', {})
    const availableAt = Number(events(out.logs, 'worker_unregistered')[0]!.bond_available_at)
    await refused(claim(w, c, r.requestId), 'unregistered and cannot claim')
    await refused(call(w, c.account, 'withdraw_bond', {}), `from block ${availableAt}`)
    await untilHeight(w, availableAt + 1)
    const withdrawn = await call(w, c.account, 'withdraw_bond', {})
    assert.equal(events(withdrawn.logs, 'bond_withdrawn')[0]!.amount, NEAR.toString())
    assert.equal((await w.view<{ bond: string }>('get_worker', { account_id: c.id })).bond, '0')
    await refused(call(w, c.account, 'withdraw_bond', {}), 'no bond left')
    // registering again re-activates the same entry with a new bond
    await call(w, c.account, 'register_worker', { public_key: publicKeyToString(c.key.publicKey) }, NEAR)
    // the cool-down outlasts every request the worker could have signed: this one timed out meanwhile
    assert.equal((await r.done).value, null)
    const next = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS }, NEAR)
    await claim(w, c, next.requestId)
  })
})
