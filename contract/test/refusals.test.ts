/** Every refusal of resolve_execution fails with a clear panic and changes nothing. */
import assert from 'node:assert/strict'
import { sign } from '../../protocol/index.js'
import { NEAR, WASM_SOURCE, attest, call, claim, ok, refused, request, resolve, responseOf, startWorld, type PendingRequest, type World } from './world.js'

describe('contract resolve refusals', function () {
  this.timeout(120_000)
  let w: World
  let r: PendingRequest
  const result = ok('42')

  before(async () => {
    w = await startWorld({ workers: 4 })
    r = await request(w, w.users[0]!, {
      source: WASM_SOURCE,
      resource_limits: { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 },
      redundancy: { replicas: 3, quorum: 2, aggregation: 'identical' }
    }, NEAR)
    for (const worker of w.workers.slice(0, 3)) await claim(w, worker, r.requestId)
  })
  after(async () => { await w?.stop() })

  /** What a refused call must leave untouched. */
  async function snapshot (): Promise<string> {
    return JSON.stringify([
      await w.view('get_request', { request_id: r.requestId }),
      await w.view('get_stats'),
      await w.view('list_workers', { from_index: 0, limit: 10 })
    ])
  }

  it('refuses too few valid attestations', async () => {
    const before = await snapshot()
    await refused(resolve(w, r.requestId, responseOf(result), [attest(w, w.workers[0]!, r.requestId, result)]), 'too few valid attestations: 1 agree, the quorum is 2')
    await refused(resolve(w, r.requestId, responseOf(result), []), 'too few valid attestations')
    assert.equal(await snapshot(), before)
  })

  it('refuses a forged signature', async () => {
    const before = await snapshot()
    const forged = attest(w, w.workers[3]!, r.requestId, result) // signed with another worker's key
    await refused(resolve(w, r.requestId, responseOf(result), [
      attest(w, w.workers[0]!, r.requestId, result), { ...forged, worker_id: w.workers[1]!.id }
    ]), `invalid signature from ${w.workers[1]!.id}`)
    // a valid signature over different bytes (another request id) is just as forged
    const otherRequest = attest(w, w.workers[1]!, r.requestId + 1, result)
    await refused(resolve(w, r.requestId, responseOf(result), [attest(w, w.workers[0]!, r.requestId, result), otherRequest]), 'invalid signature')
    const garbage = { worker_id: w.workers[1]!.id, signature: Buffer.from(sign(new Uint8Array(32), w.workers[1]!.key.secretKey)).toString('base64').slice(0, 40) }
    await refused(resolve(w, r.requestId, responseOf(result), [attest(w, w.workers[0]!, r.requestId, result), garbage]), 'must be 64 bytes')
    assert.equal(await snapshot(), before)
  })

  it('refuses a signer without a lease, and a signer that is not a worker', async () => {
    const before = await snapshot()
    await refused(resolve(w, r.requestId, responseOf(result), [
      attest(w, w.workers[0]!, r.requestId, result), attest(w, w.workers[3]!, r.requestId, result)
    ]), `signer ${w.workers[3]!.id} holds no lease`)
    const stranger = { ...attest(w, w.workers[1]!, r.requestId, result), worker_id: w.users[1]!.accountId }
    await refused(resolve(w, r.requestId, responseOf(result), [attest(w, w.workers[0]!, r.requestId, result), stranger]), 'is not a registered worker')
    assert.equal(await snapshot(), before)
  })

  it('refuses a duplicate signer', async () => {
    const before = await snapshot()
    const a = attest(w, w.workers[0]!, r.requestId, result)
    await refused(resolve(w, r.requestId, responseOf(result), [a, a]), `duplicate signer ${w.workers[0]!.id}`)
    assert.equal(await snapshot(), before)
  })

  it('refuses a response other than the one the quorum signed', async () => {
    const before = await snapshot()
    const other = ok('43')
    const own = (i: number): Record<string, unknown> => ({ ...attest(w, w.workers[i]!, r.requestId, result), response: { success: true, output: Buffer.from(result.output).toString('base64'), error: '', instructions: result.instructions.toString() } })
    await refused(resolve(w, r.requestId, responseOf(other), [own(0), own(1)]), 'does not match the result the quorum attested')
    assert.equal(await snapshot(), before)
  })

  it('refuses an oversized error string before it could break the callback\'s logs', async () => {
    const before = await snapshot()
    const long = { success: false, output: new Uint8Array(), error: 'x'.repeat(1025), instructions: 1n }
    await refused(resolve(w, r.requestId, responseOf(long), [attest(w, w.workers[0]!, r.requestId, long), attest(w, w.workers[1]!, r.requestId, long)]), 'error is limited to 1024 bytes')
    assert.equal(await snapshot(), before)
  })

  it('refuses callers other than the operator; the operator key reaches only the resolve methods', async () => {
    const before = await snapshot()
    const attestations = [attest(w, w.workers[0]!, r.requestId, result), attest(w, w.workers[1]!, r.requestId, result)]
    await refused(call(w, w.workers[0]!.account, 'resolve_execution', { request_id: r.requestId, response: responseOf(result), attestations }), 'only the operator')
    await assert.rejects(call(w, w.operator, 'claim_lease', { request_id: r.requestId }))
    await assert.rejects(call(w, w.operator, 'set_paused', { paused: true }))
    assert.equal(await snapshot(), before)
  })

  it('still resolves with a valid quorum after all those refusals', async () => {
    await resolve(w, r.requestId, responseOf(result, 10), [attest(w, w.workers[2]!, r.requestId, result), attest(w, w.workers[0]!, r.requestId, result)])
    assert.equal((await r.done).value, '42')
  })
})
