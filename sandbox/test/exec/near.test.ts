/**
 * NEAR view queries from a P1 guest (outlayer.near_view) against a real localnet: pinned to the request's block
 * height, equal result hashes on two executors, caps refused deterministically, the RPC down a local failure.
 */
import { strict as assert } from 'node:assert'
import { Account, JsonRpcProvider, KeyPair, KeyPairSigner, type KeyPairString } from 'near-api-js'
import { startLocalnet, type Localnet } from '../../../localnet/index.js'
import { deployOutlayer } from '../../../scripts/deploy.js'
import { createExecutor, type Executor } from '../../exec/index.js'
import { createNearRpcProvider } from '../../exec/near/provider.js'
import { nearGuest } from './near-guest.js'
import { text, wabtReady } from './helpers.js'

const lines = (stdout: Uint8Array): unknown[] => text(stdout).trim().split('\n').map(l => JSON.parse(l) as unknown)

describe('exec: NEAR view queries (near_view)', function () {
  this.timeout(180_000)
  let net: Localnet
  let a: Executor
  let b: Executor
  let contractId: string
  let pinned: number
  let later: number
  const user = (): string => net.accounts[0].accountId

  before(async () => {
    await wabtReady
    net = await startLocalnet({ port: 0, blockTimeMs: 500, accounts: 2, exactFinality: true })
    ;({ contractId } = await deployOutlayer({ rpcUrl: net.rpcUrl, networkId: net.networkId, masterAccountId: net.root.accountId, masterSecretKey: net.root.secretKey }))
    a = createExecutor({ workers: 1, nearRpc: createNearRpcProvider(net.rpcUrl) })
    b = createExecutor({ workers: 1, nearRpc: createNearRpcProvider(net.rpcUrl) })
    // boot both threads and prepare the guest first: localnet keeps the state of its last 16 blocks only (8 s here),
    // and a cold preparation on a loaded box can take that long
    await Promise.all([a, b].map(async e => await e.execute(nearGuest(), { input: '{}' })))
    await net.produceBlocks(1)
    pinned = net.height() - 1
    // after `pinned`, the user's balance changes: a run pinned there must not see it
    const provider = new JsonRpcProvider({ url: net.rpcUrl })
    const signer = new KeyPairSigner(KeyPair.fromString(net.accounts[0].secretKey as KeyPairString))
    await new Account(user(), provider, signer).transfer({ receiverId: net.root.accountId, amount: 10n ** 24n })
    await net.produceBlocks(2)
    later = net.height() - 1
  })
  after(async () => { await Promise.all([a?.close(), b?.close()]); await net?.stop() })

  it('view_account and call_function read the state at the pinned height, the same on two executors', async () => {
    const account = JSON.stringify({ method: 'view_account', account_id: user() })
    const [ra, rb] = await Promise.all([a.execute(nearGuest(), { input: account, blockHeight: pinned }), b.execute(nearGuest(), { input: account, blockHeight: pinned })])
    assert.equal(ra.status, 'ok', ra.message)
    assert.equal(ra.result_hash, rb.result_hash)
    const [atAfter] = lines(ra.stdout) as Array<{ amount: string }>
    const rl = await a.execute(nearGuest(), { input: account, blockHeight: later })
    const [atLater] = lines(rl.stdout) as Array<{ amount: string }>
    assert.ok(BigInt(atAfter.amount) - BigInt(atLater.amount) >= 10n ** 24n, 'the transfer after the pinned height is not seen there')
    assert.notEqual(ra.result_hash, rl.result_hash)
    assert.equal(ra.transcript?.length, 1)
    assert.equal(ra.transcript?.[0]?.kind, 'near_rpc')

    const config = JSON.stringify({ method: 'call_function', account_id: contractId, method_name: 'get_config', args_base64: '' })
    const rc = await a.execute(nearGuest(), { input: config, blockHeight: pinned })
    assert.equal(rc.status, 'ok', rc.message)
    const [answer] = lines(rc.stdout) as Array<{ result_base64: string }>
    assert.equal(typeof JSON.parse(Buffer.from(answer.result_base64, 'base64').toString()), 'object')
  })

  it('errors about the query (no account, no code, no such method) are answers the guest gets, the same everywhere', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ method: 'view_account', account_id: 'nobody.test.near' }, 'UNKNOWN_ACCOUNT'],
      [{ method: 'call_function', account_id: user(), method_name: 'get_config', args_base64: '' }, 'NO_CONTRACT_CODE'],
      [{ method: 'call_function', account_id: contractId, method_name: 'no_such_method', args_base64: '' }, 'CONTRACT_EXECUTION_ERROR']
    ]
    for (const [query, error] of cases) {
      const [ra, rb] = await Promise.all([a, b].map(async e => await e.execute(nearGuest(), { input: JSON.stringify(query), blockHeight: pinned })))
      assert.equal(ra.status, 'ok', ra.message)
      assert.deepEqual(lines(ra.stdout), [{ error }])
      assert.equal(ra.result_hash, rb.result_hash)
    }
  })

  it('caps and malformed queries are refused the same way on every executor', async () => {
    const account = JSON.stringify({ method: 'view_account', account_id: user() })
    const runs = await Promise.all([a, b].map(async e => await e.execute(nearGuest(2), { input: account, blockHeight: pinned, near: { maxCalls: 1 } })))
    for (const r of runs) {
      assert.equal(r.status, 'ok', r.message)
      assert.deepEqual(lines(r.stdout)[1], { error: 'NEAR-calls-exceeded' })
    }
    assert.equal(runs[0].result_hash, runs[1].result_hash)
    const small = await a.execute(nearGuest(), { input: account, blockHeight: pinned, near: { maxResponseBytes: 10 } })
    assert.deepEqual(lines(small.stdout), [{ error: 'NEAR-response-too-large' }])
    const bad = await a.execute(nearGuest(), { input: '{"method":"view_state","account_id":"x.test.near"}', blockHeight: pinned })
    assert.deepEqual(lines(bad.stdout), [{ error: 'NEAR-request-invalid' }])
    // the args are paid for: a run that sends 16 KiB of args spends more fuel than one that sends none (same answer)
    const call = (args: string): string => JSON.stringify({ method: 'call_function', account_id: user(), method_name: 'get_config', args_base64: args })
    const [light, heavy] = await Promise.all([a.execute(nearGuest(), { input: call(''), blockHeight: pinned }), b.execute(nearGuest(), { input: call(Buffer.alloc(16384).toString('base64')), blockHeight: pinned })])
    assert.deepEqual([lines(light.stdout), lines(heavy.stdout)], [[{ error: 'NO_CONTRACT_CODE' }], [{ error: 'NO_CONTRACT_CODE' }]])
    assert.ok(heavy.fuel_used - light.fuel_used >= 16n * 16384n, `${heavy.fuel_used} vs ${light.fuel_used}`)
    const noHeight = await a.execute(nearGuest(), { input: account })
    assert.deepEqual(lines(noHeight.stdout), [{ error: 'NEAR-rpc-denied' }])
  })

  it('an RPC that is down or has no such block is a local failure, never a result', async () => {
    const down = createExecutor({ workers: 1, nearRpc: createNearRpcProvider('http://127.0.0.1:9/', 2_000) })
    try {
      const account = JSON.stringify({ method: 'view_account', account_id: user() })
      const r = await down.execute(nearGuest(), { input: account, blockHeight: pinned })
      assert.equal(r.status, 'host_error')
      const future = await a.execute(nearGuest(), { input: account, blockHeight: net.height() + 1_000_000 })
      assert.equal(future.status, 'host_error')
    } finally {
      await down.close()
    }
  })
})
