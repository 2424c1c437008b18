import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createChain } from '../../chain/index.js'
import type { ChainError } from '../../chain/errors.js'
import { actions, run, settle, signTx, status, NEAR, TGAS, deploy, utf8, b64 } from './helpers.js'
import { testContract } from './fixtures.js'


describe('localnet core: persistence and transaction validity', function () {
  this.timeout(120_000)
  let dir: string
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'localnet-core-')) })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  it('a restart with the same data dir continues the chain, its state and a pending yield', async () => {
    const first = await createChain({ dataDir: dir, accounts: 2 })
    const { chain, root, accounts } = first
    await deploy(chain, root, 'p.test.near', await testContract(), 30n)
    await run({ chain, signer: accounts[0]!, receiverId: 'p.test.near', actions: [actions.functionCall('set_greeting', utf8('kept'), 30n * TGAS, 0n)] })
    await run({ chain, signer: accounts[0]!, receiverId: accounts[1]!.accountId, actions: [actions.transfer(7n * NEAR)] })
    const { hash: yieldTx } = chain.submitTx(await signTx({ chain, signer: accounts[0]!, receiverId: 'p.test.near', actions: [actions.functionCall('start_yield', new Uint8Array(0), 100n * TGAS, 0n)] }))
    for (let i = 0; i < 3; i++) await chain.produceBlock()
    const head = chain.head()
    const balance = chain.viewAccount(accounts[0]!.accountId).amount
    await chain.close()

    const second = await createChain({ dataDir: dir, accounts: 2 })
    const c2 = second.chain
    try {
      assert.deepEqual(second.root, root, 'same keys')
      assert.deepEqual(second.accounts, accounts)
      assert.equal(c2.head().height, head.height)
      assert.equal(c2.head().hash, head.hash)
      assert.equal(c2.viewAccount(accounts[0]!.accountId).amount, balance)
      assert.equal(c2.viewAccount(accounts[1]!.accountId).amount, (1007n * NEAR).toString())
      assert.equal(new TextDecoder().decode(c2.callView('p.test.near', 'get_greeting', new Uint8Array(0)).result), 'kept')
      assert.equal(c2.txStatus(yieldTx)?.status, 'included')
      const dataId = c2.callView('p.test.near', 'yield_id', new Uint8Array(0)).result
      const r = await run({ chain: c2, signer: accounts[1]!, receiverId: 'p.test.near', actions: [actions.functionCall('resume', Buffer.concat([dataId, utf8('after restart')]), 100n * TGAS, 0n)] })
      assert.deepEqual(status(r), { SuccessValue: b64('1') })
      assert.deepEqual(status(await settle(c2, yieldTx)), { SuccessValue: b64('resumed:after restart') })
      assert.ok(c2.head().height > head.height)
    } finally {
      await c2.close()
    }
  })

  it('refuses an expired or unknown block hash', async () => {
    const { chain, accounts } = await createChain({ accounts: 1, txValidityBlocks: 3 })
    try {
      const old = chain.head().hash
      for (let i = 0; i < 5; i++) await chain.produceBlock()
      const expired = await signTx({ chain, signer: accounts[0]!, receiverId: 'test.near', actions: [actions.transfer(1n)], blockHash: old })
      assert.throws(() => chain.submitTx(expired), (e: ChainError) => (e.rpc.data as any).TxExecutionError.InvalidTxError === 'Expired')
      const unknown = await signTx({ chain, signer: accounts[0]!, receiverId: 'test.near', actions: [actions.transfer(1n)], blockHash: '11111111111111111111111111111112' })
      assert.throws(() => chain.submitTx(unknown), (e: ChainError) => (e.rpc.data as any).TxExecutionError.InvalidTxError === 'Expired')
    } finally {
      await chain.close()
    }
  })

  it('waitTx follows NEAR\'s wait_until levels and final lags the head by two blocks', async () => {
    const { chain, accounts } = await createChain({ accounts: 2 })
    try {
      const { hash } = chain.submitTx(await signTx({ chain, signer: accounts[0]!, receiverId: accounts[1]!.accountId, actions: [actions.transfer(1n)] }))
      assert.equal((await chain.waitTx(hash, 'NONE')).status, 'pending')
      const executed = chain.waitTx(hash, 'EXECUTED_OPTIMISTIC')
      const final = chain.waitTx(hash, 'FINAL')
      await chain.produceBlock(); await chain.produceBlock()
      assert.equal((await executed).status, 'executed')
      await chain.produceBlock(); await chain.produceBlock()
      assert.equal((await final).status, 'final')
      assert.equal(chain.finalHead().height, chain.head().height - 2)
      await assert.rejects(chain.waitTx('11111111111111111111111111111111', 'FINAL'), (e: ChainError) => e.code === 'UNKNOWN_TRANSACTION')
      const feed = chain.feedBlock(chain.head().height - 2) as any
      assert.equal(feed.block.header.height, chain.head().height - 2)
      assert.ok(Array.isArray(feed.shards[0].receipt_execution_outcomes))
      const { hash: late } = chain.submitTx(await signTx({ chain, signer: accounts[0]!, receiverId: accounts[1]!.accountId, actions: [actions.transfer(2n)] }))
      const waiting = chain.waitTx(late, 'FINAL')
      await chain.close()
      await assert.rejects(waiting, (e: ChainError) => e.code === 'INTERNAL_ERROR', 'closing the chain ends pending waits')
    } finally {
      await chain.close()
    }
  })
})
