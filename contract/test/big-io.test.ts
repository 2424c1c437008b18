/**
 * Inputs of 10 KiB or more stay in state, paid by the request's storage lock; outputs too big for the yield payload
 * are stored as blobs paid by their uploader. Scenarios 1 (an output nobody signed) and 5 (unpaid storage).
 */
import assert from 'node:assert/strict'
import { sha256Hex, validateExecutionRequest } from '../../protocol/index.js'
import {
  NEAR, RECEIPT_FEE, STORAGE_PRICE, WASM_SOURCE, assignedWorkers, call, checkInvariant, commit, events, ok, quorumResolve,
  refused, request, resolve, responseOf, reveal, startWorld, type Sealed, type World, type PendingRequest, type Attested
} from './world.js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }
const BASE = 10n ** 21n
const RESOLVE_FEE = 3n * 10n ** 21n

describe('contract big input and output', function () {
  this.timeout(180_000)
  let w: World
  before(async () => { w = await startWorld({ workers: 1 }) })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => { await w?.stop() })

  const usage = async (): Promise<bigint> => BigInt((await w.provider.viewAccount({ accountId: w.contractId })).storage_usage)

  /** R=1: the one assigned worker commits `result`; returns its sealed commit once the phase closed. */
  async function committed (r: PendingRequest, result: Attested): Promise<Sealed> {
    const { primaries } = await assignedWorkers(w, r.requestId)
    return await commit(w, primaries[0]!, r.requestId, result)
  }

  it('keeps a 12 KiB input in state, locks its storage from the deposit, and frees it all at the end', async () => {
    const warm = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS }, NEAR)
    await quorumResolve(w, warm, ok('warm'))
    const input = JSON.stringify({ blob: 'x'.repeat(12 * 1024) })
    const payer = w.users[1]!
    const before = await usage()
    const balanceBefore = await w.balance(payer.accountId)
    const r = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS, input_data: input, payer_account_id: payer.accountId }, NEAR)
    const full = await w.view<Record<string, unknown>>('get_request', { request_id: r.requestId })
    assert.equal(full.input_data, input)
    assert.ok(BigInt(full.storage_lock as string) >= BigInt(input.length) * STORAGE_PRICE, 'the lock pays for the input')
    const pending = await w.view<Array<Record<string, unknown>>>('get_pending_requests', { from_index: 0, limit: 10 })
    assert.equal(pending.find(p => p.request_id === r.requestId)!.input_data, undefined, 'the pending list leaves big inputs out')

    const { done } = await quorumResolve(w, r, ok('done', 5n))
    const event = events(done.logs, 'execution_requested')[0]!
    assert.equal(event.input_data_in_state, true)
    assert.ok(validateExecutionRequest(event).ok, 'the event still validates')
    // the payer is charged the fees only: the lock came back, and only the receipt stays in state
    const charged = BASE + 5n * 10n ** 14n / 1_000_000n + RESOLVE_FEE + RECEIPT_FEE
    assert.equal(await w.balance(payer.accountId) - balanceBefore, NEAR - charged)
    const grown = await usage() - before
    assert.ok(grown > 0n && grown <= 300n, `a finished request keeps at most its 300-byte receipt, kept ${grown}`)
  })

  it('scenario 5: a big input must be paid for by the request, and its storage is returned', async () => {
    const input = 'z'.repeat(100 * 1024)
    await refused(call(w, w.users[0]!, 'request_execution', { source: WASM_SOURCE, resource_limits: LIMITS, input_data: input }, NEAR), 'plus the storage lock')
    const payer = w.users[1]!
    const before = await w.balance(payer.accountId)
    const r = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS, input_data: input, payer_account_id: payer.accountId }, 3n * NEAR)
    const lock = BigInt((await w.view<{ storage_lock: string }>('get_request', { request_id: r.requestId })).storage_lock)
    assert.ok(lock > NEAR, `100 KiB lock ${lock}`)
    await call(w, w.root, 'emergency_cancel_execution', { request_id: r.requestId })
    await r.done
    assert.equal(await w.balance(payer.accountId) - before, 3n * NEAR, 'a cancel refunds everything, the lock included')
  })

  it('takes a 3000-byte output through submit_execution_output (paid by the uploader), then resolve by output_hash', async () => {
    const r = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS, response_format: 'Text' }, NEAR)
    const text = 'y'.repeat(3000)
    const result = ok(text, 9n)
    const uploader = w.users[2]!
    // while the commit phase is open an uploaded output could be copied into a commit: refused
    await refused(call(w, uploader, 'submit_execution_output', { request_id: r.requestId, output: Buffer.from(text).toString('base64') }, NEAR), 'once the commit phase')
    const sealed = await committed(r, result)
    const stored = await call(w, uploader, 'submit_execution_output', { request_id: r.requestId, output: Buffer.from(text).toString('base64') }, NEAR)
    const storedEvent = events(stored.logs, 'output_stored')[0]!
    assert.equal(storedEvent.output_hash, sha256Hex(text))
    const cost = BigInt(storedEvent.storage_cost as string)
    assert.ok(cost >= 3000n * STORAGE_PRICE)
    assert.equal((await w.view<{ blob_deposits: string }>('get_stats')).blob_deposits, cost.toString())
    const afterUpload = await w.balance(uploader.accountId)
    await resolve(w, w.users[0]!, r.requestId, responseOf(result, true), [reveal(sealed)])
    assert.equal((await r.done).value, text)
    assert.equal(await w.balance(uploader.accountId) - afterUpload, cost, 'the uploader gets its storage deposit back to the yocto')
    assert.equal((await w.view<{ blob_deposits: string }>('get_stats')).blob_deposits, '0')
  })

  it('scenario 1: a stored output that no worker signed never reaches the caller', async () => {
    const r = await request(w, w.users[0]!, { source: WASM_SOURCE, resource_limits: LIMITS, response_format: 'Text' }, NEAR)
    const honest = ok('the honest output '.repeat(100))
    const forged = 'the operator output '.repeat(100)
    const sealed = await committed(r, honest)
    const attacker = w.users[2]!
    const stored = await call(w, attacker, 'submit_execution_output', { request_id: r.requestId, output: Buffer.from(forged).toString('base64') }, NEAR)
    const cost = BigInt(events(stored.logs, 'output_stored')[0]!.storage_cost as string)
    // naming the forged blob: its hash is not what the worker signed
    await refused(resolve(w, attacker, r.requestId, { ...responseOf(honest, true), output_hash: sha256Hex(forged) }, [reveal(sealed)]), 'does not match its commit')
    await refused(resolve(w, attacker, r.requestId, { ...responseOf(honest, true), output_hash: sha256Hex(forged) }, [reveal(sealed, true)]), 'does not match the result the quorum attested')
    // naming the honest hash without its blob stored
    await refused(resolve(w, attacker, r.requestId, responseOf(honest, true), [reveal(sealed)]), 'no stored output has the hash')
    // the honest output inline: too big for the payload, so the resolver pays its storage (refunded at the end)
    await refused(resolve(w, attacker, r.requestId, responseOf(honest), [reveal(sealed)]), 'does not cover the storage')
    const resolver = w.users[1]!
    const before = await Promise.all([attacker.accountId, resolver.accountId].map(w.balance))
    const resolved = await resolve(w, resolver, r.requestId, responseOf(honest), [reveal(sealed)], NEAR)
    assert.ok(BigInt(events(resolved.logs, 'output_stored')[0]!.storage_cost as string) > 0n, 'the resolver paid the inline output\'s storage')
    assert.equal((await r.done).value, new TextDecoder().decode(honest.output))
    const after = await Promise.all([attacker.accountId, resolver.accountId].map(w.balance))
    assert.equal(after[0]! - before[0]!, cost, 'the forged blob is freed and its deposit returned')
    assert.equal(after[1]! - before[1]!, RESOLVE_FEE - resolved.tokensBurnt, 'the resolver gets its storage back and the resolve fee, pays its gas')
  })
})
