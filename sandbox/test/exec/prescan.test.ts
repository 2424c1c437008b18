import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { ensureExamples } from '../../../scripts/build-examples.js'
import { mutateBytes } from '../../../scripts/fuzz/mutate.js'
import { caseRng } from '../../../scripts/fuzz/run.js'
import { writerSeeds } from '../../../scripts/fuzz/targets.js'
import { checkFeatures, executorFeatures, loadBinaryen, prescan, type AdmissionReason } from '../../exec/index.js'
import { Wasm } from '../../exec/wasm-api.js'
import { quietly } from '../../exec/binaryen.js'
import { bombs, OP, wasmModule } from './wasm-writer.js'

/** Codes that are a cap or a feature the pre-scan refuses by design, on modules binaryen and V8 would take. */
const BY_DESIGN: ReadonlySet<AdmissionReason> = new Set(['forbidden_feature', 'too_many_functions', 'too_many_locals', 'too_many_total_locals',
  'too_many_types', 'too_many_exports', 'too_many_segments', 'too_many_globals', 'table_too_large', 'code_too_large', 'body_too_large',
  'nesting_too_deep', 'expression_too_deep', 'too_complex'])

describe('sandbox/exec pre-scan', function () {
  this.timeout(600_000)

  it('accepts every example and counts what it scanned', async () => {
    for (const [name, path] of Object.entries(await ensureExamples())) {
      const r = prescan(new Uint8Array(await readFile(path)))
      assert.ok(r.ok, `${name}: ${r.ok ? '' : r.message}`)
      assert.ok(r.stats.instructions > 1000 && r.stats.functions > 10 && r.stats.maxNesting > 1, name)
    }
  })

  it('measures nesting and expression depth as binaryen builds the tree', () => {
    const nested = prescan(bombs.nestedBlocks(50))
    assert.ok(nested.ok)
    assert.equal(nested.stats.maxNesting, 50)
    const chain = prescan(bombs.addChain(50))
    assert.ok(chain.ok)
    assert.equal(chain.stats.maxNesting, 0)
    assert.ok(chain.stats.maxExpressionDepth >= 51 && chain.stats.maxExpressionDepth <= 53, String(chain.stats.maxExpressionDepth))
  })

  it('refuses malformed bytes as invalid_wasm without throwing: truncations of every example at every 97th byte', async () => {
    for (const path of Object.values(await ensureExamples())) {
      const wasm = new Uint8Array(await readFile(path))
      for (let end = 8; end < wasm.length; end += 97) {
        const r = prescan(wasm.subarray(0, end))
        assert.ok(r.ok || !r.message.startsWith('pre-scan failed'), r.ok ? '' : r.message)
      }
    }
    const badOpcode = prescan(wasmModule({ functions: [{ code: [0xe0] }] }))
    assert.equal(badOpcode.ok ? null : badOpcode.code, 'invalid_wasm')
    const simd = prescan(wasmModule({ functions: [{ code: [0xfd, 0x0c] }] }))
    assert.equal(simd.ok ? null : simd.code, 'forbidden_feature')
    const underflow = prescan(wasmModule({ functions: [{ code: [OP.i32Add, OP.drop] }] }))
    assert.equal(underflow.ok ? null : underflow.code, 'invalid_wasm')
  })

  it('fuzz corpus: seeded mutations of valid modules never break the pre-scan, and it takes what binaryen and V8 both take', async () => {
    const B = await loadBinaryen()
    const seeds = [...await Promise.all(Object.values(await ensureExamples()).map(async p => new Uint8Array(await readFile(p)))), ...writerSeeds()]
    let bothAccepted = 0
    for (let i = 0; i < 600; i++) {
      const rng = caseRng(17, 'prescan-agreement', i)
      const input = mutateBytes(rng, rng.pick(seeds))
      const verdict = prescan(input)
      assert.ok(verdict.ok || !verdict.message.startsWith('pre-scan failed'), `case ${i}: ${verdict.ok ? '' : verdict.message}`)
      if (verdict.ok || BY_DESIGN.has(verdict.code) || !Wasm.validate(input)) continue
      // V8 takes it and the pre-scan calls it malformed: binaryen must refuse it too
      let binaryenTakes = false
      try {
        const module = quietly(() => B.readBinary(input)).value
        try { binaryenTakes = checkFeatures(B, module, executorFeatures(B)).ok } finally { module.dispose() }
      } catch { binaryenTakes = false }
      if (binaryenTakes) bothAccepted++
      assert.equal(binaryenTakes, false, `case ${i}: V8 and binaryen accept, the pre-scan says ${verdict.code}: ${verdict.message}; input ${Buffer.from(input).toString('base64').slice(0, 400)}`)
    }
    assert.equal(bothAccepted, 0)
  })
})
