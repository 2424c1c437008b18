/** The preparation shapes of issue 17, shared by prepare.test.ts and its child processes. */
import { ADMISSION } from '../../exec/index.js'
import { bombs, wasmModule } from './wasm-writer.js'

/** Nesting and expression depth on both sides of the caps; the verdicts must not depend on V8's stack. */
export function nestingShapes (): Array<[string, Uint8Array]> {
  return [
    ['3,000 nested blocks', bombs.nestedBlocks(3_000)],
    ['nested blocks at the cap', bombs.nestedBlocks(ADMISSION.maxNesting)],
    ['nested blocks one past the cap', bombs.nestedBlocks(ADMISSION.maxNesting + 1)],
    ['100,000 nested blocks', bombs.nestedBlocks(100_000)],
    ['add chain near the cap', bombs.addChain(ADMISSION.maxExpressionDepth - 10)],
    ['add chain past the cap', bombs.addChain(ADMISSION.maxExpressionDepth)],
    ['100,000-deep add chain', bombs.addChain(100_000)]
  ]
}

/** The bombs of issue 17 §2 and their refusal codes, all decided by the pre-scan on the bytes. */
export function refusedBombs (): Array<[string, () => Uint8Array, string]> {
  return [
    // locals and functions are both in the preparation cost, which reaches its cap at the 100th body
    ['20,000 functions × 10,000 locals (140 KB)', () => bombs.locals(20_000, 10_000), 'too_complex'],
    ['110 functions × 10,000 locals', () => bombs.locals(110, 10_000), 'too_many_total_locals'],
    // 100,000 declared functions cost 2.2 M before any body is read: over the budget at the first one
    ['100,000 functions × 10,000 locals (~0.7 MB, at the old caps)', () => bombs.locals(100_000, 10_000), 'too_complex'],
    ['50,000 locals per function (~0.8 MB)', () => bombs.locals(110_000, 50_000), 'too_many_functions'],
    ['90,000 functions × 50,000 locals', () => bombs.locals(90_000, 50_000), 'too_many_locals'],
    ['100,000 nested blocks', () => bombs.nestedBlocks(100_000), 'nesting_too_deep'],
    ['100,000-deep add chain', () => bombs.addChain(100_000), 'expression_too_deep'],
    ['200,000 loops', () => bombs.loops(200_000), 'too_complex'],
    ['110,000 empty functions', () => wasmModule({ functions: Array.from({ length: 110_000 }, () => ({ code: [] })) }), 'too_many_functions']
  ]
}

/** The costliest modules that pass every cap (README.md's measurements), by shape. */
export function worstAdmitted (): Array<[string, () => Uint8Array]> {
  return [
    ['44,000 empty functions', () => wasmModule({ functions: Array.from({ length: 44_000 }, () => ({ code: [] })) })],
    ['78,000 loops', () => bombs.loops(78_000)],
    ['100 functions × 9,990 locals', () => bombs.locals(100, 9_990)]
  ]
}
