/**
 * Attacks on the contract's inputs and settings, each refused with nothing lost: the JSON reader's caps (linear
 * time, measured gas), strict argument schemas, secrets keys that never collide, config bounds, https-only public
 * sources, the v2 methods' schemas and caps, and the owner's emergency cancel of a resolved request. A refused call costs its signer exactly the gas
 * it burnt and leaves the contract's balance and state as they were.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { base58 } from '@scure/base'
import { actions, encodeTransaction, type Account } from 'near-api-js'
import {
  MAX_GAS, NEAR, RECEIPT_FEE, TGAS, WASM_SOURCE, call, checkInvariant, commit, events, ok, printGasTable, refused, request, responseOf,
  attempt, refusedNoLoss, reveal, startWorld, untilRevealing, type World
} from './world.js'

const LIMITS = { max_instructions: 1_000_000, max_memory_mb: 16, max_execution_seconds: 2 }

function keys (n: number, extra = ''): string {
  const parts: string[] = []
  for (let i = 0; i < n; i++) parts.push(`"k${i}":0`)
  return `{${parts.join(',')}${extra}}`
}

function requestBytes (paramsJson: string): Uint8Array {
  return new TextEncoder().encode(`{"source":${JSON.stringify(WASM_SOURCE)},"resource_limits":${JSON.stringify(LIMITS)},"params":${paramsJson}}`)
}

const rows: Array<[string, bigint]> = []
function record (what: string, gas: bigint): void {
  assert.ok(gas < MAX_GAS, `${what}: ${gas} gas is more than 300 Tgas`)
  rows.push([what, gas])
}

describe('contract hardening: inputs, schemas, secrets keys, settings, sources, cancels', function () {
  this.timeout(240_000)
  let w: World
  before(async () => { w = await startWorld({ workers: 1 }) })
  afterEach(async () => { await checkInvariant(w) })
  after(async () => {
    await w?.stop()
    printGasTable(rows)
  })

  describe('the JSON reader', () => {
    it('refuses a 2000-key params object cheaply (scenario 8: ~190 Tgas before), and a duplicate key among 200', async () => {
      const u = w.users[0]!
      const big = await refusedNoLoss(w, u, 'request_execution', requestBytes(keys(2000)), 'more than 256 keys in an object', NEAR)
      record('request_execution: params with 2000 keys (refused)', big.gas)
      assert.ok(big.gas < 10n * TGAS, `refused in ${big.gas} gas`)
      const dup = await refusedNoLoss(w, u, 'request_execution', requestBytes(keys(200, ',"k199":1')), 'duplicate key \\"k199\\"', NEAR)
      record('request_execution: 201 keys, the last a duplicate (refused)', dup.gas)
      await refusedNoLoss(w, u, 'request_execution', requestBytes(keys(3, ',"k0":1')), 'duplicate key \\"k0\\"', NEAR)
    })

    it('refuses nesting deeper than 32, arrays longer than 256, params longer than 1024 bytes', async () => {
      const u = w.users[0]!
      const deep = await refusedNoLoss(w, u, 'request_execution', requestBytes('['.repeat(40) + ']'.repeat(40)), 'nesting deeper than 32', NEAR)
      record('request_execution: params nested 40 deep (refused)', deep.gas)
      const long = await refusedNoLoss(w, u, 'request_execution', requestBytes(`{"a":[${new Array(5000).fill(0).join(',')}]}`), 'more than 256 items in an array', NEAR)
      record('request_execution: a 5000-item array (refused)', long.gas)
      await refusedNoLoss(w, u, 'request_execution', requestBytes(`{"a":"${'x'.repeat(1020)}"}`), 'params must be at most 1024 bytes', NEAR)
    })

    it('takes the largest params it accepts (100 keys, under 1024 bytes) and every view still reads the request cheaply', async () => {
      const u = w.users[0]!
      const before = await w.balance(u.accountId)
      const r = await request(w, u, { source: WASM_SOURCE, resource_limits: LIMITS, params: JSON.parse(keys(100)) as Record<string, unknown> }, NEAR)
      const view = await w.view<{ params: Record<string, unknown> }>('get_request', { request_id: r.requestId })
      assert.equal(Object.keys(view.params).length, 100)
      assert.equal((await w.view<unknown[]>('get_pending_requests', {})).length, 1)
      const cancel = await call(w, w.root, 'emergency_cancel_execution', { request_id: r.requestId })
      record('emergency_cancel_execution: a request with 100 params keys', cancel.receipts.filter(x => x.executor === w.contractId)[0]!.gas)
      const done = await r.done
      const requestGas = done.receipts.filter(x => x.executor === w.contractId)
      record('request_execution: params with 100 keys (1 KB, the most it takes)', requestGas[0]!.gas)
      assert.equal(events(cancel.logs, 'execution_cancelled')[0]!.refunded, NEAR.toString(), 'the whole deposit went back')
      assert.ok(before - await w.balance(u.accountId) < NEAR / 100n, 'the payer lost only gas')
      assert.deepEqual(await w.view('get_pending_requests', {}), [])
    })
  })

  describe('strict argument schemas', () => {
    it('refuses an unknown field in every method that takes arguments, and changes nothing', async () => {
      const u = w.users[0]!
      const owner = w.root
      const pricing = { base_fee: '1', per_million_instructions_fee: '1', compile_fee: '1', resolve_fee: '1' }
      const hash = 'ab'.repeat(32)
      const signed = { code_hash: hash, success: true, output_hash: hash, error_hash: hash, instructions: 1, transcript_hash: hash, signature: 'AA==' }
      const calls: Array<[Account, string, Record<string, unknown>, bigint]> = [
        [owner, 'set_owner', { owner_id: owner.accountId }, 0n],
        [owner, 'set_operator', { operator_id: owner.accountId }, 0n],
        [owner, 'set_paused', { paused: false }, 0n],
        [owner, 'set_pricing', pricing, 0n],
        [owner, 'set_config', { commit_window_blocks: 10 }, 0n],
        [owner, 'emergency_cancel_execution', { request_id: 1 }, 0n],
        [u, 'cancel_stale_execution', { request_id: 1 }, 0n],
        [u, 'register_worker', { public_key: 'ed25519:11111111111111111111111111111111' }, NEAR],
        [u, 'unregister_worker', {}, 0n],
        [u, 'withdraw_bond', {}, 0n],
        [u, 'create_project', { name: 'p', source: WASM_SOURCE }, NEAR],
        [u, 'add_version', { name: 'p', source: WASM_SOURCE }, NEAR],
        [u, 'set_active_version', { name: 'p', version_key: 'ab' }, 0n],
        [u, 'store_secrets', { accessor: { WasmHash: { hash: 'ab'.repeat(32) } }, profile: 'p', encrypted_secrets_base64: 'AA==', access: 'AllowAll' }, NEAR],
        [u, 'delete_secrets', { accessor: { WasmHash: { hash: 'ab'.repeat(32) } }, profile: 'p' }, 0n],
        [u, 'request_execution', { source: WASM_SOURCE, resource_limits: LIMITS }, NEAR],
        [u, 'commit_result', { request_id: 1, commit: hash }, 0n],
        [u, 'submit_execution_output', { request_id: 1, output: 'AA==' }, NEAR],
        [u, 'resolve_execution', { request_id: 1, response: responseOf(ok('x')), reveals: [] }, 0n],
        [u, 'report_equivocation', { request_id: 1, worker_id: u.accountId, a: signed, b: signed }, 0n]
      ]
      for (const [from, method, args, deposit] of calls) await refusedNoLoss(w, from, method, { ...args, zz: 1 }, `unknown field \\"zz\\" in ${method}`, deposit)
      const views: Array<[string, Record<string, unknown>]> = [
        ['get_request', { request_id: 1 }], ['get_pending_requests', {}], ['get_pricing', {}], ['get_config', {}],
        ['estimate_execution_cost', {}], ['get_max_limits', {}], ['get_stats', {}], ['get_worker', { account_id: u.accountId }],
        ['list_workers', {}], ['get_project', { project_id: 'a/b' }], ['get_version', { project_id: 'a/b', version_key: 'k' }],
        ['list_versions', { project_id: 'a/b' }], ['get_secrets', { accessor: { WasmHash: { hash: 'ab'.repeat(32) } }, profile: 'p', owner: u.accountId }],
        ['get_assignment', { request_id: 1 }], ['get_attestation_digest', { request_id: 1, worker_id: u.accountId, ...responseOf(ok('x')) }]
      ]
      for (const [method, args] of views) await refused(w.view(method, { ...args, zz: 1 }), `unknown field "zz" in ${method}`)
      await refused(w.view('estimate_execution_cost', { resource_limits: { ...LIMITS, max_cpus: 1 } }), 'unknown field "max_cpus" in resource_limits')
    })

    it('caps every string a method stores or looks up', async () => {
      const u = w.users[0]!
      const hash = 'ab'.repeat(32)
      await refused(w.view('get_project', { project_id: 'a/' + 'b'.repeat(128) }), 'project_id must be at most 129 characters')
      await refused(w.view('get_version', { project_id: 'a/b', version_key: 'k'.repeat(129) }), 'version_key must be at most 128 characters')
      await refused(w.view('get_attestation_digest', { request_id: 1, worker_id: 'w'.repeat(65), ...responseOf(ok('x')), data_id: hash, input_hash: hash, seed: hash }), 'worker_id must be at most 64 characters')
      const signed = { code_hash: hash, success: true, output_hash: hash, error_hash: hash, instructions: 1, transcript_hash: hash, signature: 'AA==' }
      const open = await request(w, u, { source: WASM_SOURCE, resource_limits: LIMITS }, NEAR)
      await refusedNoLoss(w, u, 'report_equivocation', { request_id: open.requestId, worker_id: 'w'.repeat(65), a: signed, b: signed }, 'worker_id must be at most 64 characters')
      await commit(w, w.workers[0]!, open.requestId, ok('x'))
      await untilRevealing(w, open.requestId)
      await refusedNoLoss(w, u, 'resolve_execution', { request_id: open.requestId, response: responseOf(ok('x')), reveals: [{ worker_id: 'w'.repeat(65), salt: hash, signature: 'AA==' }] }, 'worker_id must be at most 64 characters')
      await call(w, w.root, 'emergency_cancel_execution', { request_id: open.requestId })
      await open.done
      await refusedNoLoss(w, u, 'request_execution', { source: { Project: { project_id: 'a/' + 'b'.repeat(128) } } }, 'project_id must be at most 129', NEAR)
      await refusedNoLoss(w, u, 'request_execution', { source: { WasmUrl: { url: 'https://example.com/' + 'a'.repeat(2048), hash } } }, 'url must be 1..2048 characters', NEAR)
      await refusedNoLoss(w, u, 'request_execution', { source: { GitHub: { repo: 'a/' + 'b'.repeat(256), commit: 'abc' } } }, 'repo must be 1..256 characters', NEAR)
      await refusedNoLoss(w, u, 'request_execution', { source: { GitHub: { repo: 'a/b', commit: 'c'.repeat(65) } } }, 'commit must be 1..64 characters', NEAR)
      await refusedNoLoss(w, u, 'request_execution', { source: WASM_SOURCE, payer_account_id: 'a'.repeat(65) }, 'not a valid account id', NEAR)
      await refusedNoLoss(w, u, 'store_secrets', { accessor: { Repo: { repo: 'a/b', branch: 'x'.repeat(257) } }, profile: 'p', encrypted_secrets_base64: 'AA==', access: 'AllowAll' }, 'branch must be 1..256', NEAR)
      await refusedNoLoss(w, u, 'store_secrets', { accessor: { WasmHash: { hash } }, profile: 'p'.repeat(65), encrypted_secrets_base64: 'AA==', access: 'AllowAll' }, 'profile must be 1..64', NEAR)
      const whitelist = { Whitelist: { accounts: Array.from({ length: 100 }, (_, i) => `${i}`.padEnd(54, 'a') + '.test.near') } }
      await refusedNoLoss(w, u, 'store_secrets', { accessor: { WasmHash: { hash } }, profile: 'p', encrypted_secrets_base64: 'AA==', access: { Logic: { operator: 'Or', conditions: [whitelist, whitelist, whitelist] } } }, 'access conditions are limited to 16384 bytes', NEAR)
    })
  })

  describe('secrets keys', () => {
    it('keeps (accessor, profile) pairs apart even when their parts hold | and @', async () => {
      const owner = w.users[1]!
      const store = async (accessor: Record<string, unknown>, profile: string, secret: string): Promise<bigint> => {
        const r = await call(w, owner, 'store_secrets', { accessor, profile, encrypted_secrets_base64: Buffer.from(secret).toString('base64'), access: 'AllowAll' }, NEAR)
        return BigInt(String(events(r.logs, 'secrets_stored')[0]!.storage_cost))
      }
      const get = async (accessor: Record<string, unknown>, profile: string): Promise<string | undefined> => {
        const r = await w.view<{ encrypted_secrets_base64: string } | null>('get_secrets', { accessor, profile, owner: owner.accountId })
        return r == null ? undefined : Buffer.from(r.encrypted_secrets_base64, 'base64').toString()
      }
      // before: both pairs of each line were stored under one key, `s:<owner>|repo:x|y|z` and `s:<owner>|repo:a@b|p`
      const pairs: Array<[Record<string, unknown>, string, Record<string, unknown>, string]> = [
        [{ Repo: { repo: 'x|y' } }, 'z', { Repo: { repo: 'x' } }, 'y|z'],
        [{ Repo: { repo: 'a@b' } }, 'p', { Repo: { repo: 'a', branch: 'b' } }, 'p'],
        [{ Project: { project_id: 'o/n|p' } }, 'q', { Project: { project_id: 'o/n' } }, 'p|q']
      ]
      for (const [a1, p1, a2, p2] of pairs) {
        const paid = await store(a1, p1, 'first')
        await store(a2, p2, 'second')
        assert.equal(await get(a1, p1), 'first', 'the second store did not overwrite the first')
        assert.equal(await get(a2, p2), 'second')
        const before = await w.balance(owner.accountId)
        const deleted = await attempt(w, owner, 'delete_secrets', { accessor: a1, profile: p1 })
        assert.equal(deleted.panic, '')
        assert.equal(await w.balance(owner.accountId), before - deleted.burnt + paid, 'the delete refunds exactly what the store charged')
        assert.equal(await get(a1, p1), undefined)
        assert.equal(await get(a2, p2), 'second', 'deleting one pair leaves the other')
        await call(w, owner, 'delete_secrets', { accessor: a2, profile: p2 })
      }
    })
  })

  describe('settings bounds', () => {
    it('refuses every setting outside its bounds and takes both ends', async () => {
      const owner = w.root
      const bounds: Array<[string, bigint | number, bigint | number]> = [
        ['commit_window_blocks', 1, 75], ['withhold_share_bps', 0, 5000], ['equivocation_share_bps', 1000, 10_000],
        ['slash_share_bps', 100, 5000], ['bond_cooldown_blocks', 200, 1_000_000],
        ['stale_seconds', 1, 604_800], ['min_bond', NEAR / 100n, 100_000n * NEAR]
      ]
      const original = await w.view<Record<string, unknown>>('get_config')
      for (const [key, min, max] of bounds) {
        const str = (v: bigint | number): string | number => typeof v === 'bigint' ? v.toString() : v
        const below = typeof min === 'bigint' ? min - 1n : min - 1
        const above = typeof max === 'bigint' ? max + 1n : max + 1
        if (Number(min) > 0) await refusedNoLoss(w, owner, 'set_config', { [key]: str(below) }, `${key} must be`)
        await refusedNoLoss(w, owner, 'set_config', { [key]: str(above) }, `${key} must be`)
        await call(w, owner, 'set_config', { [key]: str(min) })
        await call(w, owner, 'set_config', { [key]: str(max) })
        assert.equal(String((await w.view<Record<string, unknown>>('get_config'))[key]), String(max))
      }
      await call(w, owner, 'set_config', Object.fromEntries(bounds.map(([k]) => [k, original[k]])))
      // the network bound into every digest is fixed at `new`
      await refusedNoLoss(w, owner, 'set_config', { network_id: 'mainnet' }, 'unknown field \\"network_id\\" in set_config')
      const fees = { base_fee: '1', per_million_instructions_fee: '1', compile_fee: '1', resolve_fee: '1' }
      const caps: Record<string, bigint> = {
        base_fee: 100n * NEAR, per_million_instructions_fee: 100n * NEAR / 500_000n, compile_fee: 100n * NEAR, resolve_fee: 100n * NEAR
      }
      const pricing = await w.view<Record<string, string>>('get_pricing')
      for (const [key, cap] of Object.entries(caps)) {
        await refusedNoLoss(w, owner, 'set_pricing', { ...fees, [key]: (cap + 1n).toString() }, `${key} must be at most`)
        await call(w, owner, 'set_pricing', { ...fees, [key]: cap.toString() })
      }
      await call(w, owner, 'set_pricing', pricing)
      assert.deepEqual(await w.view('get_config'), original)
    })
  })

  describe('sources', () => {
    const hash = 'cd'.repeat(32)
    const badUrls = [
      'http://example.com/a.wasm', 'file:///etc/passwd', 'ipfs://bafy/a.wasm', 'HTTP://example.com/a.wasm',
      'https://localhost/a.wasm', 'https://LOCALHOST./a.wasm', 'https://api.localhost/a', 'https://printer.local/a', 'https://metadata.internal/a',
      'https://127.0.0.1/a', 'https://127.1/a', 'https://2130706433/a', 'https://0x7f000001/a', 'https://0x7f.0.0.1/a', 'https://017700000001/a',
      'https://0177.0.0.1/a', 'https://0/a', 'https://10.1.2.3/a', 'https://172.16.0.1/a', 'https://172.31.255.255/a', 'https://192.168.1.1/a',
      'https://169.254.169.254/latest/meta-data', 'https://100.64.0.1/a', 'https://[::1]/a', 'https://[::]/a', 'https://[fc00::1]/a',
      'https://[fd12:3456::1]/a', 'https://[fe80::1]/a', 'https://[::ffff:127.0.0.1]/a', 'https://[::ffff:7f00:1]/a', 'https://[::ffff:10.0.0.1]:443/a',
      'https://user@example.com/a', 'https://example.com@127.0.0.1/a', 'https://example.com\@127.0.0.1/a', 'https://127.0.0.1:8080/a',
      'https://1.2.3.4.5/a', 'https://256.1.1.1/a', 'https://ex ample.com/a', 'https://%31%32%37.0.0.1/a', 'https://exämple.com/a', 'https:///a', 'https://:443/a'
    ]
    it('refuses http, file, ipfs and every spelling of a private address, as WasmUrl and as GitHub repo', async () => {
      const u = w.users[2]!
      for (const url of badUrls) {
        await refusedNoLoss(w, u, 'create_project', { name: 'bad', source: { WasmUrl: { url, hash } } }, 'WasmUrl url', NEAR)
        await refusedNoLoss(w, u, 'create_project', { name: 'bad', source: { GitHub: { repo: url, commit: 'abc' } } }, 'GitHub repo', NEAR)
      }
      await refusedNoLoss(w, u, 'request_execution', { source: { WasmUrl: { url: 'http://127.0.0.1:9/a.wasm', hash } }, resource_limits: LIMITS }, 'only https URLs of public hosts', NEAR)
      await refusedNoLoss(w, u, 'create_project', { name: 'bad', source: { GitHub: { repo: 'git@github.com:a/b', commit: 'abc' } } }, 'must be owner/name or an https URL', NEAR)
      assert.equal(await w.view('get_project', { project_id: `${u.accountId}/bad` }), null)
    })

    it('takes https URLs of public hosts and owner/name repos', async () => {
      const u = w.users[2]!
      const good = ['https://example.com/a.wasm', 'https://8.8.8.8/a.wasm', 'https://[2001:db8::1]/a.wasm', 'https://cdn.example.com:8443/x?y=1#z', 'https://172.32.0.1/a']
      for (let i = 0; i < good.length; i++) await call(w, u, 'create_project', { name: `good${i}`, source: { WasmUrl: { url: good[i], hash } } }, NEAR)
      await call(w, u, 'create_project', { name: 'repo1', source: { GitHub: { repo: 'near/outlayer-examples', commit: 'abc' } } }, NEAR)
      await call(w, u, 'create_project', { name: 'repo2', source: { GitHub: { repo: 'https://github.com/near/outlayer-examples', commit: 'abc' } } }, NEAR)
    })
  })

  describe('emergency cancel', () => {
    let m: World
    before(async () => { m = await startWorld({ workers: 1, blockTimeMs: 0 }) })
    afterEach(async () => { await checkInvariant(m) })
    after(async () => { await m?.stop() })

    it('refuses a resolved request: the payer is not refunded after the workers were paid', async () => {
      const [user] = m.users
      const worker = m.workers[0]!
      const r = await request(m, user!, { source: WASM_SOURCE, resource_limits: LIMITS }, NEAR)
      const result = ok('resolved')
      const sealed = await commit(m, worker, r.requestId, result)
      await untilRevealing(m, r.requestId)
      const contractBefore = await m.balance(m.contractId)
      // resolve and cancel land in one block, in that order: the cancel sees the request resolved, before its callback
      const resolveTx = await m.operator.createSignedTransaction({
        receiverId: m.contractId, actions: [actions.functionCall('resolve_execution', { request_id: r.requestId, response: responseOf(result), reveals: [reveal(sealed)] }, MAX_GAS, 0n)]
      })
      const cancelTx = await m.root.createSignedTransaction({
        receiverId: m.contractId, actions: [actions.functionCall('emergency_cancel_execution', { request_id: r.requestId }, MAX_GAS, 0n)]
      })
      m.blocks.pause()
      await m.provider.sendTransactionUntil(resolveTx, 'NONE')
      await m.provider.sendTransactionUntil(cancelTx, 'NONE')
      await m.net.produceBlocks(1)
      m.blocks.resume()
      const cancelHash = base58.encode(createHash('sha256').update(encodeTransaction(cancelTx.transaction)).digest())
      const cancelOutcome = await m.provider.viewTransactionStatus({ txHash: cancelHash, accountId: m.root.accountId, waitUntil: 'FINAL' }) as unknown as { status: { Failure?: unknown } }
      assert.match(JSON.stringify(cancelOutcome.status.Failure), /is resolved and cannot be cancelled/, 'the cancel ran after the resolve, before the callback')
      const done = await r.done
      assert.equal(done.value, 'resolved', 'the caller got the attested output')
      const completed = events(done.logs, 'execution_completed')[0]!
      const cancelled = events(done.logs, 'execution_cancelled')
      assert.equal(cancelled.length, 0)
      const paid = BigInt(String(completed.payment_charged))
      const refundedToPayer = BigInt(String(completed.payment_refunded))
      assert.equal(paid + refundedToPayer, NEAR, 'the deposit was settled once: workers and resolver paid, the rest refunded')
      assert.equal(await m.balance(m.contractId), contractBefore - NEAR + RECEIPT_FEE, 'the contract paid out the deposit once, not twice (it keeps the receipt fee)')
      const stats = await m.view<Record<string, unknown>>('get_stats')
      assert.equal(stats.cancelled ?? 0, 0)
      assert.equal((await m.view<{ status: string }>('get_request', { request_id: r.requestId })).status, 'completed')
    })
  })
})
