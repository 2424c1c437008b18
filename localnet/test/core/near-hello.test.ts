import assert from 'node:assert/strict'
import { createChain } from '../../chain/index.js'
import type { Chain, KeyedAccount } from '../../chain/api.js'
import { actions, run, status, deploy } from './helpers.js'
import { nearHello } from './fixtures.js'

const GAS = 300_000_000_000_000n

/** near-api-js's own promise scenarios, on near-hello, straight against the chain. */
describe('localnet core: near-hello promise scenarios', function () {
  this.timeout(120_000)
  let chain: Chain
  let user: KeyedAccount
  const [A, B, C] = ['h1.test.near', 'h2.test.near', 'h3.test.near']

  const promiseArgs = (receiver: string, methodName: string, args: unknown, callback: string | null, gas = '40000000000000', callbackGas = '30000000000000') =>
    ({ receiver, methodName, args, gas, balance: '0', callback, callbackArgs: null, callbackBalance: '0', callbackGas })
  const callPromise = async (method: string, args: unknown): Promise<unknown> => {
    const s = await run({ chain, signer: user, receiverId: A, actions: [actions.functionCall(method, new TextEncoder().encode(JSON.stringify({ args })), GAS, 0n)] }, 30)
    const st = status(s)
    assert.ok('SuccessValue' in st, JSON.stringify(st))
    const text = Buffer.from(st.SuccessValue, 'base64').toString()
    return text === '' ? undefined : JSON.parse(text)
  }
  const lastResult = (id: string): unknown => JSON.parse(new TextDecoder().decode(chain.callView(id, 'getLastResult', new Uint8Array(0)).result))

  before(async () => {
    const c = await createChain({ accounts: 1 })
    chain = c.chain; user = c.accounts[0]!
    const wasm = await nearHello()
    for (const id of [A, B, C]) {
      await deploy(chain, c.root, id, wasm, 20n)
    }
  })
  after(async () => { await chain.close() })

  it('A->B', async () => {
    const r = await callPromise('callPromise', promiseArgs(B, 'callbackWithName', null, null, '3000000000000', '0'))
    assert.deepEqual(lastResult(B), { rs: [], n: B })
    assert.deepEqual(r, lastResult(B))
  })

  it('A->B=>A', async () => {
    const r = await callPromise('callPromise', promiseArgs(B, 'callbackWithName', null, 'callbackWithName', '3000000000000', '2000000000000'))
    assert.deepEqual(lastResult(A), { rs: [{ ok: true, r: { rs: [], n: B } }], n: A })
    assert.deepEqual(r, lastResult(A))
  })

  it('A->B->C=>B=>A', async () => {
    const r = await callPromise('callPromise', promiseArgs(B, 'callPromise', promiseArgs(C, 'callbackWithName', null, 'callbackWithName', '40000000000000', '20000000000000'), 'callbackWithName', '100000000000000'))
    assert.deepEqual(lastResult(C), { rs: [], n: C })
    assert.deepEqual(lastResult(B), { rs: [{ ok: true, r: { rs: [], n: C } }], n: B })
    assert.deepEqual(lastResult(A), { rs: [{ ok: true, r: lastResult(B) }], n: A })
    assert.deepEqual(r, lastResult(A))
  })

  it('promise_and: A->(B, B)=>A', async () => {
    await callPromise('callPromiseAll', promiseArgs(B, 'callbackWithName', null, 'callbackWithName', '20000000000000', '30000000000000'))
    const r = lastResult(A) as any
    assert.equal(r.n, A)
    assert.equal(r.rs.length, 2, JSON.stringify(r))
    for (const x of r.rs) assert.deepEqual(x, { ok: true, r: { rs: [], n: B } })
  })
})
