import { strict as assert } from 'node:assert'
import { Account, KeyPair, KeyPairSigner, actions, type KeyPairString } from 'near-api-js'
import { createOutlayerClient, type OutlayerClient } from '../../chain/index.js'
import { deriveAccessKey, POOL_METHODS } from '../../chain/key-pool.js'
import { startChain, type TestChain } from '../roles/chain.js'

const SOURCE = { WasmUrl: { url: 'https://example.org/never.wasm', hash: 'ab'.repeat(32) } }
const TGAS = 10n ** 12n

describe('chain client: a pool of access keys per worker account', function () {
  this.timeout(120_000)
  let chain: TestChain
  let worker: { accountId: string, secretKey: string }
  let pooled: OutlayerClient
  /** an Account signing with the worker's derived key `index`, as another holder of it (or a thief) would */
  const holderOf = (index: number): Account =>
    new Account(worker.accountId, pooled.provider, new KeyPairSigner(KeyPair.fromString(deriveAccessKey(worker.secretKey, index) as KeyPairString)))
  const nonces = async (): Promise<Map<string, bigint>> => {
    const list = await pooled.provider.viewAccessKeyList({ accountId: worker.accountId, finalityQuery: { finality: 'optimistic' } })
    return new Map(list.keys.map(k => [String(k.public_key), BigInt(k.access_key.nonce)]))
  }
  /** commits to `n` fresh requests at once through the pool; resolves once the chain shows every commit */
  async function commitConcurrently (n: number): Promise<string[]> {
    const ids = await Promise.all(Array.from({ length: n }, async (_, i) => await chain.request({ source: SOURCE, input: `{"i":${i},"t":${Date.now()}}` })))
    const sent = await Promise.all(ids.map(async (id, i) => await pooled.commitResult(id, i.toString(16).padStart(2, '0').repeat(32))))
    assert.equal(new Set(sent.map(s => s.txHash)).size, n, 'distinct transactions')
    for (const id of ids) {
      const assignment = await pooled.getAssignment(id)
      assert.ok(assignment?.commits.some(c => c.worker_id === worker.accountId), `the commit to ${id} landed`)
    }
    return ids
  }

  before(async () => {
    chain = await startChain({ workers: 1, commitWindowBlocks: 60 })
    worker = chain.net.accounts[1]!
    pooled = createOutlayerClient({ rpcUrl: chain.net.rpcUrl, contractId: chain.contractId, accountId: worker.accountId, secretKey: worker.secretKey, accessKeys: 4 })
  })
  after(async () => { await chain?.stop() })

  it('refuses a pool size out of range with a clear error', () => {
    for (const accessKeys of [0, 33, 1.5]) {
      assert.throws(() => createOutlayerClient({ rpcUrl: chain.net.rpcUrl, contractId: chain.contractId, accountId: worker.accountId, secretKey: worker.secretKey, accessKeys }),
        (err: Error & { code?: string }) => err.name === 'ChainError' && err.code === 'BAD_KEY_POOL')
    }
  })

  it('adds the missing function-call keys once, replaces one with a foreign permission, and a restart adds none', async () => {
    // key 3 already on the account, but restricted to another receiver: ensure must not trust it as ours
    const full = new Account(worker.accountId, pooled.provider, new KeyPairSigner(KeyPair.fromString(worker.secretKey as KeyPairString)))
    await full.addFunctionCallAccessKey({ publicKey: KeyPair.fromString(deriveAccessKey(worker.secretKey, 3) as KeyPairString).getPublicKey(), contractId: chain.net.root.accountId, methodNames: [] })
    assert.equal(pooled.accessKeys().length, 1, 'only the account key before ensure')

    const { added } = await pooled.ensureAccessKeys()
    assert.equal(added.length, 3)
    assert.equal(pooled.accessKeys().length, 4)
    const list = await pooled.provider.viewAccessKeyList({ accountId: worker.accountId, finalityQuery: { finality: 'optimistic' } })
    for (const pk of pooled.accessKeys().slice(1)) {
      const permission = list.keys.find(k => String(k.public_key) === pk)?.access_key.permission as { FunctionCall?: { receiver_id: string, method_names: string[], allowance: unknown } }
      assert.equal(permission?.FunctionCall?.receiver_id, chain.contractId, `${pk} is restricted to our contract`)
      assert.deepEqual([...permission.FunctionCall.method_names].sort(), [...POOL_METHODS].sort())
    }

    const restarted = createOutlayerClient({ rpcUrl: chain.net.rpcUrl, contractId: chain.contractId, accountId: worker.accountId, secretKey: worker.secretKey, accessKeys: 4 })
    assert.deepEqual(await restarted.ensureAccessKeys(), { added: [] })
    assert.deepEqual(restarted.accessKeys(), pooled.accessKeys(), 'the same keys, derived again')
  })

  it('spreads concurrent commits from one account over the keys and loses none', async () => {
    const before = await nonces()
    await commitConcurrently(8)
    const after = await nonces()
    const used = pooled.accessKeys().filter(pk => (after.get(pk) ?? 0n) > (before.get(pk) ?? 0n))
    assert.ok(used.length > 1, `more than one key signed (${used.length})`)
  })

  it('recovers a nonce conflict forced on one key without losing a transaction', async () => {
    // another holder of key 1 moves its nonce past what the pool has cached: the pool's next send on it conflicts
    const other = holderOf(1)
    const key1 = pooled.accessKeys()[1]!
    const cached = (await nonces()).get(key1)!
    for (let i = 0; i < 3; i++) {
      await other.signAndSendTransaction({ receiverId: chain.contractId, actions: [actions.functionCall('commit_result', { request_id: 999_999, commit: 'ff'.repeat(32) }, 30n * TGAS, 0n)], throwOnFailure: false })
    }
    assert.equal((await nonces()).get(key1), cached + 3n, 'the other holder took three nonces')
    const conflicts = pooled.nonceConflicts()
    await commitConcurrently(8)
    assert.ok(pooled.nonceConflicts() > conflicts, 'the pool met the conflict and re-signed')
    assert.ok((await nonces()).get(key1)! > cached + 3n, 'the pool signed with key 1 again, past the conflict')
  })

  it('a function-call key cannot transfer, call another contract, call another method or attach a deposit (attacker view)', async () => {
    const thief = holderOf(2)
    const balance = (await pooled.provider.viewAccount({ accountId: worker.accountId })).amount
    const refused = (err: Error): boolean => /AccessKey|FullAccess|Receiver|MethodName|Deposit/i.test(`${err.name} ${err.message}`)
    await assert.rejects(thief.transfer({ receiverId: chain.net.root.accountId, amount: 10n ** 24n }), refused)
    await assert.rejects(thief.callFunction({ contractId: chain.net.root.accountId, methodName: 'commit_result', args: {} }), refused)
    await assert.rejects(thief.callFunction({ contractId: chain.contractId, methodName: 'unregister_worker', args: {} }), refused)
    await assert.rejects(thief.callFunction({ contractId: chain.contractId, methodName: 'withdraw_bond', args: {} }), refused)
    await assert.rejects(thief.callFunction({ contractId: chain.contractId, methodName: 'commit_result', args: {}, deposit: 1n }), refused)
    await assert.rejects(thief.addFullAccessKey(KeyPair.fromRandom('ed25519').getPublicKey()), refused)
    assert.equal((await pooled.provider.viewAccount({ accountId: worker.accountId })).amount, balance, 'nothing was spent: refused before execution')
    assert.ok(await pooled.getWorker(worker.accountId) != null, 'still registered')
  })
})
