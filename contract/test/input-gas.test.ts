/**
 * Worst-case gas of the methods whose inputs limits.ts bounds, each under the largest input it accepts: the
 * table "Worst case per method" in contract/README.md comes from this test's output. Views are sent as
 * transactions here so that their gas is measured too (nearcore caps a view at the same 300 Tgas).
 */
import assert from 'node:assert/strict'
import { MAX_GAS, NEAR, WASM_SOURCE, call, publicKeyOf, refused, request, startWorld, workerKey, type CallResult, type World , printGasTable } from './world.js'
import { actions, type Account } from 'near-api-js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }
const PENDING = 50
const VERSIONS = 100
const WORKERS = 100

/** 100 keys, just under the 1024-byte params cap */
function bigParams (): Record<string, number> {
  const p: Record<string, number> = {}
  for (let i = 0; i < 100; i++) p[`k${i}`] = i
  return p
}

function account (i: number, tag: string): string {
  return `${tag}${i}`.padEnd(50, 'x') + '.test.near'
}

describe('contract gas under the largest inputs', function () {
  this.timeout(600_000)
  let w: World
  const rows: Array<[string, bigint]> = []

  before(async () => { w = await startWorld({ workers: 1, accounts: WORKERS + 4, yieldTimeoutBlocks: 1_000_000 }) })
  after(async () => {
    await w?.stop()
    printGasTable(rows, 'largest input')
  })

  /** gas of the first receipt the contract ran */
  function first (r: CallResult): bigint {
    return r.receipts.find(x => x.executor === w.contractId)!.gas
  }

  function record (what: string, gas: bigint): void {
    assert.ok(gas < MAX_GAS, `${what} burnt ${gas} gas, more than 300 Tgas`)
    rows.push([what, gas])
  }

  async function measure (what: string, from: Account, method: string, args: Record<string, unknown>, deposit = 0n): Promise<CallResult> {
    const r = await call(w, from, method, args, deposit)
    record(`${method}: ${what}`, first(r))
    return r
  }

  it('request_execution, get_request and the cancel at the largest inputs (plain and escape-heavy)', async () => {
    const user = w.users[0]!
    const redundancy = { replicas: 7, quorum: 4, aggregation: 'identical' }
    const url = 'https://example.com/' + 'a'.repeat(2000)
    // 256 KiB plain, the input cap; 65 536 control characters, 384 KiB as written (the string cap), 6 × as quoted
    const inputs: Array<[string, string]> = [['256 KiB input', 'x'.repeat(256 * 1024)], ['64 Ki control characters as input', '\u0001'.repeat(64 * 1024 - 8)]]
    for (const [what, input] of inputs) {
      const big = await request(w, user, { source: { WasmUrl: { url, hash: 'ab'.repeat(32) } }, resource_limits: LIMITS, input_data: input, params: bigParams(), redundancy }, NEAR)
      const view = await measure(`${what}, returned inline`, user, 'get_request', { request_id: big.requestId })
      assert.equal((view.value as { input_data: string }).input_data, input)
      await measure(`a request with a ${what}`, w.root, 'emergency_cancel_execution', { request_id: big.requestId })
      const [requested, callback] = (await big.done).receipts.filter(x => x.executor === w.contractId)
      record(`request_execution: ${what}, 1 KB params, 2 KB url, R=7`, requested!.gas)
      record(`on_execution_response: after the cancel of a ${what} (the paid paths: gas.test.ts)`, callback!.gas)
    }
    await refused(call(w, user, 'request_execution', { source: WASM_SOURCE, resource_limits: LIMITS, input_data: 'x'.repeat(256 * 1024 + 1) }, NEAR), 'input_data must be at most 262144 bytes')
  })

  it(`get_pending_requests: full pages of ${PENDING}, each request with a 10 KB inline input (plain or escaped) and 1 KB params`, async () => {
    const user = w.users[0]!
    const redundancy = { replicas: 7, quorum: 4, aggregation: 'identical' }
    // the longest inputs still inline: 10 000 plain bytes, or 1 700 control characters (10 200 bytes quoted)
    const pages: Array<[string, string]> = [['10 KB plain inline input', 'x'.repeat(10_000)], ['1700 control characters inline (10 KB quoted)', '\u0001'.repeat(1700)]]
    for (let p = 0; p < pages.length; p++) {
      const [what, input] = pages[p]!
      // only sent until included: their yields stay open, and so would their connections
      for (let i = 0; i < PENDING; i++) {
        await user.signAndSendTransaction({
          receiverId: w.contractId, waitUntil: 'INCLUDED_FINAL',
          actions: [actions.functionCall('request_execution', { source: WASM_SOURCE, resource_limits: LIMITS, input_data: input, params: bigParams(), redundancy }, MAX_GAS, NEAR)]
        })
      }
      const page = await measure(`${PENDING} requests, each a ${what}, 1 KB params, R=7 (limit 100 asked)`, user, 'get_pending_requests', { from_index: p * PENDING, limit: 100 })
      assert.equal((page.value as Array<{ input_data?: string }>).length, PENDING, 'a page holds at most 50, whatever limit asks')
      assert.equal((page.value as Array<{ input_data?: string }>)[0]!.input_data, input, 'the input is inline')
    }
  })

  it('store_secrets and delete_secrets with 64 KiB of secrets and 64 conditions of 100 accounts', async () => {
    const owner = w.users[1]!
    // the most conditions that fit the 16 KiB access cap: a full Whitelist and 62 more small ones, nested 8 deep
    const whitelist = { Whitelist: { accounts: Array.from({ length: 100 }, (_, i) => account(i, 'w')) } }
    let nested: unknown = 'AllowAll'
    for (let i = 0; i < 7; i++) nested = { Not: { condition: nested } }
    const small = Array.from({ length: 54 }, (_, i) => ({ NearBalance: { operator: 'Gte', value: String(i) } }))
    const access = { Logic: { operator: 'And', conditions: [whitelist, nested, ...small] } }
    const accessor = { Repo: { repo: 'r'.repeat(256), branch: 'b'.repeat(256) } }
    const secrets = Buffer.alloc(64 * 1024, 7).toString('base64')
    assert.ok(JSON.stringify(access).length < 16 * 1024)
    await measure('64 KiB, 64 conditions (a Whitelist of 100), 16 KiB of access JSON', owner, 'store_secrets', { accessor, profile: 'p'.repeat(64), encrypted_secrets_base64: secrets, access }, 10n * NEAR)
    await measure('64 KiB record', owner, 'get_secrets', { accessor, profile: 'p'.repeat(64), owner: owner.accountId })
    await measure('64 KiB record', owner, 'delete_secrets', { accessor, profile: 'p'.repeat(64) })
  })

  it('projects: 2 KB urls, 100 versions listed', async () => {
    const owner = w.users[2]!
    const source = (i: number): Record<string, unknown> => ({ WasmUrl: { url: 'https://example.com/' + 'v'.repeat(2000), hash: i.toString(16).padStart(64, '0'), build_target: 'wasm32-wasip1' } })
    await measure('2 KB url', owner, 'create_project', { name: 'n'.repeat(64), source: source(0) }, NEAR)
    for (let i = 1; i < VERSIONS - 1; i++) await call(w, owner, 'add_version', { name: 'n'.repeat(64), source: source(i) }, NEAR)
    await measure('2 KB url, set active', owner, 'add_version', { name: 'n'.repeat(64), source: source(VERSIONS - 1) }, NEAR)
    await measure('', owner, 'set_active_version', { name: 'n'.repeat(64), version_key: (5).toString(16).padStart(64, '0') })
    const id = `${owner.accountId}/${'n'.repeat(64)}`
    await measure('', owner, 'get_project', { project_id: id })
    await measure('2 KB url', owner, 'get_version', { project_id: id, version_key: (5).toString(16).padStart(64, '0') })
    const list = await measure(`${VERSIONS} versions of 2 KB urls (limit 100)`, owner, 'list_versions', { project_id: id, from_index: 0, limit: 100 })
    assert.equal((list.value as unknown[]).length, VERSIONS)
  })

  it('workers: 100 registered, listed; admin methods', async () => {
    const accounts = w.users.slice(3, 3 + WORKERS - 1)
    await Promise.all(accounts.map(async (a, i) => await call(w, a, 'register_worker', { public_key: publicKeyOf(workerKey(1000 + i)) }, NEAR)))
    const last = w.users[3 + WORKERS - 1]!
    await measure('', last, 'register_worker', { public_key: publicKeyOf(workerKey(5000)) }, NEAR)
    const list = await measure(`${WORKERS} workers (limit 100)`, last, 'list_workers', { from_index: 0, limit: 100 })
    assert.equal((list.value as unknown[]).length, 100)
    await measure('', last, 'get_worker', { account_id: last.accountId })
    await measure('', last, 'unregister_worker', {})
    await measure('', w.root, 'set_config', { lease_blocks: 60, min_bond: NEAR.toString(), slash_share_bps: 1000, bond_cooldown_blocks: 400, stale_seconds: 600 })
    await measure('', w.root, 'set_pricing', await w.view('get_pricing'))
    await measure('', w.root, 'set_paused', { paused: false })
    await measure('', w.root, 'set_operator', { operator_id: w.operator.accountId })
    await measure('', w.root, 'set_owner', { owner_id: w.root.accountId })
    await measure('', last, 'get_config', {})
    await measure('1 KB params', last, 'estimate_execution_cost', { resource_limits: LIMITS, params: bigParams() })
  })
})
