/** Contracts through the RPC: an AssemblyScript fixture (storage, logs, NEP-297 events, panics, gas) and near-hello's promise scenarios. */
import assert from 'node:assert/strict'
import { type Account, nearToYocto } from 'near-api-js'
import { ContractExecutionError, HostGasExceededError, HostGuestPanicError } from 'near-api-js/rpc-errors'
import { createSubAccount, nearHelloWasm, notesWasm, useTestNet } from './helpers.js'

const utf8 = new TextEncoder()

describe('localnet rpc: contracts (near-api-js 7.2)', function () {
  const t = useTestNet()

  describe('AssemblyScript fixture', () => {
    let notes: Account

    before(async () => {
      notes = (await createSubAccount(t.root, t.net, 'notes', nearToYocto(20))).account
      await notes.deployContract(await notesWasm())
    })

    it('stores, logs and emits a NEP-297 event in the tx outcome', async () => {
      const outcome = await t.root.callFunctionRaw({ contractId: notes.accountId, methodName: 'set', args: utf8.encode('"hello"') })
      const logs = outcome.receipts_outcome.flatMap(r => r.outcome.logs)
      assert.deepEqual(logs.slice(0, 1), [`set by ${t.root.accountId}`])
      const event = logs.find(l => l.startsWith('EVENT_JSON:'))
      assert.ok(event !== undefined, `an EVENT_JSON log among ${JSON.stringify(logs)}`)
      assert.deepEqual(JSON.parse(event.slice('EVENT_JSON:'.length)), {
        standard: 'nep297-test', version: '1.0.0', event: 'note_set', data: [{ by: t.root.accountId, note: 'hello' }]
      })
      assert.equal(await t.rpc.callFunction({ contractId: notes.accountId, method: 'get', args: {} }), 'hello')
    })

    it('shows its state and code', async () => {
      const state = await t.rpc.viewContractState({ contractId: notes.accountId, prefix: 'no' })
      assert.deepEqual(state.values.map(v => Buffer.from(v.key, 'base64').toString()), ['note'])
      const code = await t.rpc.viewContractCode({ contractId: notes.accountId })
      assert.deepEqual(code.code, await notesWasm())
      const view = await t.rpc.viewAccount({ accountId: notes.accountId })
      assert.equal(view.code_hash, code.hash)
      assert.ok(view.storage_usage > (await notesWasm()).length, 'code counts in storage usage')
    })

    it('surfaces the panic message: ExecutionError in a tx outcome, HostGuestPanicError in a view', async () => {
      // nearcore writes a failed receipt as { FunctionCallError: { ExecutionError: "Smart contract panicked: ..." } }
      // and a failed view call as CONTRACT_EXECUTION_ERROR with { HostError: { GuestPanic: { panic_msg } } }
      await assert.rejects(t.root.callFunction({ contractId: notes.accountId, methodName: 'fail', args: {} }), (err: unknown) => {
        assert.ok(err instanceof ContractExecutionError, String(err))
        assert.equal(err.message, 'Smart contract panicked: refused on purpose')
        return true
      })
      await assert.rejects(t.rpc.callFunction({ contractId: notes.accountId, method: 'fail', args: {} }), (err: unknown) => {
        assert.ok(err instanceof HostGuestPanicError, String(err))
        assert.equal(err.panicMessage, 'refused on purpose')
        return true
      })
    })

    it('fails a call that runs out of gas with HostGasExceededError', async () => {
      await assert.rejects(t.root.callFunction({ contractId: notes.accountId, methodName: 'spin', args: {}, gas: 5_000_000_000_000n }),
        (err: unknown) => err instanceof HostGasExceededError || (err instanceof ContractExecutionError && /gas/i.test(err.message)))
    })
  })

  describe("near-hello: near-api-js's promise scenarios", () => {
    // -> is a call, => a callback (names as in near-api-js packages/accounts/test/promise.test.ts)
    const GAS = 300_000_000_000_000n
    let a: Account, b: Account, c: Account

    before(async () => {
      const wasm = await nearHelloWasm()
      a = (await createSubAccount(t.root, t.net, 'hello-a', nearToYocto(20))).account
      b = (await createSubAccount(t.root, t.net, 'hello-b', nearToYocto(20))).account
      c = (await createSubAccount(t.root, t.net, 'hello-c', nearToYocto(20))).account
      await Promise.all([a, b, c].map(async x => await x.deployContract(wasm)))
    })

    const lastResult = async (x: Account): Promise<unknown> => await t.rpc.callFunction({ contractId: x.accountId, method: 'getLastResult', args: {} })
    const promiseArgs = (p: Record<string, unknown>): Record<string, unknown> => ({
      args: null, gas: '3000000000000', balance: '0', callback: null, callbackArgs: null, callbackBalance: '0', callbackGas: '0', ...p
    })
    const callPromise = async (args: Record<string, unknown>, method = 'callPromise'): Promise<unknown> =>
      await t.root.callFunction({ contractId: a.accountId, methodName: method, args: { args }, gas: GAS })

    it('A->B', async () => {
      const result = await callPromise(promiseArgs({ receiver: b.accountId, methodName: 'callbackWithName' }))
      const last = await lastResult(b)
      assert.deepEqual(last, { rs: [], n: b.accountId })
      assert.deepEqual(result, last)
    })

    it('A->B=>A', async () => {
      const result = await callPromise(promiseArgs({
        receiver: b.accountId, methodName: 'callbackWithName', callback: 'callbackWithName', callbackGas: '2000000000000'
      }))
      const lastB = await lastResult(b)
      assert.deepEqual(lastB, { rs: [], n: b.accountId })
      const lastA = await lastResult(a)
      assert.deepEqual(lastA, { rs: [{ ok: true, r: lastB }], n: a.accountId })
      assert.deepEqual(result, lastA)
    })

    it('A->B->C', async () => {
      const result = await callPromise(promiseArgs({
        receiver: b.accountId,
        methodName: 'callPromise',
        args: promiseArgs({ receiver: c.accountId, methodName: 'callbackWithName', gas: '40000000000000', callbackGas: '20000000000000' }),
        gas: '60000000000000',
        callbackGas: '60000000000000'
      }))
      const lastC = await lastResult(c)
      assert.deepEqual(lastC, { rs: [], n: c.accountId })
      assert.deepEqual(result, lastC)
    })

    it('A->B->C=>A (one callback skipped)', async () => {
      const result = await callPromise(promiseArgs({
        receiver: b.accountId,
        methodName: 'callPromise',
        args: promiseArgs({ receiver: c.accountId, methodName: 'callbackWithName', gas: '20000000000000', callbackGas: '20000000000000' }),
        gas: '50000000000000',
        callback: 'callbackWithName',
        callbackGas: '30000000000000'
      }))
      const lastC = await lastResult(c)
      assert.deepEqual(lastC, { rs: [], n: c.accountId })
      const lastA = await lastResult(a)
      assert.deepEqual(lastA, { rs: [{ ok: true, r: lastC }], n: a.accountId })
      assert.deepEqual(result, lastA)
    })

    it('A->B->C=>B', async () => {
      const result = await callPromise(promiseArgs({
        receiver: b.accountId,
        methodName: 'callPromise',
        args: promiseArgs({ receiver: c.accountId, methodName: 'callbackWithName', gas: '40000000000000', callback: 'callbackWithName', callbackGas: '40000000000000' }),
        gas: '100000000000000'
      }))
      const lastC = await lastResult(c)
      assert.deepEqual(lastC, { rs: [], n: c.accountId })
      const lastB = await lastResult(b)
      assert.deepEqual(lastB, { rs: [{ ok: true, r: lastC }], n: b.accountId })
      assert.deepEqual(result, lastB)
    })

    it('A->B->C=>B=>A', async () => {
      const result = await callPromise(promiseArgs({
        receiver: b.accountId,
        methodName: 'callPromise',
        args: promiseArgs({ receiver: c.accountId, methodName: 'callbackWithName', gas: '40000000000000', callback: 'callbackWithName', callbackGas: '20000000000000' }),
        gas: '100000000000000',
        callback: 'callbackWithName',
        callbackGas: '30000000000000'
      }))
      const lastC = await lastResult(c)
      assert.deepEqual(lastC, { rs: [], n: c.accountId })
      const lastB = await lastResult(b)
      assert.deepEqual(lastB, { rs: [{ ok: true, r: lastC }], n: b.accountId })
      const lastA = await lastResult(a)
      assert.deepEqual(lastA, { rs: [{ ok: true, r: lastB }], n: a.accountId })
      assert.deepEqual(result, lastA)
    })

    it('A->B->A=>B=>A', async () => {
      const result = await callPromise(promiseArgs({
        receiver: b.accountId,
        methodName: 'callPromise',
        args: promiseArgs({ receiver: a.accountId, methodName: 'callbackWithName', gas: '40000000000000', callback: 'callbackWithName', callbackGas: '40000000000000' }),
        gas: '100000000000000',
        callback: 'callbackWithName',
        callbackGas: '30000000000000'
      }))
      const lastB = await lastResult(b)
      assert.deepEqual(lastB, { rs: [{ ok: true, r: { rs: [], n: a.accountId } }], n: b.accountId })
      const lastA = await lastResult(a)
      assert.deepEqual(lastA, { rs: [{ ok: true, r: lastB }], n: a.accountId })
      assert.deepEqual(result, lastA)
    })

    it('promise_and: A->(B, B)=>A', async () => {
      await callPromise(promiseArgs({
        receiver: b.accountId, methodName: 'callbackWithName', callback: 'callbackWithName', callbackGas: '20000000000000'
      }), 'callPromiseAll')
      const lastB = { rs: [], n: b.accountId }
      assert.deepEqual(await lastResult(b), lastB)
      assert.deepEqual(await lastResult(a), { rs: [{ ok: true, r: lastB }, { ok: true, r: lastB }], n: a.accountId })
    })
  })
})
