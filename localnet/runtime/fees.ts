/**
 * Gas costs and limits, taken from nearcore's runtime parameters (parameters.yaml, current protocol).
 * Send and execution fees are equal for every action here, as they are on mainnet today.
 */
export const GAS_PRICE = 100_000_000n // yocto per gas: nearcore's min_gas_price
export const MAX_PREPAID_GAS = 1_000_000_000_000_000n // 1 PGas (nearcore 2.11)
export const MAX_GAS_BURNT = MAX_PREPAID_GAS
/** nearcore's max_gas_burnt_view: what a view call may burn */
export const MAX_GAS_BURNT_VIEW = 300_000_000_000_000n

/** ext costs, gas units */
export const EXT = {
  base: 264_768_111n,
  contract_loading_base: 35_445_963n,
  contract_loading_bytes: 216_750n,
  read_memory_base: 2_609_863_200n,
  read_memory_byte: 3_801_333n,
  write_memory_base: 2_803_794_861n,
  write_memory_byte: 2_723_772n,
  read_register_base: 2_517_165_186n,
  read_register_byte: 98_562n,
  write_register_base: 2_865_522_486n,
  write_register_byte: 3_801_564n,
  utf8_decoding_base: 3_111_779_061n,
  utf8_decoding_byte: 291_580_479n,
  utf16_decoding_base: 3_543_313_050n,
  utf16_decoding_byte: 163_577_493n,
  sha256_base: 4_540_970_250n,
  sha256_byte: 24_117_351n,
  keccak256_base: 5_879_491_275n,
  keccak256_byte: 21_471_105n,
  keccak512_base: 5_811_388_236n,
  keccak512_byte: 36_649_701n,
  ripemd160_base: 853_675_086n,
  ripemd160_block: 680_107_584n,
  ed25519_verify_base: 210_000_000_000n,
  ed25519_verify_byte: 9_000_000n,
  ecrecover_base: 278_821_988_457n,
  log_base: 3_543_313_050n,
  log_byte: 13_198_791n,
  storage_write_base: 64_196_736_000n,
  storage_write_key_byte: 70_482_867n,
  storage_write_value_byte: 31_018_539n,
  storage_write_evicted_byte: 32_117_307n,
  storage_read_base: 56_356_845_750n,
  storage_read_key_byte: 30_952_533n,
  storage_read_value_byte: 5_611_005n,
  storage_remove_base: 53_473_030_500n,
  storage_remove_key_byte: 38_220_384n,
  storage_remove_ret_value_byte: 11_531_556n,
  storage_has_key_base: 54_039_896_625n,
  storage_has_key_byte: 30_790_845n,
  storage_iter_create_prefix_base: 0n,
  touching_trie_node: 16_101_955_926n,
  promise_and_base: 1_465_013_400n,
  promise_and_per_promise: 5_452_176n,
  promise_return: 560_152_386n,
  yield_create_base: 153_411_779_276n,
  yield_create_byte: 15_643_988n,
  yield_resume_base: 1_195_627_285_210n,
  yield_resume_byte: 47_683_715n,
  validator_stake_base: 911_834_726_400n,
  validator_total_stake_base: 911_834_726_400n
} as const

/** One wasm instruction (nearcore regular_op_cost). */
export const REGULAR_OP_COST = 822_756n

/** Action fees (send = execution). */
export const ACTION = {
  receipt_creation: 108_059_500_000n,
  data_receipt_base: 36_486_732_312n,
  data_receipt_byte: 17_212_011n,
  create_account: 3_850_000_000_000n,
  deploy_contract_base: 184_765_750_000n,
  deploy_contract_byte_send: 6_812_999n,
  deploy_contract_byte_exec: 64_572_944n,
  function_call_base: 2_319_861_500_000n,
  function_call_byte: 2_235_934n,
  transfer: 115_123_062_500n,
  stake: 141_715_687_500n,
  add_key_full: 101_765_125_000n,
  add_key_function_call: 102_217_625_000n,
  add_key_byte: 1_925_331n,
  delete_key: 94_946_625_000n,
  delete_account: 147_489_000_000n
} as const

/** VM limits (nearcore limit_config). */
export const LIMITS = {
  max_number_logs: 100,
  max_total_log_length: 16_384,
  max_register_size: 104_857_600,
  max_number_registers: 100,
  registers_memory_limit: 1_073_741_824,
  max_length_returned_data: 4_194_304,
  max_arguments_length: 4_194_304,
  max_length_method_name: 256,
  max_length_storage_key: 2_048,
  max_length_storage_value: 4_194_304,
  max_promises_per_function_call_action: 1_024,
  max_number_input_data_dependencies: 128,
  max_contract_size: 4_194_304,
  max_transaction_size: 1_572_864,
  max_yield_payload_size: 1_024,
  max_number_actions_per_receipt: 100,
  max_memory_pages: 2_048,
  initial_memory_pages: 17,
  max_stack_depth: 1_000
} as const
