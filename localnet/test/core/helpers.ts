/** Test helpers: sign transactions with near-api-js against a Chain and run them through blocks. */
import { KeyPair, KeyPairSigner, createTransaction, encodeTransaction, type Action } from 'near-api-js'
import type { Chain, KeyedAccount, TxStatus } from '../../chain/api.js'
import { fromBase58 } from '../../state/codec.js'

import { actions } from 'near-api-js'
export { actions }

export interface SignArgs {
  chain: Chain
  signer: KeyedAccount
  receiverId: string
  actions: Action[]
  nonce?: bigint
  blockHash?: string
}

export async function signTx ({ chain, signer, receiverId, actions, nonce, blockHash }: SignArgs): Promise<Uint8Array> {
  const kp = KeyPair.fromString(signer.secretKey as `ed25519:${string}`)
  const pk = kp.getPublicKey()
  const n = nonce ?? BigInt(chain.viewAccessKey(signer.accountId, pk.toString()).nonce) + 1n
  const tx = createTransaction(signer.accountId, pk, receiverId, n, actions, fromBase58(blockHash ?? chain.head().hash))
  const { signedTransaction } = await new KeyPairSigner(kp).signTransaction(tx) as unknown as { signedTransaction: Parameters<typeof encodeTransaction>[0] }
  return encodeTransaction(signedTransaction)
}

/** Submits, then produces blocks until the transaction is fully executed. */
export async function run (args: SignArgs, maxBlocks = 20): Promise<TxStatus> {
  const { hash } = args.chain.submitTx(await signTx(args))
  return await settle(args.chain, hash, maxBlocks)
}

export async function settle (chain: Chain, hash: string, maxBlocks = 20): Promise<TxStatus> {
  for (let i = 0; i < maxBlocks; i++) {
    const s = chain.txStatus(hash)
    if (s?.status === 'executed' || s?.status === 'final') return s
    await chain.produceBlock()
  }
  throw new Error(`tx ${hash} did not execute within ${maxBlocks} blocks: ${JSON.stringify(chain.txStatus(hash)?.status)}`)
}

export function newKey (): { pair: KeyPair, publicKey: string, secretKey: string } {
  const pair = KeyPair.fromRandom('ed25519')
  return { pair, publicKey: pair.getPublicKey().toString(), secretKey: pair.toString() }
}

export const status = (s: TxStatus): any => (s.outcome as any).status
export const NEAR = 10n ** 24n
export const TGAS = 10n ** 12n

export const publicKeyOf = (a: KeyedAccount): string => KeyPair.fromString(a.secretKey as `ed25519:${string}`).getPublicKey().toString()
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
export const text = (b: Uint8Array): string => new TextDecoder().decode(b)
export const b64 = (s: string): string => Buffer.from(s).toString('base64')

/** Creates `accountId` under the root with a balance and a key, and deploys `wasm` to it. */
export async function deploy (chain: Chain, root: KeyedAccount, accountId: string, wasm: Uint8Array, near = 50n): Promise<TxStatus> {
  return await run({ chain, signer: root, receiverId: accountId, actions: [actions.createAccount(), actions.transfer(near * NEAR), actions.addFullAccessKey(newKey().pair.getPublicKey()), actions.deployContract(wasm)] })
}
