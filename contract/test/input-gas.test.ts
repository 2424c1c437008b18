/**
 * Worst-case gas of the methods whose inputs limits.ts bounds, each under the largest input it accepts: the
 * table "Worst case per method" in contract/README.md comes from this test's output. Views are sent as
 * transactions here so that their gas is measured too (nearcore caps a view at the same 300 Tgas).
 */
import assert from 'node:assert/strict'
import {
  MAX_GAS, NEAR, WASM_SOURCE, assignment, call, checkInvariant, commit, printGasTable, publicKeyOf, refused, reveal, request, responseOf,
  seal, startWorld, untilRevealing, workerKey, type Attested, type CallResult, type Sealed, type Worker, type World
} from './world.js'
import { EMPTY_TRANSCRIPT_HASH, sha256Hex } from '../../protocol/index.js'
import { createHash } from 'node:crypto'
import { base58 } from '@scure/base'
import { actions, encodeTransaction, type Account } from 'near-api-js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }
const PENDING = 50
const VERSIONS = 100
const WORKERS = 100
/** the world's own workers, so that R=7 can be drawn before the 100 of the workers test register */
const BASE_WORKERS = 7

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

  before(async () => { w = await startWorld({ workers: BASE_WORKERS, accounts: BASE_WORKERS + WORKERS + 4, yieldTimeoutBlocks: 1_000_000 }) })
  afterEach(async () => { await checkInvariant(w) })
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
      const big = await request(w, user, { source: { WasmUrl: { url, hash: 'ab'.repeat(32) } }, resource_limits: LIMITS, input_data: input, params: bigParams(), redundancy }, 4n * NEAR)
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
    await measure('every setting', w.root, 'set_config', { commit_window_blocks: 60, withhold_share_bps: 500, equivocation_share_bps: 5000, min_bond: NEAR.toString(), slash_share_bps: 1000, bond_cooldown_blocks: 400, stale_seconds: 600 })
    await measure('', w.root, 'set_pricing', await w.view('get_pricing'))
    await measure('', w.root, 'set_paused', { paused: false })
    await measure('', w.root, 'set_operator', { operator_id: w.operator.accountId })
    await measure('', w.root, 'set_owner', { owner_id: w.root.accountId })
    await measure('', last, 'get_config', {})
    await measure('1 KB params', last, 'estimate_execution_cost', { resource_limits: LIMITS, params: bigParams() })
  })

  it('the v2 flow at its largest inputs: 256 KiB input in state, R=7 of 106 workers, 256 KiB outputs', async () => {
    const user = w.users[0]!
    // every worker this world registered: its own 7 and the workers test's 99 (the 100th unregistered)
    const known = new Map<string, Worker>(w.workers.map(x => [x.id, x]))
    w.users.slice(3, 3 + WORKERS - 1).forEach((a, i) => known.set(a.accountId, { account: a, id: a.accountId, key: workerKey(1000 + i) }))
    const byId = (id: string): Worker => known.get(id) ?? assert.fail(`${id} is not a known worker`)
    // sent until included only: this flow outlasts the RPC's wait for a final transaction; its outcome is read at the end
    const requestId = (await w.view<{ requests: number }>('get_stats')).requests + 1
    const tx = await user.createSignedTransaction({
      receiverId: w.contractId,
      actions: [actions.functionCall('request_execution', { source: WASM_SOURCE, resource_limits: LIMITS, input_data: 'x'.repeat(256 * 1024), params: bigParams(), redundancy: { replicas: 7, quorum: 4, aggregation: 'identical' } }, MAX_GAS, 4n * NEAR)]
    })
    await w.provider.sendTransactionUntil(tx, 'INCLUDED_FINAL')
    const r = { requestId }
    const drawn = await assignment(w, r.requestId)
    const assigned = drawn.assigned.map(byId)
    const huge: Attested = { success: true, output: new Uint8Array(256 * 1024).fill(68), error: 'e'.repeat(1024), instructions: 1n }
    // another 256 KiB output than the quorum's, so that the resolve below stores its own (the costlier path)
    const otherOutput = Buffer.from(new Uint8Array(256 * 1024).fill(69)).toString('base64')
    await measure('256 KiB inline output, 1 KiB error', user, 'get_attestation_digest', { request_id: r.requestId, worker_id: assigned[0]!.id, ...responseOf(huge), salt: 'ab'.repeat(32) })
    // an equivocation on this open request: two results of one unassigned worker, each signed (the pool of 106 is rewritten)
    const liar = [...known.values()].find(x => !drawn.assigned.includes(x.id) && !drawn.backups.includes(x.id))!
    const signed = async (output: string): Promise<Record<string, unknown>> => {
      const s = await seal(w, liar, r.requestId, { success: true, output: Buffer.from(output), error: '', instructions: 1n })
      return { code_hash: WASM_SOURCE.WasmUrl.hash, success: true, output_hash: sha256Hex(output), error_hash: sha256Hex(''), instructions: '1', transcript_hash: EMPTY_TRANSCRIPT_HASH, signature: Buffer.from(s.signature).toString('base64') }
    }
    await measure('two signed results, a 64-character worker id, a pool of 106', w.users[1]!, 'report_equivocation', { request_id: r.requestId, worker_id: liar.id, a: await signed('1'), b: await signed('2') })
    const sealed: Sealed[] = []
    for (const [i, worker] of assigned.entries()) {
      if (i < 6) { sealed.push(await commit(w, worker, r.requestId, huge)); continue }
      const s = await seal(w, worker, r.requestId, huge)
      await measure('7th commit of R=7 (closes the phase)', worker.account, 'commit_result', { request_id: r.requestId, commit: s.commit })
      sealed.push(s)
    }
    await untilRevealing(w, r.requestId)
    await measure('R=7, 7 commits', user, 'get_assignment', { request_id: r.requestId })
    await measure('256 KiB', w.users[1]!, 'submit_execution_output', { request_id: r.requestId, output: otherOutput }, 4n * NEAR)
    await measure('7 reveals, 256 KiB output and 1 KiB error inline (349 KB of base64)', w.users[2]!, 'resolve_execution', {
      request_id: r.requestId, response: responseOf(huge), reveals: sealed.map(s => reveal(s))
    }, 4n * NEAR)
    const txHash = base58.encode(createHash('sha256').update(encodeTransaction(tx.transaction)).digest())
    const final = await w.provider.viewTransactionStatus({ txHash, accountId: user.accountId, waitUntil: 'FINAL' }) as unknown as { receipts_outcome: Array<{ outcome: { executor_id: string, gas_burnt: number } }> }
    const ran = final.receipts_outcome.filter(x => x.outcome.executor_id === w.contractId).map(x => BigInt(x.outcome.gas_burnt))
    record('request_execution: 256 KiB input kept in state, 1 KB params, R=7 drawn from 106', ran[0]!)
    record('on_execution_response: pays 7 workers and the resolver, returns 256 KiB, frees the 256 KiB input and both 256 KiB blobs', ran.at(-1)!)
  })
})
