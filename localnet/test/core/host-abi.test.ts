import assert from 'node:assert/strict'
import wabtInit from 'wabt'
import { createChain } from '../../chain/index.js'
import type { Chain, KeyedAccount } from '../../chain/api.js'
import type { ChainError } from '../../chain/errors.js'
import { HOST_FUNCTION_NAMES } from '../../runtime/host/imports.js'
import { actions, deploy, run, signTx, status, utf8, TGAS } from './helpers.js'
import { testContract } from './fixtures.js'

describe('localnet core: host ABI surface and limits', function () {
  this.timeout(120_000)
  let chain: Chain
  let root: KeyedAccount
  let user: KeyedAccount

  before(async () => {
    const c = await createChain({ accounts: 1 })
    chain = c.chain; root = c.root; user = c.accounts[0]!
    await deploy(chain, root, 'limits.test.near', await testContract())
  })
  after(async () => { await chain.close() })

  it('a module importing every nearcore host function instantiates and runs', async () => {
    assert.ok(HOST_FUNCTION_NAMES.length >= 75, `${HOST_FUNCTION_NAMES.length} host functions`)
    for (const name of ['promise_yield_create', 'promise_yield_resume', 'ecrecover', 'ripemd160', 'keccak512', 'account_locked_balance',
      'validator_stake', 'validator_total_stake', 'promise_batch_action_stake', 'promise_batch_action_function_call_weight', 'alt_bn128_g1_sum', 'bls12381_pairing_check']) {
      assert.ok(HOST_FUNCTION_NAMES.includes(name), name)
    }
    const wabt = await wabtInit()
    const imports = HOST_FUNCTION_NAMES.map(n => `(import "env" "${n}" (func $${n}))`).join('\n')
    const wat = `(module ${imports} (memory (export "memory") 1) (func (export "ok")))`
    const wasm = wabt.parseWat('all.wat', wat).toBinary({}).buffer
    await deploy(chain, root, 'all.test.near', wasm)
    const s = await run({ chain, signer: user, receiverId: 'all.test.near', actions: [actions.functionCall('ok', new Uint8Array(0), 10n * TGAS, 0n)] })
    assert.deepEqual(status(s), { SuccessValue: '' })
  })

  it('caps logs at 100 per call', async () => {
    const ok = await run({ chain, signer: user, receiverId: 'limits.test.near', actions: [actions.functionCall('many_logs', utf8('100'), 300n * TGAS, 0n)] })
    assert.equal((ok.outcome as any).receipts_outcome[0].outcome.logs.length, 100)
    const tooMany = await run({ chain, signer: user, receiverId: 'limits.test.near', actions: [actions.functionCall('many_logs', utf8('101'), 300n * TGAS, 0n)] })
    assert.deepEqual(status(tooMany).Failure.ActionError.kind, { FunctionCallError: { ExecutionError: 'The number of logs will exceed the limit 100' } })
  })

  it('refuses more than 1 PGas of prepaid gas', async () => {
    const tx = await signTx({ chain, signer: user, receiverId: 'limits.test.near', actions: [actions.functionCall('many_logs', utf8('1'), 600n * TGAS, 0n), actions.functionCall('many_logs', utf8('1'), 500n * TGAS, 0n)] })
    assert.throws(() => chain.submitTx(tx), (e: ChainError) => {
      assert.deepEqual((e.rpc.data as any).TxExecutionError.InvalidTxError, { ActionsValidation: { TotalPrepaidGasExceeded: { total_prepaid_gas: 1.1e15, limit: 1e15 } } })
      return true
    })
    const max = await run({ chain, signer: user, receiverId: 'limits.test.near', actions: [actions.functionCall('many_logs', utf8('1'), 1000n * TGAS, 0n)] })
    assert.ok('SuccessValue' in status(max))
  })
})
