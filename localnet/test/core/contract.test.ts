import assert from 'node:assert/strict'
import { createChain } from '../../chain/index.js'
import type { Chain, KeyedAccount } from '../../chain/api.js'
import { ChainError } from '../../chain/errors.js'
import { actions, run, status, NEAR, TGAS, deploy, utf8, text, b64 } from './helpers.js'
import { nearHello, testContract } from './fixtures.js'


describe('localnet core: contracts', function () {
  this.timeout(120_000)
  let chain: Chain
  let root: KeyedAccount
  let user: KeyedAccount
  const A = 'a.test.near'
  const B = 'b.test.near'

  const call = async (contract: string, method: string, args: Uint8Array | string = new Uint8Array(0), opts: { gas?: bigint, deposit?: bigint, signer?: KeyedAccount } = {}) =>
    await run({ chain, signer: opts.signer ?? user, receiverId: contract, actions: [actions.functionCall(method, typeof args === 'string' ? utf8(args) : args, opts.gas ?? 100n * TGAS, opts.deposit ?? 0n)] })

  before(async () => {
    const c = await createChain({ accounts: 1 })
    chain = c.chain; root = c.root; user = c.accounts[0]!
    const wasm = await testContract()
    for (const id of [A, B]) {
      const s = await deploy(chain, root, id, wasm)
      assert.deepEqual(status(s), { SuccessValue: '' })
    }
  })
  after(async () => { await chain.close() })

  it('deploys, stores, logs, and answers a view', async () => {
    const s = await call(A, 'set_greeting', 'hello')
    assert.deepEqual(status(s), { SuccessValue: '' })
    const logs = (s.outcome as any).receipts_outcome[0].outcome.logs
    assert.deepEqual(logs[0], 'greeting set')
    assert.match(logs[1], /^EVENT_JSON:/)
    const v = chain.callView(A, 'get_greeting', new Uint8Array(0))
    assert.equal(text(v.result), 'hello')
    const state = chain.viewState(A, utf8('greet'))
    assert.deepEqual(state.values, [{ key: b64('greeting'), value: b64('hello') }])
    const acct = chain.viewAccount(A)
    assert.ok(acct.storage_usage > 100 + (await testContract()).length, 'code and data count as storage')
    assert.notEqual(acct.code_hash, '11111111111111111111111111111111')
    const code = chain.viewCode(A)
    assert.equal(Buffer.from(code.code_base64, 'base64').length, (await testContract()).length)
  })

  it('shows the caller and the deposit', async () => {
    assert.deepEqual(status(await call(A, 'whoami')), { SuccessValue: b64(user.accountId) })
    const before = BigInt(chain.viewAccount(A).amount)
    const s = await call(A, 'deposit', '', { deposit: 3n })
    const raw = Buffer.from(status(s).SuccessValue, 'base64')
    assert.equal(raw.readBigUInt64LE(0), 3n)
    assert.equal(BigInt(chain.viewAccount(A).amount), before + 3n)
  })

  it('a panic fails the receipt, reverts its writes and refunds the deposit', async () => {
    const before = BigInt(chain.viewAccount(user.accountId).amount)
    const s = await call(A, 'write_then_fail', '', { deposit: NEAR })
    assert.deepEqual(status(s), { Failure: { ActionError: { index: 0, kind: { FunctionCallError: { ExecutionError: 'Smart contract panicked: boom' } } } } })
    assert.equal(text(chain.callView(A, 'get_greeting', new Uint8Array(0)).result), 'hello')
    const spent = before - BigInt(chain.viewAccount(user.accountId).amount)
    assert.ok(spent < NEAR / 100n, `deposit refunded, only gas spent (${spent})`)
    const a = await call(A, 'assert_fail')
    assert.match(status(a).Failure.ActionError.kind.FunctionCallError.ExecutionError, /^Smart contract panicked: assertion in contract, filename: "contract.ts" line: \d+ col: \d+$/)
  })

  it('an unknown method and a view that writes fail like nearcore', async () => {
    const s = await call(A, 'nope')
    assert.deepEqual(status(s).Failure.ActionError.kind, { FunctionCallError: { MethodResolveError: 'MethodNotFound' } })
    assert.throws(() => chain.callView(A, 'set_greeting', utf8('x')), (e: ChainError) => {
      assert.equal(e.code, 'CONTRACT_EXECUTION_ERROR')
      assert.deepEqual((e.rpc.cause.info as any).error, { HostError: { ProhibitedInView: { method_name: 'storage_write' } } })
      return true
    })
    assert.throws(() => chain.callView(user.accountId, 'x', new Uint8Array(0)), (e: ChainError) => e.code === 'NO_CONTRACT_CODE')
  })

  it('runs out of gas with nearcore\'s error and burns the prepaid gas', async () => {
    const s = await call(A, 'burn', '', { gas: 5n * TGAS })
    assert.deepEqual(status(s).Failure.ActionError.kind, { FunctionCallError: { ExecutionError: 'Exceeded the prepaid gas.' } })
    const burnt = (s.outcome as any).receipts_outcome[0].outcome.gas_burnt
    assert.ok(burnt >= 5e12, `burnt ${burnt}`)
  })

  it('endless recursion traps with a stack overflow and the chain goes on', async () => {
    const s = await call(A, 'recurse', '', { gas: 300n * TGAS })
    const err = status(s).Failure.ActionError.kind.FunctionCallError.ExecutionError as string
    assert.ok(['WebAssembly trap: Call stack overflow.', 'Exceeded the prepaid gas.'].includes(err), err)
    assert.deepEqual(status(await call(A, 'whoami')), { SuccessValue: b64(user.accountId) })
  })

  it('memory comes from the host and stops growing at 2048 pages', async () => {
    const grown = await call(A, 'grow', '100')
    assert.ok(Number(Buffer.from(status(grown).SuccessValue, 'base64').toString()) >= 17, 'starts with at least 17 pages')
    const refused = await call(A, 'grow', '2100')
    assert.deepEqual(status(refused), { SuccessValue: b64('-1') })
  })

  it('shares unused gas among gas-weighted calls', async () => {
    const s = await call(A, 'weighted_call', '', { gas: 100n * TGAS })
    assert.deepEqual(status(s), { SuccessValue: b64(A) })
    const child = (s.receipts as any[])[1].receipt.Action.actions[0].FunctionCall
    assert.ok(child.gas > 90e12, `the weighted call got the unused gas: ${child.gas}`)
  })

  it('hashes with the host sha256', async () => {
    const s = await call(A, 'hash', 'abc')
    assert.equal(Buffer.from(status(s).SuccessValue, 'base64').toString('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })

  it('an unsupported host function fails when called, not at instantiation', async () => {
    const s = await call(A, 'call_unsupported')
    assert.match(status(s).Failure.ActionError.kind.FunctionCallError.ExecutionError, /alt_bn128_pairing_check/)
  })

  it('a cross-contract call returns through a callback in later blocks', async () => {
    await call(B, 'set_greeting', 'from B')
    const s = await call(A, 'cross_call', B)
    assert.deepEqual(status(s), { SuccessValue: b64('got:from B') })
    const outs = (s.outcome as any).receipts_outcome
    assert.equal(outs.length, 3)
    assert.deepEqual(new Set(outs.map((o: any) => o.outcome.executor_id)), new Set([A, B]))
    const f = await call(A, 'cross_fail', B)
    assert.deepEqual(status(f), { SuccessValue: b64('failed') })
  })

  it('the signer pays exactly the gas burnt: unused gas is refunded', async () => {
    const balance = (): bigint => BigInt(chain.viewAccount(user.accountId).amount)
    for (const [method, args] of [['set_greeting', 'refund'], ['cross_call', B], ['cross_fail', B], ['write_then_fail', '']] as const) {
      const before = balance()
      const s = await call(A, method, args, { gas: 300n * TGAS })
      const out = s.outcome as any
      const burnt = [out.transaction_outcome, ...out.receipts_outcome].reduce((n: bigint, o: any) => n + BigInt(o.outcome.tokens_burnt), 0n)
      assert.equal(before - balance(), burnt, `${method}: balance change equals tokens burnt`)
      assert.ok(burnt < 300n * TGAS * 100_000_000n / 2n, `${method}: most of the 300 Tgas came back`)
    }
  })

  it('storage must be paid for: a deploy the balance cannot stake fails with LackBalanceForState', async () => {
    const s = await deploy(chain, root, 'poor.test.near', await testContract(), 0n)
    const kind = status(s).Failure.ActionError.kind
    assert.equal(kind.LackBalanceForState.account_id, 'poor.test.near')
    assert.ok(BigInt(kind.LackBalanceForState.amount) > 0n)
    assert.throws(() => chain.viewAccount('poor.test.near'), (e: ChainError) => e.code === 'UNKNOWN_ACCOUNT', 'the whole receipt was reverted')
  })

  it('refuses a module with features NEAR does not admit', async () => {
    // (module (memory 1) (func (export "f") (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))
    const bulk = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 3, 1, 0, 1, 7, 5, 1, 1, 102, 0, 0, 10, 14, 1, 12, 0, 65, 0, 65, 0, 65, 0, 252, 11, 0, 11])
    await deploy(chain, root, 'bulk.test.near', bulk, 5n)
    const s = await call('bulk.test.near', 'f')
    assert.ok('CompilationError' in status(s).Failure.ActionError.kind.FunctionCallError)
  })

  it('deploys near-hello and runs it', async () => {
    await deploy(chain, root, 'hello.test.near', await nearHello(), 20n)
    const v = chain.callView('hello.test.near', 'hello', utf8(JSON.stringify({ name: 'trex' })))
    assert.equal(JSON.parse(text(v.result)), 'hello trex')
    const s = await call('hello.test.near', 'setValue', JSON.stringify({ value: 'v1' }))
    assert.ok('SuccessValue' in status(s), JSON.stringify(status(s)))
    assert.equal(JSON.parse(text(chain.callView('hello.test.near', 'getValue', new Uint8Array(0)).result)), 'v1')
  })
})
