/**
 * JSON-RPC on the wire: every method's response validated against @near-js/jsonrpc-types, and bad requests
 * (malformed JSON, unknown method, huge body) answered with JSON-RPC errors while the server keeps serving.
 */
import assert from 'node:assert/strict'
import { type Account, actions, KeyPairSigner, type KeyPairString, nearToYocto } from 'near-api-js'
import { account, createSubAccount, notesWasm, rawRequest, rpc, useTestNet } from './helpers.js'

describe('localnet rpc: the wire', function () {
  const t = useTestNet()
  let notes: Account

  before(async () => {
    notes = (await createSubAccount(t.root, t.net, 'wire', nearToYocto(20))).account
    await notes.deployContract(await notesWasm())
  })

  type Result = Record<string, any>
  const ok = async (method: string, params: unknown): Promise<Result> => {
    const { status, body } = await rpc(t.net, method, params)
    assert.equal(status, 200, `${method} ${JSON.stringify(params)} → ${JSON.stringify(body)}`)
    assert.equal(body.error, undefined, `${method}: ${JSON.stringify(body.error)}`)
    return body.result as Result
  }
  const fails = async (method: string, params: unknown, cause: string): Promise<Result> => {
    const { body } = await rpc(t.net, method, params)
    const error = body.error as Result | undefined
    assert.equal(error?.cause?.name, cause, `${method} ${JSON.stringify(params)} → ${JSON.stringify(body)}`)
    return error!
  }

  /** A signed transfer of 1 yocto from user0 to root, as base64 borsh; one Account so its nonce cache counts up. */
  let sender: Account | undefined
  async function signedTransferBase64 (): Promise<string> {
    const key = t.net.accounts[0]!
    sender ??= account(t.net, key)
    const signer = KeyPairSigner.fromSecretKey(key.secretKey as KeyPairString)
    const tx = await sender.createTransaction({ receiverId: t.net.root.accountId, actions: [actions.transfer(1n)], publicKey: await signer.getPublicKey() })
    const { signedTransaction } = await signer.signTransaction(tx)
    return Buffer.from(signedTransaction.encode()).toString('base64')
  }

  it('status, gas_price, block and chunk validate', async () => {
    const status = await ok('status', [])
    assert.equal(status.chain_id, t.net.networkId)
    await ok('health', [])
    const final = await ok('block', { finality: 'final' })
    const optimistic = await ok('block', { finality: 'optimistic' })
    assert.ok(optimistic.header.height >= final.header.height)
    assert.equal((await ok('block', { block_id: final.header.height })).header.hash, final.header.hash)
    assert.equal((await ok('block', { block_id: final.header.hash })).header.height, final.header.height)
    assert.equal((await ok('block', [final.header.height])).header.hash, final.header.hash)
    const chunkHash = final.chunks[0].chunk_hash
    assert.equal((await ok('chunk', { chunk_id: chunkHash })).header.chunk_hash, chunkHash)
    assert.equal((await ok('chunk', [chunkHash])).header.chunk_hash, chunkHash)
    assert.equal((await ok('chunk', { block_id: final.header.height, shard_id: 0 })).header.chunk_hash, chunkHash)
    assert.match((await ok('gas_price', [null])).gas_price, /^\d+$/)
    assert.match((await ok('gas_price', [final.header.height])).gas_price, /^\d+$/)
    assert.match((await ok('gas_price', { block_id: final.header.hash })).gas_price, /^\d+$/)
    await fails('block', { block_id: 10_000_000 }, 'UNKNOWN_BLOCK')
    await fails('chunk', { chunk_id: '11111111111111111111111111111111' }, 'UNKNOWN_CHUNK')
    await fails('chunk', { block_id: final.header.height, shard_id: 3 }, 'INVALID_SHARD_ID')
  })

  it('every query request type validates, with finality and block_id', async () => {
    const final = await ok('block', { finality: 'final' })
    const refs = [{ finality: 'optimistic' }, { finality: 'final' }, { block_id: final.header.height }, { block_id: final.header.hash }]
    const publicKey = (await KeyPairSigner.fromSecretKey(t.net.root.secretKey as KeyPairString).getPublicKey()).toString()
    for (const ref of refs) {
      const acc = await ok('query', { request_type: 'view_account', account_id: notes.accountId, ...ref })
      assert.match(acc.amount, /^\d+$/, `view_account at ${JSON.stringify(ref)}`)
      assert.equal(typeof acc.block_height, 'number')
      await ok('query', { request_type: 'view_access_key', account_id: t.net.root.accountId, public_key: publicKey, ...ref })
      await ok('query', { request_type: 'view_access_key_list', account_id: t.net.root.accountId, ...ref })
    }
    const call = await ok('query', { request_type: 'call_function', account_id: notes.accountId, method_name: 'get', args_base64: '', finality: 'optimistic' })
    assert.ok(Array.isArray(call.result) && Array.isArray(call.logs))
    await ok('query', { request_type: 'view_state', account_id: notes.accountId, prefix_base64: '', finality: 'final' })
    const code = await ok('query', { request_type: 'view_code', account_id: notes.accountId, finality: 'final' })
    assert.deepEqual(Buffer.from(code.code_base64, 'base64'), Buffer.from(await notesWasm()))

    const unknown = await fails('query', { request_type: 'view_account', account_id: 'ghost.test.near', finality: 'final' }, 'UNKNOWN_ACCOUNT')
    assert.equal(unknown.name, 'HANDLER_ERROR')
    assert.equal(unknown.cause.info.requested_account_id, 'ghost.test.near')
    await fails('query', { request_type: 'view_code', account_id: t.net.accounts[0]!.accountId, finality: 'final' }, 'NO_CONTRACT_CODE')
    await fails('query', { request_type: 'call_function', account_id: notes.accountId, method_name: 'fail', args_base64: '', finality: 'final' }, 'CONTRACT_EXECUTION_ERROR')
    await fails('query', { request_type: 'view_account', finality: 'final' }, 'PARSE_ERROR')
    await fails('query', { request_type: 'view_everything', account_id: notes.accountId, finality: 'final' }, 'PARSE_ERROR')
  })

  it('send_tx (every wait_until), broadcast_tx_async/commit, tx and EXPERIMENTAL_tx_status validate', async () => {
    for (const waitUntil of ['NONE', 'INCLUDED', 'INCLUDED_FINAL', 'EXECUTED_OPTIMISTIC', 'EXECUTED', 'FINAL']) {
      const result = await ok('send_tx', { signed_tx_base64: await signedTransferBase64(), wait_until: waitUntil })
      assert.equal(typeof result.final_execution_status, 'string', `send_tx ${waitUntil}`)
      if (['EXECUTED_OPTIMISTIC', 'EXECUTED', 'FINAL'].includes(waitUntil)) assert.deepEqual(result.status, { SuccessValue: '' }, `send_tx ${waitUntil}`)
    }
    const hash = await ok('broadcast_tx_async', [await signedTransferBase64()])
    assert.equal(typeof hash, 'string')
    const sender = t.net.accounts[0]!.accountId
    const done = await ok('tx', { tx_hash: hash, sender_account_id: sender, wait_until: 'FINAL' })
    assert.equal(done.final_execution_status, 'FINAL')
    assert.equal(done.transaction.hash, hash)
    const withReceipts = await ok('EXPERIMENTAL_tx_status', { tx_hash: hash, sender_account_id: sender, wait_until: 'FINAL' })
    assert.ok(Array.isArray(withReceipts.receipts) && withReceipts.receipts.length > 0, 'receipts listed')
    assert.equal((await ok('tx', [hash, sender])).transaction.hash, hash)

    const committed = await ok('broadcast_tx_commit', [await signedTransferBase64()])
    assert.deepEqual(committed.status, { SuccessValue: '' })

    await fails('tx', { tx_hash: '11111111111111111111111111111111', sender_account_id: sender }, 'UNKNOWN_TRANSACTION')
    await fails('send_tx', { signed_tx_base64: 'AAAA' }, 'PARSE_ERROR')
    await fails('send_tx', { signed_tx_base64: await signedTransferBase64(), wait_until: 'SOMETIME' }, 'PARSE_ERROR')
  })

  it('re-sending the same signed transaction returns its outcome instead of a nonce error', async () => {
    const signed = await signedTransferBase64()
    const first = await ok('send_tx', { signed_tx_base64: signed, wait_until: 'FINAL' })
    const second = await ok('send_tx', { signed_tx_base64: signed, wait_until: 'FINAL' })
    assert.equal(second.transaction.hash, first.transaction.hash)
  })

  it('answers malformed JSON, an unknown method and a huge body with JSON-RPC errors, and keeps serving', async () => {
    const malformed = await rawRequest(t.net.rpcUrl, '{"jsonrpc":"2.0","id":1,"method":')
    assert.equal(malformed.status, 400)
    assert.equal((malformed.body.error as Result).cause.name, 'PARSE_ERROR')
    assert.equal((malformed.body.error as Result).code, -32700)

    const unknown = await rawRequest(t.net.rpcUrl, JSON.stringify({ jsonrpc: '2.0', id: 'x', method: 'no_such_method', params: [] }))
    assert.equal((unknown.body.error as Result).cause.name, 'METHOD_NOT_FOUND')
    assert.equal((unknown.body.error as Result).cause.info.method_name, 'no_such_method')
    assert.equal(unknown.body.id, 'x')

    const batch = await rawRequest(t.net.rpcUrl, JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'status', params: [] }]))
    assert.equal(batch.body.error !== undefined, true)
    const proto = await rawRequest(t.net.rpcUrl, JSON.stringify({ jsonrpc: '2.0', id: 2, method: '__proto__', params: [] }))
    assert.equal((proto.body.error as Result).cause.name, 'METHOD_NOT_FOUND')

    const huge = new Uint8Array(11 * 1024 * 1024).fill(0x20)
    const tooBig = await rawRequest(t.net.rpcUrl, huge)
    assert.equal(tooBig.status, 413)
    assert.equal((tooBig.body.error as Result).name, 'REQUEST_VALIDATION_ERROR')

    assert.equal((await ok('status', [])).chain_id, t.net.networkId, 'still serving')
  })
})
