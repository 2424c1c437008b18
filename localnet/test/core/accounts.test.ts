import assert from 'node:assert/strict'
import { createChain } from '../../chain/index.js'
import type { Chain, KeyedAccount } from '../../chain/api.js'
import { ChainError } from '../../chain/errors.js'
import { actions, newKey, publicKeyOf, run, signTx, status, NEAR, TGAS } from './helpers.js'

describe('localnet core: accounts, transfers, keys', () => {
  let chain: Chain
  let root: KeyedAccount
  let users: KeyedAccount[]

  before(async () => {
    const c = await createChain({ accounts: 2 })
    chain = c.chain; root = c.root; users = c.accounts
  })
  after(async () => { await chain.close() })

  it('has a genesis with the root and prefunded users', () => {
    assert.equal(root.accountId, 'test.near')
    assert.equal(users[0]!.accountId, 'user0.test.near')
    assert.equal(chain.viewAccount('user0.test.near').amount, (1000n * NEAR).toString())
    assert.equal(chain.head().height, chain.genesisHeight)
  })

  it('transfers, charging gas to the signer', async () => {
    const before = BigInt(chain.viewAccount(users[0]!.accountId).amount)
    const s = await run({ chain, signer: users[0]!, receiverId: users[1]!.accountId, actions: [actions.transfer(5n * NEAR)] })
    assert.deepEqual(status(s), { SuccessValue: '' })
    assert.equal(chain.viewAccount(users[1]!.accountId).amount, (1005n * NEAR).toString())
    const after = BigInt(chain.viewAccount(users[0]!.accountId).amount)
    assert.ok(before - after > 5n * NEAR, 'gas was paid')
    assert.ok(before - after < 5n * NEAR + NEAR / 100n, 'gas is cheap')
    const out = s.outcome as any
    assert.equal(out.transaction.signer_id, users[0]!.accountId)
    assert.equal(out.receipts_outcome.length, 1)
    assert.ok(out.transaction_outcome.block_hash !== out.receipts_outcome[0].block_hash, 'receipt runs in a later block')
  })

  it('creates a sub-account with a key, and refuses a foreign one', async () => {
    const k = newKey()
    const s = await run({ chain, signer: root, receiverId: 'alice.test.near', actions: [actions.createAccount(), actions.transfer(10n * NEAR), actions.addFullAccessKey(k.pair.getPublicKey())] })
    assert.deepEqual(status(s), { SuccessValue: '' })
    assert.equal(chain.viewAccount('alice.test.near').amount, (10n * NEAR).toString())
    const bad = await run({ chain, signer: users[0]!, receiverId: 'bob.test.near', actions: [actions.createAccount(), actions.transfer(NEAR)] })
    assert.deepEqual(status(bad).Failure.ActionError.kind, { CreateAccountNotAllowed: { account_id: 'bob.test.near', predecessor_id: users[0]!.accountId } })
    assert.throws(() => chain.viewAccount('bob.test.near'), (e: ChainError) => e.code === 'UNKNOWN_ACCOUNT')
  })

  it('refuses a stale nonce, a bad signature and an unknown key with nearcore errors', async () => {
    const ak = chain.viewAccessKey(users[0]!.accountId, publicKeyOf(users[0]!))
    const stale = await signTx({ chain, signer: users[0]!, receiverId: users[1]!.accountId, actions: [actions.transfer(1n)], nonce: BigInt(ak.nonce) })
    assert.throws(() => chain.submitTx(stale), (e: ChainError) => {
      assert.equal(e.code, 'INVALID_TRANSACTION')
      assert.deepEqual(e.rpc.data, { TxExecutionError: { InvalidTxError: { InvalidNonce: { tx_nonce: ak.nonce, ak_nonce: ak.nonce } } } })
      return true
    })
    const good = await signTx({ chain, signer: users[0]!, receiverId: users[1]!.accountId, actions: [actions.transfer(1n)] })
    const tampered = Uint8Array.from(good)
    tampered[tampered.length - 1]! ^= 1
    assert.throws(() => chain.submitTx(tampered), (e: ChainError) => (e.rpc.data as any).TxExecutionError.InvalidTxError === 'InvalidSignature')
    const stranger = { accountId: users[0]!.accountId, secretKey: newKey().secretKey }
    await assert.rejects(signTx({ chain, signer: stranger, receiverId: users[1]!.accountId, actions: [actions.transfer(1n)] }), (e: ChainError) => e.code === 'UNKNOWN_ACCESS_KEY')
    const unknownKey = await signTx({ chain, signer: stranger, receiverId: users[1]!.accountId, actions: [actions.transfer(1n)], nonce: 1n })
    assert.throws(() => chain.submitTx(unknownKey), (e: ChainError) => 'AccessKeyNotFound' in (e.rpc.data as any).TxExecutionError.InvalidTxError.InvalidAccessKeyError)
  })

  it('refuses a transfer above the balance', async () => {
    const tx = await signTx({ chain, signer: users[1]!, receiverId: users[0]!.accountId, actions: [actions.transfer(10_000n * NEAR)] })
    assert.throws(() => chain.submitTx(tx), (e: ChainError) => 'NotEnoughBalance' in (e.rpc.data as any).TxExecutionError.InvalidTxError)
  })

  it('enforces function-call key permissions', async () => {
    const k = newKey()
    await run({ chain, signer: users[0]!, receiverId: users[0]!.accountId, actions: [actions.addFunctionCallAccessKey(k.pair.getPublicKey(), 'contract.test.near', ['allowed'], NEAR)] })
    const view = chain.viewAccessKey(users[0]!.accountId, k.publicKey)
    assert.deepEqual(view.permission, { FunctionCall: { allowance: NEAR.toString(), receiver_id: 'contract.test.near', method_names: ['allowed'] } })
    const limited = { accountId: users[0]!.accountId, secretKey: k.secretKey }
    const refuse = async (receiverId: string, acts: any[], expect: unknown): Promise<void> => {
      const tx = await signTx({ chain, signer: limited, receiverId, actions: acts })
      assert.throws(() => chain.submitTx(tx), (e: ChainError) => { assert.deepEqual((e.rpc.data as any).TxExecutionError.InvalidTxError.InvalidAccessKeyError, expect); return true })
    }
    await refuse(users[1]!.accountId, [actions.transfer(1n)], 'RequiresFullAccess')
    await refuse('other.test.near', [actions.functionCall('allowed', {}, 30n * TGAS, 0n)], { ReceiverMismatch: { tx_receiver: 'other.test.near', ak_receiver: 'contract.test.near' } })
    await refuse('contract.test.near', [actions.functionCall('other', {}, 30n * TGAS, 0n)], { MethodNameMismatch: { method_name: 'other' } })
    await refuse('contract.test.near', [actions.functionCall('allowed', {}, 30n * TGAS, 1n)], 'DepositWithFunctionCall')
    // permitted: accepted (it then fails at the receiver, which does not exist)
    const ok = await run({ chain, signer: limited, receiverId: 'contract.test.near', actions: [actions.functionCall('allowed', {}, 30n * TGAS, 0n)] })
    assert.deepEqual(status(ok).Failure.ActionError.kind, { AccountDoesNotExist: { account_id: 'contract.test.near' } })
    const allowance = (chain.viewAccessKey(users[0]!.accountId, k.publicKey).permission as any).FunctionCall.allowance
    assert.ok(BigInt(allowance) < NEAR, 'allowance was charged')
  })

  it('a transfer to a 64-hex id creates the implicit account with its key', async () => {
    const k = newKey()
    const id = Buffer.from(k.pair.getPublicKey().data).toString('hex')
    await run({ chain, signer: users[0]!, receiverId: id, actions: [actions.transfer(2n * NEAR)] })
    assert.equal(chain.viewAccount(id).amount, (2n * NEAR).toString())
    const s = await run({ chain, signer: { accountId: id, secretKey: k.secretKey }, receiverId: users[1]!.accountId, actions: [actions.transfer(NEAR)] })
    assert.deepEqual(status(s), { SuccessValue: '' })
  })

  it('answers garbage bytes with a parse error and keeps going', async () => {
    assert.throws(() => chain.submitTx(new Uint8Array([1, 2, 3])), (e: ChainError) => e.rpc.name === 'REQUEST_VALIDATION_ERROR' && e.code === 'PARSE_ERROR')
    const s = await run({ chain, signer: users[0]!, receiverId: users[1]!.accountId, actions: [actions.transfer(1n)] })
    assert.deepEqual(status(s), { SuccessValue: '' })
  })

  it('deletes an account and sends what it held to the beneficiary', async () => {
    const k = newKey()
    await run({ chain, signer: root, receiverId: 'gone.test.near', actions: [actions.createAccount(), actions.transfer(3n * NEAR), actions.addFullAccessKey(k.pair.getPublicKey())] })
    const before = BigInt(chain.viewAccount(users[1]!.accountId).amount)
    const s = await run({ chain, signer: { accountId: 'gone.test.near', secretKey: k.secretKey }, receiverId: 'gone.test.near', actions: [actions.deleteAccount(users[1]!.accountId)] })
    assert.deepEqual(status(s), { SuccessValue: '' })
    assert.throws(() => chain.viewAccount('gone.test.near'), (e: ChainError) => e.code === 'UNKNOWN_ACCOUNT')
    const gained = BigInt(chain.viewAccount(users[1]!.accountId).amount) - before
    assert.ok(gained > 2n * NEAR && gained < 3n * NEAR, `beneficiary got ${gained}`)
  })

  it('with exactFinality, answers queries at the block they name: final lags optimistic', async () => {
    const { chain, root, accounts: users } = await createChain({ accounts: 2, exactFinality: true })
    const { hash } = chain.submitTx(await signTx({ chain, signer: root, receiverId: users[1]!.accountId, actions: [actions.transfer(NEAR)] }))
    const before = BigInt(chain.viewAccount(users[1]!.accountId).amount)
    const beforeHeight = chain.head().height
    while (chain.txStatus(hash)?.status !== 'executed') await chain.produceBlock()
    assert.equal(BigInt(chain.viewAccount(users[1]!.accountId, { finality: 'optimistic' }).amount), before + NEAR)
    const final = chain.viewAccount(users[1]!.accountId, { finality: 'final' })
    assert.equal(BigInt(final.amount), before, 'the final block does not have the transfer yet')
    assert.equal(final.block_height, chain.head().height - 2)
    assert.equal(BigInt(chain.viewAccount(users[1]!.accountId, { height: beforeHeight }).amount), before)
    await chain.produceBlock(); await chain.produceBlock()
    assert.equal(BigInt(chain.viewAccount(users[1]!.accountId, { finality: 'final' }).amount), before + NEAR)
    await chain.close()
  })
})
