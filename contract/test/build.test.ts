/** The build: both contracts compile, use only MVP + sign-extension, import only NEAR host functions, export the methods. */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import wabt from 'wabt'
import { ensureContracts } from '../../scripts/build-contract.js'

/** The slice of the WebAssembly JS API used here (the project's libs do not declare WebAssembly). */
interface Descriptor { module?: string, name: string, kind: string }
const Wasm = (globalThis as unknown as {
  WebAssembly: { Module: { new (bytes: Uint8Array): object, imports: (m: object) => Descriptor[], exports: (m: object) => Descriptor[] } }
}).WebAssembly

/** nearcore's host functions that our sdk binds (a subset of near-vm-runner's imports). */
const NEAR_HOST_FUNCTIONS = new Set([
  'read_register', 'register_len', 'write_register', 'current_account_id', 'signer_account_id', 'predecessor_account_id',
  'input', 'block_index', 'block_timestamp', 'storage_usage', 'account_balance', 'attached_deposit', 'prepaid_gas',
  'used_gas', 'random_seed', 'sha256', 'ed25519_verify', 'value_return', 'panic_utf8', 'log_utf8', 'promise_create',
  'promise_then', 'promise_batch_create', 'promise_batch_action_transfer', 'promise_results_count', 'promise_result',
  'promise_return', 'promise_yield_create', 'promise_yield_resume', 'storage_write', 'storage_read', 'storage_remove',
  'storage_has_key'
])

const OUTLAYER_METHODS = [
  'new', 'request_execution', 'register_worker', 'unregister_worker', 'withdraw_bond', 'commit_result', 'get_assignment',
  'resolve_execution', 'submit_execution_output', 'report_equivocation', 'on_execution_response', 'cancel_stale_execution',
  'emergency_cancel_execution', 'set_owner', 'set_operator', 'set_paused', 'set_pricing', 'set_config', 'get_request',
  'get_pending_requests',
  'get_worker', 'list_workers', 'get_pricing', 'estimate_execution_cost', 'get_max_limits', 'get_stats', 'get_config',
  'create_project', 'add_version', 'set_active_version', 'get_project', 'list_versions', 'store_secrets', 'delete_secrets',
  'get_secrets', 'get_attestation_digest'
]

const MVP_AND_SIGN_EXT = {
  sign_extension: true,
  mutable_globals: false,
  sat_float_to_int: false,
  bulk_memory: false,
  multi_value: false,
  reference_types: false,
  simd: false,
  threads: false,
  exceptions: false,
  tail_call: false,
  function_references: false,
  gc: false,
  memory64: false,
  extended_const: false,
  relaxed_simd: false
}

describe('contract build', function () {
  this.timeout(180_000)
  let paths: { outlayer: string, coinFlip: string }

  before(async () => { paths = await ensureContracts() })

  for (const name of ['outlayer', 'coinFlip'] as const) {
    it(`${name}: validates with every post-MVP feature off except sign-extension`, async () => {
      const bytes = await readFile(paths[name])
      const w = await wabt()
      const mod = w.readWasm(bytes, { readDebugNames: false, ...MVP_AND_SIGN_EXT })
      try {
        mod.validate()
        assert.doesNotMatch(mod.toText({}), /\(start /, 'no start function: the build moved it into each method')
      } finally { mod.destroy() }
    })

    it(`${name}: imports only NEAR host functions from env, and memory is its own`, async () => {
      const mod = new Wasm.Module(await readFile(paths[name]))
      for (const imp of Wasm.Module.imports(mod)) {
        assert.equal(imp.module, 'env', `import ${imp.module}.${imp.name}`)
        assert.equal(imp.kind, 'function', `import ${imp.name}`)
        assert.ok(NEAR_HOST_FUNCTIONS.has(imp.name), `env.${imp.name} is a NEAR host function`)
      }
      assert.ok(Wasm.Module.exports(mod).some(e => e.name === 'memory' && e.kind === 'memory'))
    })
  }

  it('outlayer exports every method of issue 5', async () => {
    const exported = new Set(Wasm.Module.exports(new Wasm.Module(await readFile(paths.outlayer))).map(e => e.name))
    for (const m of OUTLAYER_METHODS) assert.ok(exported.has(m), `exports ${m}`)
  })

  it('refuses a wasm that uses a disabled feature (the check is not vacuous)', async () => {
    const w = await wabt()
    // (func (param i32 i32 i32) memory.fill) needs bulk memory
    const wat = '(module (memory 1) (func (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.fill))'
    const withBulk = w.parseWat('bulk.wat', wat, { bulk_memory: true })
    const binary = withBulk.toBinary({}).buffer
    withBulk.destroy()
    assert.throws(() => {
      const mod = w.readWasm(binary, { readDebugNames: false, ...MVP_AND_SIGN_EXT })
      try { mod.validate() } finally { mod.destroy() }
    })
  })
})
