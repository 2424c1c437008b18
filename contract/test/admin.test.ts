/** Admin methods, request validation, views, and scripts/deploy.ts as a command. */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { NEAR, RECEIPT_FEE, WASM_SOURCE, call, checkInvariant, refused, request, startWorld, type World } from './world.js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }

describe('contract admin, validation and views', function () {
  this.timeout(120_000)
  let w: World
  before(async () => { w = await startWorld({ workers: 1 }) })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => { await w?.stop() })

  it('estimates the most a request can be charged (no time is charged) and refuses a smaller deposit', async () => {
    const limits = await w.view<Record<string, number>>('get_max_limits')
    assert.equal(limits.max_instructions, 500_000_000_000)
    assert.equal(limits.max_execution_seconds, 180)
    assert.equal(limits.max_compilation_seconds, 300)
    // base + max_instructions × per_million / 1e6 + resolve fee + receipt fee (+ the compile fee of a built source)
    const worst = 10n ** 21n + 1_000_000n * 10n ** 14n / 1_000_000n + 3n * 10n ** 21n + RECEIPT_FEE
    assert.equal(await w.view('estimate_execution_cost', { resource_limits: LIMITS, source: WASM_SOURCE }), worst.toString())
    await refused(call(w, w.users[0]!, 'request_execution', { source: WASM_SOURCE, resource_limits: LIMITS }, worst - 1n), 'does not cover the worst-case cost')
    // the worst case alone is not enough: the request's storage is locked from its deposit too
    await refused(call(w, w.users[0]!, 'request_execution', { source: WASM_SOURCE, resource_limits: LIMITS }, worst), 'plus the storage lock')
    const defaults = 10n ** 21n + 10n ** 9n * 10n ** 14n / 1_000_000n + 10n ** 22n + 3n * 10n ** 21n + RECEIPT_FEE
    assert.equal(await w.view('estimate_execution_cost', {}), defaults.toString(), 'without a source the compile fee is included')
  })

  it('refuses limits above the caps, bad redundancy, bad sources and unknown fields', async () => {
    const u = w.users[0]!
    const send = async (args: Record<string, unknown>): Promise<unknown> => await call(w, u, 'request_execution', { source: WASM_SOURCE, resource_limits: LIMITS, ...args }, 10n * NEAR)
    await refused(send({ resource_limits: { ...LIMITS, max_instructions: 500_000_000_001 } }), 'max_instructions must be')
    await refused(send({ resource_limits: { ...LIMITS, max_execution_seconds: 181 } }), 'max_execution_seconds must be')
    await refused(send({ redundancy: { replicas: 8, quorum: 5, aggregation: 'identical' } }), 'replicas must be 1..7')
    await refused(send({ redundancy: { replicas: 4, quorum: 2, aggregation: 'identical' } }), 'quorum must be > replicas/2')
    await refused(send({ redundancy: { replicas: 3, quorum: 2, aggregation: 'mean' } }), 'identical, median or per_field')
    await refused(send({ redundancy: { replicas: 4, quorum: 3, aggregation: 'median' } }), 'median needs replicas >= 2*quorum-1')
    await refused(send({ redundancy: { replicas: 2, quorum: 2, aggregation: 'identical' } }), 'only 1 eligible workers')
    await refused(send({ source: { WasmUrl: { url: 'https://x/y.wasm', hash: 'zz' } } }), 'hash must be 64 lowercase hex')
    await refused(send({ source: { GitHub: { repo: 'https://github.com/a/b', commit: 'bad commit!' } } }), 'bad character')
    await refused(send({ source: { Docker: {} } }), 'unknown source')
    await refused(send({ response_format: 'Xml' }), 'Bytes, Text or Json')
    await refused(send({ colour: 'red' }), 'unknown field "colour"')
    await refused(u.callFunction({ contractId: w.contractId, methodName: 'request_execution', args: new TextEncoder().encode('{"source":'), deposit: NEAR, gas: 300n * 10n ** 12n }), 'invalid JSON')
    await refused(send({ resource_limits: { ...LIMITS, max_instructions: '99999999999999999999' } }), 'field "max_instructions" is too large')
    await refused(send({ params: { compile_only: true }, input_data: 'x' }), 'compile-only request takes no input_data')
    await refused(u.callFunction({ contractId: w.contractId, methodName: 'request_execution', args: { source: WASM_SOURCE, resource_limits: LIMITS }, deposit: NEAR, gas: 60n * 10n ** 12n }), 'attach at least 70 Tgas')
  })

  it('pauses and unpauses; only the owner changes settings', async () => {
    const u = w.users[0]!
    await refused(call(w, u, 'set_paused', { paused: true }), 'only the owner or the operator')
    await call(w, w.root, 'set_paused', { paused: true })
    await refused(call(w, u, 'request_execution', { source: WASM_SOURCE, resource_limits: LIMITS }, NEAR), 'the contract is paused')
    await call(w, w.root, 'set_paused', { paused: false })

    const pricing = { base_fee: '5', per_million_instructions_fee: '7', compile_fee: '11', resolve_fee: '13' }
    await refused(call(w, u, 'set_pricing', pricing), 'only the owner')
    await call(w, w.root, 'set_pricing', pricing)
    assert.deepEqual(await w.view('get_pricing'), pricing)
    assert.equal(await w.view('estimate_execution_cost', { resource_limits: LIMITS, source: WASM_SOURCE }), (5n + 7n + 13n + RECEIPT_FEE).toString())
    await call(w, w.root, 'set_config', { commit_window_blocks: 9, slash_share_bps: 2500, withhold_share_bps: 100, equivocation_share_bps: 9000 })
    const config = await w.view<Record<string, unknown>>('get_config')
    assert.equal(config.commit_window_blocks, 9)
    assert.equal(config.slash_share_bps, 2500)
    assert.equal(config.withhold_share_bps, 100)
    assert.equal(config.equivocation_share_bps, 9000)
    assert.equal(config.network_id, 'localnet')
    // each setting's bounds (contract/test/hardening.test.ts tests both ends of each)
    await refused(call(w, w.root, 'set_config', { slash_share_bps: 10_001 }), 'slash_share_bps must be 100..5000')
    await refused(call(w, w.root, 'set_config', { commit_window_blocks: 76 }), 'commit_window_blocks must be 1..75')
    await refused(call(w, w.root, 'set_config', { withhold_share_bps: 10_001 }), 'withhold_share_bps must be 0..5000')
    await refused(call(w, w.root, 'set_config', { network_id: 'mainnet' }), 'unknown field "network_id" in set_config')
    // a fee whose worst case could overflow u128 is refused: 2^127 per million × 1e6 instructions does not fit
    await refused(call(w, w.root, 'set_pricing', { ...pricing, per_million_instructions_fee: (2n ** 127n).toString() }), 'per_million_instructions_fee must be at most')
    await call(w, w.root, 'set_pricing', pricing)
    await call(w, w.root, 'set_config', { commit_window_blocks: 60 })
    await refused(call(w, w.root, 'new', { owner_id: u.accountId }), 'only be called by the contract account itself')
  })

  it('scenario 6: the operator can pause and nothing else; the owner role moves', async () => {
    const [u, op] = w.users
    await call(w, w.root, 'set_operator', { operator_id: op!.accountId })
    await call(w, op!, 'set_paused', { paused: true })
    await call(w, op!, 'set_paused', { paused: false })
    const r = await request(w, u!, { source: WASM_SOURCE, resource_limits: LIMITS }, NEAR)
    const before = await w.balance(w.contractId)
    await refused(call(w, op!, 'emergency_cancel_execution', { request_id: r.requestId }), 'only the owner')
    await refused(call(w, op!, 'set_config', { slash_share_bps: 1 }), 'only the owner')
    await refused(call(w, op!, 'set_pricing', { base_fee: '0', per_million_instructions_fee: '0', compile_fee: '0', resolve_fee: '0' }), 'only the owner')
    // refused calls are paid by their signer: the contract's balance only grew by the refused calls' gas rewards
    assert.ok(await w.balance(w.contractId) >= before)
    await call(w, w.root, 'emergency_cancel_execution', { request_id: r.requestId })
    await r.done
    await call(w, w.root, 'set_owner', { owner_id: u!.accountId })
    await refused(call(w, w.root, 'set_paused', { paused: true }), 'only the owner')
    await call(w, u!, 'set_owner', { owner_id: w.root.accountId })
  })

  it('deploys with `tsx scripts/deploy.ts --network local`', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--no-liftoff', '--import', 'tsx', '--import', './polyfill.mjs', 'scripts/deploy.ts',
      '--network', 'local', '--keys-file', w.net.keysFile, '--contract', 'second.test.near', '--config', '{"commit_window_blocks":7,"network_id":"localnet"}'
    ], { cwd: new URL('../..', import.meta.url).pathname })
    assert.deepEqual(JSON.parse(stdout), { network: w.net.networkId, contractId: 'second.test.near' })
    const config = await w.provider.callFunction({ contractId: 'second.test.near', method: 'get_config', args: {} }) as Record<string, unknown>
    assert.equal(config.commit_window_blocks, 7)
    assert.equal(config.network_id, 'localnet')
    assert.equal(config.owner_id, w.root.accountId)
    assert.equal(config.allow_local_sources, true, 'a localnet deployment takes its own test servers as sources')
    // the deploy left no key on the contract account: only the contract's code moves its balance
    assert.deepEqual((await w.provider.viewAccessKeyList({ accountId: 'second.test.near' })).keys, [])
  })

  it('leaves the contract account with no access key; the owner account still runs the owner methods', async () => {
    assert.deepEqual((await w.provider.viewAccessKeyList({ accountId: w.contractId })).keys, [])
    assert.equal((await w.view<Record<string, unknown>>('get_config')).allow_local_sources, false)
    await call(w, w.root, 'set_paused', { paused: true })
    assert.equal((await w.view<Record<string, unknown>>('get_config')).paused, true)
    await call(w, w.root, 'set_paused', { paused: false })
    await call(w, w.root, 'set_config', { commit_window_blocks: 11 })
    assert.equal((await w.view<Record<string, unknown>>('get_config')).commit_window_blocks, 11)
    await call(w, w.root, 'set_config', { commit_window_blocks: 60 })
  })
})
