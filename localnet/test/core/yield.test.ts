import assert from 'node:assert/strict'
import { createChain } from '../../chain/index.js'
import type { Chain, KeyedAccount } from '../../chain/api.js'
import { actions, run, settle, signTx, status, TGAS, deploy, utf8, b64 } from './helpers.js'
import { testContract } from './fixtures.js'


describe('localnet core: yield/resume (NEP-519)', function () {
  this.timeout(180_000)
  let chain: Chain
  let root: KeyedAccount
  let user: KeyedAccount
  const A = 'ya.test.near'
  const B = 'yb.test.near'

  const callArgs = (contract: string, method: string, args: Uint8Array) =>
    ({ chain, signer: user, receiverId: contract, actions: [actions.functionCall(method, args, 100n * TGAS, 0n)] })

  /** Starts a yield; returns the tx hash and the data id once the yielding receipt has run. */
  const startYield = async (): Promise<{ hash: string, dataId: Uint8Array }> => {
    const { hash } = chain.submitTx(await signTx(callArgs(A, 'start_yield', new Uint8Array(0))))
    for (let i = 0; i < 5; i++) await chain.produceBlock()
    assert.equal(chain.txStatus(hash)?.status, 'included', 'the yielding tx waits for its callback')
    const dataId = chain.callView(A, 'yield_id', new Uint8Array(0)).result
    assert.equal(dataId.length, 32)
    return { hash, dataId }
  }
  const resume = async (contract: string, dataId: Uint8Array, payload: Uint8Array) =>
    await run(callArgs(contract, 'resume', Buffer.concat([dataId, payload])))

  before(async () => {
    const c = await createChain({ accounts: 1 })
    chain = c.chain; root = c.root; user = c.accounts[0]!
    const wasm = await testContract()
    for (const id of [A, B]) {
      await deploy(chain, root, id, wasm)
    }
  })
  after(async () => { await chain.close() })

  it('resumes in time: the callback gets the payload in a later block', async () => {
    const { hash, dataId } = await startYield()
    const r = await resume(A, dataId, utf8('payload-1'))
    assert.deepEqual(status(r), { SuccessValue: b64('1') })
    const done = await settle(chain, hash)
    assert.deepEqual(status(done), { SuccessValue: b64('resumed:payload-1') })
    const outs = (done.outcome as any).receipts_outcome
    assert.equal(outs.length, 2, 'the yielding call and its callback')
    const receipts = done.receipts as any[]
    assert.equal(receipts[1].receipt.Action.is_promise_yield, true)
  })

  it('the first resume wins; a second returns false', async () => {
    const { hash, dataId } = await startYield()
    assert.deepEqual(status(await resume(A, dataId, utf8('first'))), { SuccessValue: b64('1') })
    assert.deepEqual(status(await resume(A, dataId, utf8('second'))), { SuccessValue: b64('0') })
    assert.deepEqual(status(await settle(chain, hash)), { SuccessValue: b64('resumed:first') })
  })

  it('an unknown data id and a resume from another contract return false', async () => {
    assert.deepEqual(status(await resume(A, new Uint8Array(32).fill(7), utf8('x'))), { SuccessValue: b64('0') })
    const { hash, dataId } = await startYield()
    assert.deepEqual(status(await resume(B, dataId, utf8('from B'))), { SuccessValue: b64('0') })
    assert.deepEqual(status(await resume(A, dataId, utf8('from A'))), { SuccessValue: b64('1') })
    assert.deepEqual(status(await settle(chain, hash)), { SuccessValue: b64('resumed:from A') })
  })

  it('a payload over 1024 bytes fails the resuming call', async () => {
    const { hash, dataId } = await startYield()
    const big = await resume(A, dataId, new Uint8Array(1025).fill(1))
    assert.deepEqual(status(big).Failure.ActionError.kind, { FunctionCallError: { ExecutionError: 'Yield resume payload is 1025 bytes which exceeds the 1024 byte limit' } })
    assert.deepEqual(status(await resume(A, dataId, new Uint8Array(1024).fill(1))), { SuccessValue: b64('1') }, '1024 bytes is allowed, and the yield was still waiting')
    assert.equal(status(await settle(chain, hash)).SuccessValue.length > 0, true)
  })

  it('resumes in the block right after the yield', async () => {
    const { hash: h1 } = chain.submitTx(await signTx(callArgs(A, 'start_yield', new Uint8Array(0))))
    await chain.produceBlock() // tx -> receipt
    await chain.produceBlock() // the receipt runs: the yield exists from this block
    const dataId = chain.callView(A, 'yield_id', new Uint8Array(0)).result
    assert.deepEqual(status(await resume(A, dataId, utf8('soon'))), { SuccessValue: b64('1') })
    assert.deepEqual(status(await settle(chain, h1)), { SuccessValue: b64('resumed:soon') })
  })

  it('resumes in the same call (and so the same block) as the yield', async () => {
    const s = await run(callArgs(A, 'yield_resume_now', new Uint8Array(0)))
    assert.deepEqual(status(s), { SuccessValue: b64('resumed:now') })
    assert.deepEqual((s.outcome as any).receipts_outcome[0].outcome.logs, ['resumed at once'])
  })

  it('times out after the real 200 blocks: the callback sees a failed promise', async () => {
    const { hash } = await startYield()
    const t0 = Date.now()
    let blocks = 0
    while (chain.txStatus(hash)?.status === 'included') { await chain.produceBlock(); blocks++; assert.ok(blocks < 260, 'timed out in time') }
    const ms = Date.now() - t0
    const [yielded, callback] = (chain.txStatus(hash)!.outcome as any).receipts_outcome.map((o: any) => chain.block({ hash: o.block_hash })!.height)
    process.stderr.write(`      yield timed out ${callback - yielded} blocks after the yield; ${blocks} blocks produced in ${ms} ms\n`)
    assert.equal(callback - yielded, 200)
    assert.deepEqual(status(chain.txStatus(hash)!), { SuccessValue: b64('timeout') })
    const dataIdLate = chain.callView(A, 'yield_id', new Uint8Array(0)).result
    assert.deepEqual(status(await resume(A, dataIdLate, utf8('late'))), { SuccessValue: b64('0') }, 'a resume after the timeout is refused')
  })
})
