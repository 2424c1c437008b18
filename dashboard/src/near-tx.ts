/**
 * A NEAR function call signed in the page with a pasted key (localnet's wallet-less flow): borsh-encoded
 * Transaction V0 with one FunctionCall action, signed with @noble/ed25519 over sha256 of the bytes, and relayed
 * through the node's POST /api/tx. The key never leaves the page; the node only sees the signed transaction.
 */
import * as ed from '@noble/ed25519'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { base58 } from '@scure/base'
import { api } from './api.js'
import { toBase64 } from './bytes.js'

ed.hashes.sha512 = (message) => new Uint8Array(sha512(message))

export interface PastedKey { accountId: string, seed: Uint8Array, publicKey: Uint8Array, publicKeyText: string }

/** `ed25519:<base58 of 64 bytes>` (NEAR's secret key form) with its account */
export function parseKey (accountId: string, secretKey: string): PastedKey {
  const m = /^ed25519:([1-9A-HJ-NP-Za-km-z]+)$/.exec(secretKey.trim())
  if (m == null) throw new Error('the key must look like ed25519:<base58>')
  const bytes = base58.decode(m[1]!)
  if (bytes.length !== 64 && bytes.length !== 32) throw new Error('the key must be 32 or 64 bytes')
  const seed = bytes.slice(0, 32)
  const publicKey = ed.getPublicKey(seed)
  if (!/^[a-z0-9._-]{2,64}$/.test(accountId)) throw new Error('not a NEAR account id')
  return { accountId, seed, publicKey, publicKeyText: `ed25519:${base58.encode(publicKey)}` }
}

class Writer {
  private readonly parts: Uint8Array[] = []
  bytes (b: Uint8Array): this { this.parts.push(b); return this }
  u8 (n: number): this { return this.bytes(new Uint8Array([n])) }
  u32 (n: number): this { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n, true); return this.bytes(b) }
  uint (n: bigint, size: number): this {
    const b = new Uint8Array(size)
    for (let i = 0; i < size; i++) { b[i] = Number(n & 0xffn); n >>= 8n }
    return this.bytes(b)
  }
  string (s: string): this { const b = new TextEncoder().encode(s); return this.u32(b.length).bytes(b) }
  vec (b: Uint8Array): this { return this.u32(b.length).bytes(b) }
  done (): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0))
    let o = 0
    for (const p of this.parts) { out.set(p, o); o += p.length }
    return out
  }
}

export interface FunctionCall { receiverId: string, method: string, args: unknown, gas: bigint, deposit: bigint }

export function encodeSigned (key: PastedKey, call: FunctionCall, nonce: bigint, blockHash: Uint8Array): { bytes: Uint8Array, hash: Uint8Array } {
  const tx = new Writer()
    .string(key.accountId).u8(0).bytes(key.publicKey).uint(nonce, 8).string(call.receiverId).bytes(blockHash)
    .u32(1).u8(2).string(call.method).vec(new TextEncoder().encode(JSON.stringify(call.args))).uint(call.gas, 8).uint(call.deposit, 16)
    .done()
  const hash = sha256(tx)
  const signature = ed.sign(hash, key.seed)
  return { bytes: new Writer().bytes(tx).u8(0).bytes(signature).done(), hash }
}


/** signs and relays one call; resolves with the transaction hash once included */
export async function sendCall (key: PastedKey, call: FunctionCall): Promise<string> {
  const ctx = await api<{ nonce: string, block_hash: string }>(`/api/tx-context?account_id=${encodeURIComponent(key.accountId)}&public_key=${encodeURIComponent(key.publicKeyText)}`)
  const { bytes, hash } = encodeSigned(key, call, BigInt(ctx.nonce) + 1n, base58.decode(ctx.block_hash))
  const sent = await api<{ tx_hash: string }>('/api/tx', { method: 'POST', body: JSON.stringify({ signed_tx_base64: toBase64(bytes) }) })
  return sent.tx_hash !== '' ? sent.tx_hash : base58.encode(hash)
}
