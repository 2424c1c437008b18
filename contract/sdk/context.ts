// Registers and the call's context: who calls, with what, when.
import * as env from "./env";
import { fromUtf8, ptr } from "./bytes";
import { U128 } from "./u128";

/** Scratch register used by every helper below; values are copied out right away. */
export const SCRATCH: u64 = 0;

export function readRegister(register: u64): Uint8Array {
  const len = env.register_len(register);
  if (len == <u64>-1) return new Uint8Array(0);
  const out = new Uint8Array(<i32>len);
  env.read_register(register, ptr(out));
  return out;
}

export function inputBytes(): Uint8Array {
  env.input(SCRATCH);
  return readRegister(SCRATCH);
}

export function predecessor(): string {
  env.predecessor_account_id(SCRATCH);
  return fromUtf8(readRegister(SCRATCH));
}

export function signer(): string {
  env.signer_account_id(SCRATCH);
  return fromUtf8(readRegister(SCRATCH));
}

export function currentAccount(): string {
  env.current_account_id(SCRATCH);
  return fromUtf8(readRegister(SCRATCH));
}

export function attachedDeposit(): U128 {
  const buf = new Uint8Array(16);
  env.attached_deposit(ptr(buf));
  return U128.fromLE(buf);
}

export function accountBalance(): U128 {
  const buf = new Uint8Array(16);
  env.account_balance(ptr(buf));
  return U128.fromLE(buf);
}

export function blockHeight(): u64 {
  return env.block_index();
}

export function blockTimestamp(): u64 {
  return env.block_timestamp();
}

export function storageUsage(): u64 {
  return env.storage_usage();
}

export function prepaidGas(): u64 {
  return env.prepaid_gas();
}

export function usedGas(): u64 {
  return env.used_gas();
}

export function randomSeed(): Uint8Array {
  env.random_seed(SCRATCH);
  return readRegister(SCRATCH);
}

export function sha256(data: Uint8Array): Uint8Array {
  env.sha256(<u64>data.length, ptr(data), SCRATCH);
  return readRegister(SCRATCH);
}

export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): bool {
  if (signature.length != 64 || publicKey.length != 32) return false;
  return env.ed25519_verify(64, ptr(signature), <u64>message.length, ptr(message), 32, ptr(publicKey)) == 1;
}

export function returnBytes(value: Uint8Array): void {
  env.value_return(<u64>value.length, ptr(value));
}

export function returnString(json: string): void {
  const bytes = String.UTF8.encode(json);
  env.value_return(<u64>bytes.byteLength, <u64>changetype<usize>(bytes));
}

export function log(message: string): void {
  const bytes = String.UTF8.encode(message);
  env.log_utf8(<u64>bytes.byteLength, <u64>changetype<usize>(bytes));
}
