/** Registers, context, economics, math, logs/panics/results and storage host functions. */
import { sha256 } from '@noble/hashes/sha2.js'
import { keccak_256, keccak_512 } from '@noble/hashes/sha3.js'
import { ripemd160 } from '@noble/hashes/legacy.js'
import { verify } from '../../../protocol/keys.js'
import { EXT, LIMITS } from '../fees.js'
import { hostErrors } from '../errors.js'
import type { Logic } from './logic.js'

export type HostFn = (L: Logic, a: bigint[]) => bigint | number | undefined
const utf8 = new TextEncoder()
const u64 = (n: number | bigint): bigint => BigInt(n)

function hashFn (L: Logic, a: bigint[], base: bigint, perByte: bigint, fn: (b: Uint8Array) => Uint8Array): undefined {
  L.burn(EXT.base)
  const value = L.readOrRegister(a[1]!, a[0]!)
  L.burn(base + perByte * BigInt(value.length))
  L.registerWrite(a[2]!, fn(value))
  return undefined
}

function contextValue (L: Logic, register: bigint, value: Uint8Array | string): undefined {
  L.burn(EXT.base)
  L.registerWrite(register, typeof value === 'string' ? utf8.encode(value) : value)
  return undefined
}

/** Reads a storage key and enforces nearcore's key length limit. */
function storageKey (L: Logic, len: bigint, ptr: bigint): Uint8Array {
  const key = L.readOrRegister(ptr, len)
  if (key.length > LIMITS.max_length_storage_key) throw hostErrors.keyLengthExceeded(key.length, LIMITS.max_length_storage_key)
  return key
}

export const basicHost: Record<string, HostFn> = {
  // registers
  read_register: (L, [id, ptr]) => { L.burn(EXT.base); L.writeMemory(ptr!, L.registerRead(id!)); return undefined },
  register_len: (L, [id]) => { L.burn(EXT.base); return u64(L.registers.get(id!)?.length ?? -1) & 0xffffffffffffffffn },
  write_register: (L, [id, len, ptr]) => { L.burn(EXT.base); L.registerWrite(id!, L.readMemory(ptr!, len!)); return undefined },

  // context
  current_account_id: (L, [r]) => contextValue(L, r!, L.ctx.currentAccountId),
  signer_account_id: (L, [r]) => { L.notInView('signer_account_id'); return contextValue(L, r!, L.ctx.signerAccountId) },
  signer_account_pk: (L, [r]) => { L.notInView('signer_account_pk'); return contextValue(L, r!, L.ctx.signerAccountPk) },
  predecessor_account_id: (L, [r]) => { L.notInView('predecessor_account_id'); return contextValue(L, r!, L.ctx.predecessorAccountId) },
  input: (L, [r]) => contextValue(L, r!, L.ctx.input),
  block_index: (L) => { L.burn(EXT.base); return L.ctx.blockHeight },
  block_timestamp: (L) => { L.burn(EXT.base); return L.ctx.blockTimestampNs },
  epoch_height: (L) => { L.burn(EXT.base); return L.ctx.epochHeight },
  storage_usage: (L) => { L.burn(EXT.base); return u64(L.ctx.storage.storageUsage()) },

  // economics
  account_balance: (L, [ptr]) => { L.burn(EXT.base); L.writeU128(ptr!, L.balance); return undefined },
  account_locked_balance: (L, [ptr]) => { L.burn(EXT.base); L.writeU128(ptr!, L.ctx.accountLockedBalance); return undefined },
  attached_deposit: (L, [ptr]) => { L.burn(EXT.base); L.notInView('attached_deposit'); L.writeU128(ptr!, L.ctx.attachedDeposit); return undefined },
  prepaid_gas: (L) => { L.burn(EXT.base); L.notInView('prepaid_gas'); return L.ctx.prepaidGas },
  used_gas: (L) => { L.burn(EXT.base); L.notInView('used_gas'); return L.usedGas },
  validator_stake: (L, [, , ptr]) => { L.burn(EXT.base + EXT.validator_stake_base); L.writeU128(ptr!, 0n); return undefined },
  validator_total_stake: (L, [ptr]) => { L.burn(EXT.base + EXT.validator_total_stake_base); L.writeU128(ptr!, 0n); return undefined },

  // math
  random_seed: (L, [r]) => contextValue(L, r!, L.ctx.randomSeed),
  sha256: (L, a) => hashFn(L, a, EXT.sha256_base, EXT.sha256_byte, sha256),
  keccak256: (L, a) => hashFn(L, a, EXT.keccak256_base, EXT.keccak256_byte, keccak_256),
  keccak512: (L, a) => hashFn(L, a, EXT.keccak512_base, EXT.keccak512_byte, keccak_512),
  ripemd160: (L, a) => hashFn(L, a, EXT.ripemd160_base, EXT.ripemd160_block / 64n, ripemd160),
  ed25519_verify: (L, [sigLen, sigPtr, msgLen, msgPtr, pkLen, pkPtr]) => {
    L.burn(EXT.base)
    const sig = L.readOrRegister(sigPtr!, sigLen!)
    if (sig.length !== 64) throw hostErrors.ed25519Invalid('invalid signature length')
    const msg = L.readOrRegister(msgPtr!, msgLen!)
    L.burn(EXT.ed25519_verify_base + EXT.ed25519_verify_byte * BigInt(msg.length))
    const pk = L.readOrRegister(pkPtr!, pkLen!)
    if (pk.length !== 32) throw hostErrors.ed25519Invalid('invalid public key length')
    return verify(sig, msg, pk) ? 1n : 0n
  },

  // results, logs and panics
  value_return: (L, [len, ptr]) => {
    L.burn(EXT.base)
    const data = L.readOrRegister(ptr!, len!)
    if (data.length > LIMITS.max_length_returned_data) throw hostErrors.returnedValueLengthExceeded(data.length, LIMITS.max_length_returned_data)
    L.returnData = { kind: 'value', data }
    return undefined
  },
  panic: (L) => { L.burn(EXT.base); throw hostErrors.guestPanic('explicit guest panic') },
  panic_utf8: (L, [len, ptr]) => { L.burn(EXT.base); throw hostErrors.guestPanic(L.readUtf8(ptr!, len!)) },
  log_utf8: (L, [len, ptr]) => { L.burn(EXT.base); L.log(L.readUtf8(ptr!, len!)); return undefined },
  log_utf16: (L, [len, ptr]) => { L.burn(EXT.base); L.log(L.readUtf16(ptr!, len!)); return undefined },
  /** AssemblyScript's abort(msg, file, line, col): strings are UTF-16 with their byte length at ptr-4. */
  abort: (L, [msgPtr, filePtr, line, col]) => {
    L.burn(EXT.base)
    const asString = (ptr: bigint): string => {
      if (ptr < 4n) throw hostErrors.badUtf16()
      const lenBytes = L.readMemory(ptr - 4n, 4n)
      const len = new DataView(lenBytes.buffer).getUint32(0, true)
      return L.readUtf16(ptr, BigInt(len))
    }
    const msg = asString(msgPtr!)
    const file = asString(filePtr!)
    throw hostErrors.guestPanic(`${msg}, filename: "${file}" line: ${line} col: ${col}`)
  },

  // storage
  storage_write: (L, [keyLen, keyPtr, valueLen, valuePtr, r]) => {
    L.notInView('storage_write')
    L.burn(EXT.base + EXT.storage_write_base)
    const key = storageKey(L, keyLen!, keyPtr!)
    const value = L.readOrRegister(valuePtr!, valueLen!)
    if (value.length > LIMITS.max_length_storage_value) throw hostErrors.valueLengthExceeded(value.length, LIMITS.max_length_storage_value)
    L.burn(EXT.storage_write_key_byte * BigInt(key.length) + EXT.storage_write_value_byte * BigInt(value.length) + EXT.touching_trie_node * 2n)
    const evicted = L.ctx.storage.write(key, value)
    if (evicted == null) return 0n
    L.burn(EXT.storage_write_evicted_byte * BigInt(evicted.length))
    L.registerWrite(r!, evicted)
    return 1n
  },
  storage_read: (L, [keyLen, keyPtr, r]) => {
    L.burn(EXT.base + EXT.storage_read_base)
    const key = storageKey(L, keyLen!, keyPtr!)
    L.burn(EXT.storage_read_key_byte * BigInt(key.length) + EXT.touching_trie_node * 2n)
    const value = L.ctx.storage.read(key)
    if (value == null) return 0n
    L.burn(EXT.storage_read_value_byte * BigInt(value.length))
    L.registerWrite(r!, value)
    return 1n
  },
  storage_remove: (L, [keyLen, keyPtr, r]) => {
    L.notInView('storage_remove')
    L.burn(EXT.base + EXT.storage_remove_base)
    const key = storageKey(L, keyLen!, keyPtr!)
    L.burn(EXT.storage_remove_key_byte * BigInt(key.length) + EXT.touching_trie_node * 2n)
    const removed = L.ctx.storage.remove(key)
    if (removed == null) return 0n
    L.burn(EXT.storage_remove_ret_value_byte * BigInt(removed.length))
    L.registerWrite(r!, removed)
    return 1n
  },
  storage_has_key: (L, [keyLen, keyPtr]) => {
    L.burn(EXT.base + EXT.storage_has_key_base)
    const key = storageKey(L, keyLen!, keyPtr!)
    L.burn(EXT.storage_has_key_byte * BigInt(key.length) + EXT.touching_trie_node * 2n)
    return L.ctx.storage.read(key) != null ? 1n : 0n
  }
}
