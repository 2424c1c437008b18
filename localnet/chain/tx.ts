/**
 * A borsh SignedTransaction as near-api-js encodes it: decoded with near-api-js's own schema, hashed as
 * nearcore does (sha256 of the borsh Transaction, which is the signed bytes minus the trailing signature),
 * its signature checked, and its actions turned into the runtime's Action type.
 */
import { decodeSignedTransaction } from 'near-api-js'
import { sha256 } from '@noble/hashes/sha2.js'
import { verifyEd25519 } from './verify.js'
import { fromBase58, toBase58 } from '../state/codec.js'
import type { Action } from '../runtime/actions.js'
import type { AccessKey } from '../state/records.js'
import { LIMITS } from '../runtime/fees.js'
import { ChainError, invalidTx } from './errors.js'

export interface DecodedTx {
  hash: string
  signerId: string
  publicKey: string
  nonce: bigint
  receiverId: string
  blockHash: string
  actions: Action[]
  signature: string
  size: number
}

type Raw = Record<string, any>
const bytes = (v: unknown): Uint8Array => v instanceof Uint8Array ? v : Uint8Array.from(v as number[])

function keyString (pk: Raw): string {
  if (pk.ed25519Key != null) return 'ed25519:' + toBase58(bytes(pk.ed25519Key.data))
  if (pk.secp256k1Key != null) return 'secp256k1:' + toBase58(bytes(pk.secp256k1Key.data))
  throw invalidTx('InvalidSignature')
}

function accessKey (ak: Raw): AccessKey {
  const p = ak.permission
  if (p.fullAccess != null) return { nonce: BigInt(ak.nonce), permission: 'FullAccess' }
  const fc = p.functionCall
  return {
    nonce: BigInt(ak.nonce),
    permission: { receiverId: fc.receiverId, methodNames: [...fc.methodNames], allowance: fc.allowance == null ? null : BigInt(fc.allowance) }
  }
}

function toAction (a: Raw): Action {
  if (a.createAccount != null) return { type: 'CreateAccount' }
  if (a.deployContract != null) return { type: 'DeployContract', code: bytes(a.deployContract.code) }
  if (a.functionCall != null) {
    const f = a.functionCall
    return { type: 'FunctionCall', methodName: f.methodName, args: bytes(f.args), gas: BigInt(f.gas), deposit: BigInt(f.deposit) }
  }
  if (a.transfer != null) return { type: 'Transfer', deposit: BigInt(a.transfer.deposit) }
  if (a.stake != null) return { type: 'Stake', stake: BigInt(a.stake.stake), publicKey: keyString(a.stake.publicKey) }
  if (a.addKey != null) return { type: 'AddKey', publicKey: keyString(a.addKey.publicKey), accessKey: accessKey(a.addKey.accessKey) }
  if (a.deleteKey != null) return { type: 'DeleteKey', publicKey: keyString(a.deleteKey.publicKey) }
  if (a.deleteAccount != null) return { type: 'DeleteAccount', beneficiaryId: a.deleteAccount.beneficiaryId }
  throw invalidTx({ ActionsValidation: { UnsupportedProtocolFeature: { protocol_feature: Object.keys(a)[0] ?? 'unknown', version: 0 } } })
}

export function decodeTx (signed: Uint8Array): DecodedTx {
  if (signed.length > LIMITS.max_transaction_size) {
    throw invalidTx({ TransactionSizeExceeded: { size: signed.length, limit: LIMITS.max_transaction_size } })
  }
  let d: Raw
  try {
    d = decodeSignedTransaction(signed) as unknown as Raw
  } catch (err) {
    throw new ChainError({ name: 'REQUEST_VALIDATION_ERROR', cause: { name: 'PARSE_ERROR', info: { error_message: `Failed to decode transaction: ${err instanceof Error ? err.message : String(err)}` } } })
  }
  const sig = d.signature.ed25519Signature
  if (sig == null) throw invalidTx('InvalidSignature')
  const sigBytes = bytes(sig.data)
  const unsigned = signed.subarray(0, signed.length - 65) // signature = 1 type byte + 64
  const hash = sha256(unsigned)
  const t = d.transaction
  const publicKey = t.publicKey.toString() as string
  if (!publicKey.startsWith('ed25519:') || !verifyEd25519(sigBytes, hash, fromBase58(publicKey.slice(8)))) throw invalidTx('InvalidSignature')
  return {
    hash: toBase58(hash),
    signerId: t.signerId,
    publicKey,
    nonce: BigInt(t.nonce),
    receiverId: t.receiverId,
    blockHash: toBase58(bytes(t.blockHash)),
    actions: (t.actions as Raw[]).map(toAction),
    signature: 'ed25519:' + toBase58(sigBytes),
    size: signed.length
  }
}
