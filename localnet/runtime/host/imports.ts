/**
 * Every `env` import a current nearcore offers, with its result type. A contract may import any of them;
 * the few outside localnet's scope fail when called, never at instantiation.
 */
import { HostError, hostErrors } from '../errors.js'
import { basicHost, type HostFn } from './basic.js'
import { promiseHost } from './promises.js'
import type { Logic } from './logic.js'

type Result = 'i64' | 'i32' | 'void'

/** name → result type, as nearcore's imports.rs declares them */
const SIGNATURES: Record<string, Result> = {
  read_register: 'void', register_len: 'i64', write_register: 'void',
  current_account_id: 'void', signer_account_id: 'void', signer_account_pk: 'void', predecessor_account_id: 'void',
  input: 'void', block_index: 'i64', block_timestamp: 'i64', epoch_height: 'i64', storage_usage: 'i64',
  account_balance: 'void', account_locked_balance: 'void', attached_deposit: 'void', prepaid_gas: 'i64', used_gas: 'i64',
  random_seed: 'void', sha256: 'void', keccak256: 'void', keccak512: 'void', ed25519_verify: 'i64', ripemd160: 'void', ecrecover: 'i64',
  value_return: 'void', panic: 'void', panic_utf8: 'void', log_utf8: 'void', log_utf16: 'void', abort: 'void',
  promise_create: 'i64', promise_then: 'i64', promise_and: 'i64', promise_batch_create: 'i64', promise_batch_then: 'i64',
  promise_batch_action_create_account: 'void', promise_batch_action_deploy_contract: 'void',
  promise_batch_action_function_call: 'void', promise_batch_action_function_call_weight: 'void',
  promise_batch_action_transfer: 'void', promise_batch_action_stake: 'void',
  promise_batch_action_add_key_with_full_access: 'void', promise_batch_action_add_key_with_function_call: 'void',
  promise_batch_action_delete_key: 'void', promise_batch_action_delete_account: 'void',
  promise_batch_action_deploy_global_contract: 'void', promise_batch_action_deploy_global_contract_by_account_id: 'void',
  promise_batch_action_use_global_contract: 'void', promise_batch_action_use_global_contract_by_account_id: 'void',
  promise_batch_action_state_init: 'i64', promise_batch_action_state_init_by_account_id: 'i64', set_state_init_data_entry: 'void',
  promise_set_refund_to: 'void', refund_to_account_id: 'void', current_contract_code: 'i64',
  promise_yield_create: 'i64', promise_yield_resume: 'i32',
  promise_results_count: 'i64', promise_result: 'i64', promise_return: 'void',
  storage_write: 'i64', storage_read: 'i64', storage_remove: 'i64', storage_has_key: 'i64',
  storage_iter_prefix: 'i64', storage_iter_range: 'i64', storage_iter_next: 'i64',
  gas: 'void', validator_stake: 'void', validator_total_stake: 'void',
  alt_bn128_g1_multiexp: 'void', alt_bn128_g1_sum: 'void', alt_bn128_pairing_check: 'i64',
  bls12381_g1_sum: 'i64', bls12381_g2_sum: 'i64', bls12381_g1_multiexp: 'i64', bls12381_g2_multiexp: 'i64',
  bls12381_map_fp_to_g1: 'i64', bls12381_map_fp2_to_g2: 'i64', bls12381_pairing_check: 'i64',
  bls12381_g1_decompress: 'i64', bls12381_g2_decompress: 'i64',
  sandbox_debug_log: 'void'
}

/** nearcore removed storage iteration: calling it is the Deprecated host error. */
const DEPRECATED = new Set(['storage_iter_prefix', 'storage_iter_range', 'storage_iter_next'])

const special: Record<string, HostFn> = {
  gas: (L, [ops]) => { L.ops(Number(ops!)); return undefined },
  sandbox_debug_log: (L, [len, ptr]) => { process.stderr.write(`[sandbox_debug_log] ${L.readUtf8(ptr!, len!)}\n`); return undefined }
}

function implementation (name: string): HostFn {
  const fn = basicHost[name] ?? promiseHost[name] ?? special[name]
  if (fn != null) return fn
  if (DEPRECATED.has(name)) return () => { throw hostErrors.unsupported(name) }
  return () => { throw new HostError('Unsupported', `${name} is not supported by localnet`, { method_name: name }) }
}

const IMPLS = Object.fromEntries(Object.keys(SIGNATURES).map(n => [n, implementation(n)]))

/** The `env` object for one call: every import bound to `L`, arguments as bigint, results as declared. */
export function hostImports (L: Logic): Record<string, (...args: Array<number | bigint>) => number | bigint | undefined> {
  const env: Record<string, (...args: Array<number | bigint>) => number | bigint | undefined> = {}
  for (const [name, result] of Object.entries(SIGNATURES)) {
    if (name === 'gas') continue
    const fn = IMPLS[name]!
    env[name] = (...args) => {
      // wasm passes i64 as signed bigint and i32 as signed number; nearcore reads both as unsigned
      const out = fn(L, args.map(a => typeof a === 'bigint' ? BigInt.asUintN(64, a) : BigInt(a >>> 0)))
      if (result === 'void') return undefined
      return result === 'i64' ? BigInt(out ?? 0) : Number(out ?? 0)
    }
  }
  // the metering call runs once per basic block: no bigint, no allocation (Logic.ops counts them as a number)
  env.gas = (ops) => { L.ops(ops as number); return undefined }
  return env
}

export const HOST_FUNCTION_NAMES = Object.keys(SIGNATURES)
