// Promises: transfers, cross-contract calls, callbacks, yield/resume and promise results.
import * as env from "./env";
import { ptr, utf8 } from "./bytes";
import { readRegister } from "./context";
import { U128 } from "./u128";

export const TGAS: u64 = 1_000_000_000_000;

export function transfer(to: string, amount: U128): void {
  if (amount.isZero()) return;
  const id = utf8(to);
  const p = env.promise_batch_create(<u64>id.length, ptr(id));
  env.promise_batch_action_transfer(p, ptr(amount.toLE()));
}

export function functionCall(contract: string, method: string, args: string, deposit: U128, gas: u64): u64 {
  const c = utf8(contract), m = utf8(method), a = utf8(args);
  return env.promise_create(<u64>c.length, ptr(c), <u64>m.length, ptr(m), <u64>a.length, ptr(a), ptr(deposit.toLE()), gas);
}

export function then(promise: u64, contract: string, method: string, args: string, deposit: U128, gas: u64): u64 {
  const c = utf8(contract), m = utf8(method), a = utf8(args);
  return env.promise_then(promise, <u64>c.length, ptr(c), <u64>m.length, ptr(m), <u64>a.length, ptr(a), ptr(deposit.toLE()), gas);
}

export function returnPromise(promise: u64): void {
  env.promise_return(promise);
}

export class Yield {
  constructor(public promise: u64, public dataId: Uint8Array) {}
}

/**
 * promise_yield_create: the callback `method` runs on resume, or with a failed result after the yield timeout.
 * It gets `gas` plus, by `weight`, a share of the gas this call leaves unused.
 */
export function yieldCreate(method: string, args: string, gas: u64, weight: u64, register: u64): Yield {
  const m = utf8(method), a = utf8(args);
  const p = env.promise_yield_create(<u64>m.length, ptr(m), <u64>a.length, ptr(a), gas, weight, register);
  return new Yield(p, readRegister(register));
}

/** False when the data id is unknown (already resumed or timed out). */
export function yieldResume(dataId: Uint8Array, payload: Uint8Array): bool {
  return env.promise_yield_resume(<u64>dataId.length, ptr(dataId), <u64>payload.length, ptr(payload)) != 0;
}

export const enum PromiseStatus { NotReady = 0, Successful = 1, Failed = 2 }

export class PromiseResult {
  constructor(public status: u64, public value: Uint8Array) {}
  ok(): bool { return this.status == PromiseStatus.Successful; }
}

export function promiseResult(index: u64, register: u64): PromiseResult {
  if (env.promise_results_count() <= index) return new PromiseResult(PromiseStatus.Failed, new Uint8Array(0));
  const status = env.promise_result(index, register);
  return new PromiseResult(status, status == PromiseStatus.Successful ? readRegister(register) : new Uint8Array(0));
}
