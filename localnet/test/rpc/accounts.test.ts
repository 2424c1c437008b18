/** Accounts, transfers, access keys and refused transactions, through near-api-js 7.2 against a real localnet. */
import assert from 'node:assert/strict'
import { Account, actions, createTransaction, JsonRpcProvider, KeyPair, KeyPairSigner, nearToYocto } from 'near-api-js'
import {
  AccessKeyDoesNotExistError, AccessKeyMethodNameMismatchActionError, AccessKeyReceiverMismatchActionError,
  AccountDoesNotExistError, InvalidNonceError, InvalidSignatureError, NotEnoughBalanceError, RpcMethodNotFoundError,
  RpcRequestParseError, TransactionExpiredError, UnknownBlockError, UnknownTransactionError
} from 'near-api-js/rpc-errors'
import { base58 } from '@scure/base'
import { createSubAccount, notesWasm, useTestNet } from './helpers.js'

describe('localnet rpc: accounts and keys (near-api-js 7.2)', function () {
  const t = useTestNet()

  it('creates an account and transfers to it', async () => {
    const { account: alice } = await createSubAccount(t.root, t.net, 'alice', nearToYocto(10))
    const before = await t.rpc.viewAccount({ accountId: alice.accountId })
    assert.equal(before.amount, nearToYocto(10), 'alice starts with what root sent')
    const user0 = t.net.accounts[0]!
    await alice.transfer({ receiverId: user0.accountId, amount: nearToYocto(1) })
    const after = await t.rpc.viewAccount({ accountId: alice.accountId })
    assert.ok(after.amount < nearToYocto(9), `alice paid 1 NEAR plus gas (now ${after.amount})`)
    assert.ok(after.amount > nearToYocto(8.99), `gas is far below 0.01 NEAR (now ${after.amount})`)
    const state = await alice.getState()
    assert.equal(state.balance.total, after.amount)
  })

  it('prefunds the genesis accounts and writes their keys', async () => {
    for (const key of t.net.accounts) {
      const view = await t.rpc.viewAccount({ accountId: key.accountId })
      assert.equal(view.amount >= nearToYocto(999), true, `${key.accountId} is prefunded`)
      const signer = KeyPairSigner.fromSecretKey(key.secretKey as `ed25519:${string}`)
      const ak = await t.rpc.viewAccessKey({ accountId: key.accountId, publicKey: await signer.getPublicKey() })
      assert.equal(ak.permission, 'FullAccess', `${key.accountId} key is full access`)
    }
  })

  it('raises AccountDoesNotExistError and AccessKeyDoesNotExistError for unknown ones', async () => {
    await assert.rejects(t.rpc.viewAccount({ accountId: 'nobody.test.near' }), (err: unknown) => {
      assert.ok(err instanceof AccountDoesNotExistError, String(err))
      assert.equal(err.accountId, 'nobody.test.near')
      return true
    })
    const stranger = KeyPair.fromRandom('ed25519').getPublicKey()
    await assert.rejects(t.rpc.viewAccessKey({ accountId: t.net.root.accountId, publicKey: stranger }),
      (err: unknown) => err instanceof AccessKeyDoesNotExistError)
  })

  it('raises near-api-js typed errors for an unknown method, bad params and an unknown tx', async () => {
    // `retries` counts attempts in near-api-js 7.2: 1 = one request, no retry
    const json = new JsonRpcProvider({ url: t.net.rpcUrl }, { retries: 1 })
    const send = async (method: string, params: unknown): Promise<unknown> =>
      await (json.sendJsonRpc as (m: string, p: unknown) => Promise<unknown>).call(json, method, params)
    await assert.rejects(send('no_such_method', []), (err: unknown) => err instanceof RpcMethodNotFoundError)
    await assert.rejects(send('query', { request_type: 'view_account', finality: 'final' }), (err: unknown) => err instanceof RpcRequestParseError)
    await assert.rejects(json.viewTransactionStatus({ txHash: '11111111111111111111111111111111', accountId: t.net.root.accountId }),
      (err: unknown) => err instanceof UnknownTransactionError)
    await assert.rejects(json.viewBlock({ blockId: 99_999_999 }), (err: unknown) => err instanceof UnknownBlockError)
  })

  it('lets a function-call key call its method and refuses others', async () => {
    const { account: owner } = await createSubAccount(t.root, t.net, 'owner', nearToYocto(20))
    await owner.deployContract(await notesWasm())
    const fcKey = KeyPair.fromRandom('ed25519')
    await owner.addFunctionCallAccessKey({ publicKey: fcKey.getPublicKey(), contractId: owner.accountId, methodNames: ['set'], allowance: nearToYocto(1) })
    const keys = await t.rpc.viewAccessKeyList({ accountId: owner.accountId })
    const listed = keys.keys.find(k => k.public_key === fcKey.getPublicKey().toString())
    assert.deepEqual(listed?.access_key.permission, {
      FunctionCall: { allowance: nearToYocto(1).toString(), receiver_id: owner.accountId, method_names: ['set'] }
    })

    const limited = new Account(owner.accountId, t.rpc, new KeyPairSigner(fcKey))
    const out = await limited.callFunction({ contractId: owner.accountId, methodName: 'set', args: new TextEncoder().encode('"by key"') })
    assert.equal(out, 'by key')
    await assert.rejects(limited.callFunction({ contractId: owner.accountId, methodName: 'get', args: {} }),
      (err: unknown) => err instanceof AccessKeyMethodNameMismatchActionError)
    await assert.rejects(limited.transfer({ receiverId: t.net.root.accountId, amount: 1n }),
      (err: unknown) => err instanceof AccessKeyReceiverMismatchActionError || err instanceof Error && err.name.includes('AccessKey'))
  })

  describe('refused transactions', () => {
    /** Signs a one-yocto transfer from user0 with the given nonce, block hash and signature tweak. */
    async function signedTransfer ({ nonceDelta = 1n, blockHash, corrupt = false }: { nonceDelta?: bigint, blockHash?: Uint8Array, corrupt?: boolean }) {
      const key = t.net.accounts[1]!
      const signer = KeyPairSigner.fromSecretKey(key.secretKey as `ed25519:${string}`)
      const publicKey = await signer.getPublicKey()
      const ak = await t.rpc.viewAccessKey({ accountId: key.accountId, publicKey })
      const block = await t.rpc.viewBlock({ finality: 'final' })
      const tx = createTransaction(key.accountId, publicKey, t.net.root.accountId, ak.nonce + nonceDelta,
        [actions.transfer(1n)], blockHash ?? base58.decode(block.header.hash))
      const { signedTransaction } = await signer.signTransaction(tx)
      if (corrupt) signedTransaction.signature.ed25519Signature!.data[0]! ^= 0xff
      return signedTransaction
    }

    it('refuses a bad signature with InvalidSignatureError', async () => {
      await assert.rejects(t.rpc.sendTransaction(await signedTransfer({ corrupt: true })), (err: unknown) => err instanceof InvalidSignatureError)
    })

    it('refuses a stale nonce with InvalidNonceError', async () => {
      await t.rpc.sendTransaction(await signedTransfer({}))
      await assert.rejects(t.rpc.sendTransaction(await signedTransfer({ nonceDelta: 0n })), (err: unknown) => {
        assert.ok(err instanceof InvalidNonceError, String(err))
        return true
      })
    })

    it('refuses an unknown or expired block hash with TransactionExpiredError', async () => {
      // nearcore (chain/chain/src/store/utils.rs check_transaction_validity_period) answers Expired both for a
      // base block it does not know and for one older than the validity period; 86400 blocks cannot be waited for
      // in a test, so the unknown hash stands in for both
      const unknown = new Uint8Array(32).fill(7)
      await assert.rejects(t.rpc.sendTransaction(await signedTransfer({ blockHash: unknown })), (err: unknown) => {
        assert.ok(err instanceof TransactionExpiredError, `expected TransactionExpiredError as nearcore raises, got ${String(err)}`)
        return true
      })
    })

    it('refuses a transfer above the balance with NotEnoughBalanceError', async () => {
      const { account: poor } = await createSubAccount(t.root, t.net, 'poor', nearToYocto(1))
      await assert.rejects(poor.transfer({ receiverId: t.net.root.accountId, amount: nearToYocto(5) }),
        (err: unknown) => err instanceof NotEnoughBalanceError)
    })
  })
})
