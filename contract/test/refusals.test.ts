/**
 * Every refusal of resolve_execution fails with a clear panic and changes nothing. Scenario 4 (only committed slots
 * count) and scenario 12 (the digest binds network, request, data id, input, seed, worker and code).
 */
import assert from 'node:assert/strict'
import { sign, toHex } from '../../protocol/index.js'
import {
  NEAR, WASM_SOURCE, assignedWorkers, call, checkInvariant, commit, events, ok, refused, request, resolve,
  responseOf, reveal, seal, startWorld, type PendingRequest, type Sealed, type World, type Worker
} from './world.js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }

describe('contract resolve refusals', function () {
  this.timeout(120_000)
  let w: World
  let r: PendingRequest
  let primaries: Worker[]
  let backup: Worker
  const result = ok('42')
  const other = ok('43')
  let sealed: Sealed[]
  let resolver: World['root']

  before(async () => {
    w = await startWorld({ workers: 4 })
    resolver = w.users[1]!
    r = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' } }, NEAR)
    const assigned = await assignedWorkers(w, r.requestId)
    primaries = assigned.primaries
    backup = assigned.backups[0]!
    // two primaries commit the result, the third another one; all R committed, so the phase is closed
    sealed = [await commit(w, primaries[0]!, r.requestId, result), await commit(w, primaries[1]!, r.requestId, result), await commit(w, primaries[2]!, r.requestId, other)]
  })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => { await w?.stop() })

  /** What a refused call must leave untouched. */
  async function snapshot (): Promise<string> {
    return JSON.stringify([
      await w.view('get_request', { request_id: r.requestId }),
      await w.view('get_stats'),
      await w.view('list_workers', { from_index: 0, limit: 10 })
    ])
  }

  const attempt = async (response: Record<string, unknown>, reveals: unknown[]): Promise<unknown> => await resolve(w, resolver, r.requestId, response, reveals)

  it('refuses too few agreeing reveals', async () => {
    const before = await snapshot()
    await refused(attempt(responseOf(result), [reveal(sealed[0]!)]), 'too few agreeing reveals: 1 agree, the quorum is 2')
    await refused(attempt(responseOf(result), []), 'too few agreeing reveals: none given')
    await refused(attempt(responseOf(result), [reveal(sealed[0]!), reveal(sealed[2]!, true)]), 'too few agreeing reveals: 1 agree')
    assert.equal(await snapshot(), before)
  })

  it('refuses a forged signature, and a valid signature over another digest', async () => {
    const before = await snapshot()
    // primary 1's digest signed with the backup's key
    const byBackupKey = await seal(w, { ...primaries[1]!, key: backup.key }, r.requestId, result)
    await refused(attempt(responseOf(result), [reveal(sealed[0]!), { ...reveal(sealed[1]!), signature: reveal(byBackupKey).signature }]), `invalid signature from ${primaries[1]!.id}`)
    // primary 0's valid signature handed in as primary 1's
    await refused(attempt(responseOf(result), [reveal(sealed[0]!), { ...reveal(sealed[1]!), signature: reveal(sealed[0]!).signature }]), `invalid signature from ${primaries[1]!.id}`)
    const short = Buffer.from(sign(new Uint8Array(32), primaries[1]!.key.secretKey)).toString('base64').slice(0, 40)
    await refused(attempt(responseOf(result), [reveal(sealed[0]!), { ...reveal(sealed[1]!), signature: short }]), 'must be 64 bytes')
    assert.equal(await snapshot(), before)
  })

  it('scenario 4: refuses signers without a committed slot (an uncommitted backup, a stranger)', async () => {
    const before = await snapshot()
    const backupSeal = await seal(w, backup, r.requestId, result)
    await refused(attempt(responseOf(result), [reveal(sealed[0]!), reveal(backupSeal)]), `signer ${backup.id} holds no committed slot`)
    await refused(attempt(responseOf(result), [reveal(sealed[0]!), { ...reveal(sealed[1]!), worker_id: w.users[2]!.accountId }]), 'holds no committed slot')
    // the slots are full: the backup cannot commit its way in either
    await refused(call(w, backup.account, 'commit_result', { request_id: r.requestId, commit: backupSeal.commit }), 'commit phase of request')
    assert.equal(await snapshot(), before)
  })

  it('refuses a reveal that does not open its commit (another result, another salt)', async () => {
    const before = await snapshot()
    // primary 2 committed `other`: a valid signature over `result` does not open that commit
    const switched = await seal(w, primaries[2]!, r.requestId, result)
    await refused(attempt(responseOf(result), [reveal(sealed[0]!), reveal(switched)]), `the reveal of ${primaries[2]!.id} does not match its commit`)
    await refused(attempt(responseOf(result), [reveal(sealed[0]!), { ...reveal(sealed[1]!), salt: '00'.repeat(32) }]), 'does not match its commit')
    assert.equal(await snapshot(), before)
  })

  it('scenario 12: a signature over another network, request, data id, input, seed or code never verifies', async () => {
    const before = await snapshot()
    const variants = [
      { networkId: 'testnet' }, { requestId: BigInt(r.requestId + 1) }, { dataId: '00'.repeat(32) }, { inputHash: '00'.repeat(32) },
      { seed: '00'.repeat(32) }, { contractId: 'other.test.near' }, { workerId: primaries[0]!.id }
    ]
    for (const v of variants) {
      const s = await seal(w, primaries[1]!, r.requestId, result, v)
      // the reveal opens the real commit; the signature over the other digest fails
      await refused(attempt(responseOf(result), [reveal(sealed[0]!), { ...reveal(sealed[1]!), signature: reveal(s).signature }]), 'invalid signature')
      assert.notEqual(toHex(s.digest), toHex(sealed[1]!.digest), JSON.stringify(Object.keys(v)))
    }
    assert.equal(await snapshot(), before)
  })

  it('refuses a duplicate signer, a response other than the quorum\'s and an oversized error', async () => {
    const before = await snapshot()
    await refused(attempt(responseOf(result), [reveal(sealed[0]!), reveal(sealed[0]!)]), `duplicate signer ${primaries[0]!.id}`)
    await refused(attempt(responseOf(other), [reveal(sealed[0]!, true), reveal(sealed[1]!, true)]), 'does not match the result the quorum attested')
    const long = { success: false, output: new Uint8Array(), error: 'x'.repeat(1025), instructions: 1n }
    await refused(attempt(responseOf(long), [reveal(sealed[0]!)]), 'error is limited to 1024 bytes')
    await refused(call(w, resolver, 'resolve_execution', { request_id: r.requestId, response: responseOf(result), reveals: [], attestations: [] }), 'unknown field "attestations"')
    assert.equal(await snapshot(), before)
  })

  it('refuses a result that claims other code than the pinned WasmUrl hash', async () => {
    const q = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS, redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' } }, NEAR)
    const { primaries: ps } = await assignedWorkers(w, q.requestId)
    const wrong = { ...ok('42'), codeHash: 'cd'.repeat(32) }
    const s = [await commit(w, ps[0]!, q.requestId, wrong), await commit(w, ps[1]!, q.requestId, wrong), await commit(w, ps[2]!, q.requestId, wrong)]
    await refused(resolve(w, resolver, q.requestId, responseOf(wrong), s.map(x => reveal(x))), 'is not the pinned WasmUrl hash')
    await call(w, w.root, 'emergency_cancel_execution', { request_id: q.requestId })
    await q.done
  })

  it('still resolves with a valid quorum after all those refusals, and slashes the revealed dissenter', async () => {
    const res = await attempt(responseOf(result), [reveal(sealed[1]!), reveal(sealed[0]!), reveal(sealed[2]!, true)]) as { logs: string[] }
    assert.deepEqual(events(res.logs, 'worker_disagreed').map(e => e.worker_id), [primaries[2]!.id])
    assert.equal((await r.done).value, '42')
  })
})
