import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { ensureExamples } from '../../../scripts/build-examples.js'
import { AdmissionError, admitModule, checkFeatures, createExecutor, loadBinaryen, type AdmissionReason } from '../../exec/index.js'
import { command, tempDir, wat, wabtReady } from './helpers.js'

async function refused (wasm: Uint8Array, reason: AdmissionReason, caps = {}): Promise<string> {
  const r = await admitModule(wasm, caps)
  assert.equal(r.ok, false, `expected refusal ${reason}`)
  if (r.ok) throw new Error('unreachable')
  assert.equal(r.reason, reason, r.error.message)
  assert.equal(r.error.code, reason)
  return r.error.message
}

const start = '(func (export "_start"))'
const withMemory = (inner: string): string => `(module (memory (export "memory") 1) ${inner} ${start})`

describe('sandbox/exec admission', function () {
  this.timeout(300_000)
  before(async () => { await wabtReady })

  it('admits every example and a minimal command', async () => {
    const examples = await ensureExamples()
    for (const [name, path] of Object.entries(examples)) {
      const r = await admitModule(new Uint8Array(await readFile(path)))
      assert.equal(r.ok, true, `${name}: ${r.ok ? '' : r.error.message}`)
    }
    assert.equal((await admitModule(command(''))).ok, true)
  })

  it('refuses bytes that are not wasm, and oversized modules', async () => {
    await refused(new Uint8Array([1, 2, 3]), 'invalid_wasm')
    await refused(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 2, 3]), 'invalid_wasm')
    await refused(command(''), 'too_large', { maxModuleBytes: 64 })
  })

  it('refuses each forbidden feature and names it', async () => {
    const cases: Array<[string, Uint8Array]> = [
      ['simd', wat(withMemory('(func (result v128) (v128.const i32x4 1 2 3 4))'), { simd: true })],
      ['threads', wat(`(module (memory (export "memory") 1 1 shared) ${start})`, { threads: true })],
      ['tail-calls', wat(withMemory('(func $f (return_call $f))'), { tail_call: true })],
      ['exceptions', wat(withMemory('(tag $t) (func (throw $t))'), { exceptions: true })],
      ['multi-memory', wat(`(module (memory (export "memory") 1) (memory $b 1) ${start})`, { multi_memory: true })],
      ['memory64', wat(`(module (memory (export "memory") i64 1) ${start})`, { memory64: true })]
    ]
    for (const [feature, wasm] of cases) {
      const message = await refused(wasm, 'forbidden_feature')
      assert.match(message, new RegExp(feature), `${feature}: ${message}`)
    }
  })

  it('refuses imports outside the allowlist and wrong WASI signatures', async () => {
    await refused(wat(`(module (import "env" "f" (func)) (memory (export "memory") 1) ${start})`), 'forbidden_import')
    await refused(wat(`(module (import "wasi_snapshot_preview1" "no_such_call" (func)) (memory (export "memory") 1) ${start})`), 'forbidden_import')
    await refused(wat(`(module (import "env" "memory" (memory 1)) (export "memory" (memory 0)) ${start})`), 'forbidden_import')
    await refused(wat(`(module (import "env" "g" (global i32)) (memory (export "memory") 1) ${start})`), 'forbidden_import')
    await refused(wat(`(module (import "outlayer_internal" "fuel" (global i64)) (memory (export "memory") 1) ${start})`), 'forbidden_import')
    await refused(wat(`(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i32))) (memory (export "memory") 1) ${start})`), 'bad_import_signature')
  })

  it('refuses modules over the caps', async () => {
    const twoFunctions = withMemory('(func $a) (func $b)')
    await refused(wat(twoFunctions), 'too_many_functions', { maxFunctions: 2 })
    await refused(wat(withMemory('(func (local i32 i32 i32))')), 'too_many_locals', { maxLocalsPerFunction: 2 })
    await refused(wat(withMemory('(global i32 (i32.const 0)) (global i32 (i32.const 1))')), 'too_many_globals', { maxGlobals: 1 })
    await refused(wat(withMemory('(table 1 funcref) (table 1 funcref)')), 'too_many_tables')
    await refused(wat(withMemory('(table 200000 funcref)')), 'table_too_large')
    await refused(wat(`(module (memory (export "memory") 20000) ${start})`), 'memory_too_large')
  })

  it('refuses instructions the instrumenter does not meter', async () => {
    const { path, remove } = tempDir('adm')
    const executor = createExecutor({ workers: 1, cacheDir: path })
    try {
      const wasm = wat(withMemory('(table 4 funcref) (func (table.copy (i32.const 0) (i32.const 1) (i32.const 1)))'))
      await assert.rejects(executor.execute(wasm), (err: unknown) => err instanceof AdmissionError && err.code === 'unsupported_instruction')
    } finally {
      await executor.close()
      remove()
    }
  })

  it('refuses modules that are not WASI commands or use reserved names', async () => {
    await refused(wat('(module (memory (export "memory") 1) (func (export "main")))'), 'missing_start')
    await refused(wat(`(module (memory 1) ${start})`), 'missing_memory_export')
    await refused(wat(`(module (import "wasi_snapshot_preview1" "sched_yield" (func (result i32))) ${start})`), 'missing_memory_export')
    await refused(wat(withMemory('(func (export "__outlayer_fuel"))')), 'reserved_name')
  })

  it('checkFeatures gates other feature sets (MVP + sign-ext, as for NEAR contracts)', async () => {
    const B = await loadBinaryen()
    const bulk = B.readBinary(wat(withMemory('(func (memory.fill (i32.const 0) (i32.const 0) (i32.const 1)))')))
    const signExt = B.readBinary(wat(withMemory('(func (drop (i32.extend8_s (i32.const 1))))')))
    try {
      const allowed = B.Features.MVP | B.Features.SignExt
      assert.deepEqual(checkFeatures(B, signExt, allowed), { ok: true })
      const r = checkFeatures(B, bulk, allowed)
      assert.equal(r.ok, false)
    } finally {
      bulk.dispose()
      signExt.dispose()
    }
  })
})
