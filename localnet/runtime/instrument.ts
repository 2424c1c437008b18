/**
 * Admission and gas metering of contract wasm, the way nearcore historically prepared contracts:
 * only MVP + sign-extension is admitted (sandbox's checkFeatures), and a call to the imported
 * `env.gas(i32)` is injected at the start of every metered block (function entry, loop body, each `if`
 * arm) with the number of instructions that block runs before its next branch point.
 * The host charges regular_op_cost per instruction.
 */
import type binaryen from 'binaryen'
import { checkFeatures, parseModule } from '../../sandbox/exec/admission.js'
import { loadBinaryen, quietly, type Binaryen } from '../../sandbox/exec/binaryen.js'
import { PrepareError } from './errors.js'

type Ref = binaryen.ExpressionRef
type Mod = binaryen.Module
/** Accessors binaryen.js has but its typings lack. */
interface Extra {
  Function: { setBody: (f: binaryen.FunctionRef, body: Ref) => void }
  Loop: { getBody: (e: Ref) => Ref, setBody: (e: Ref, body: Ref) => void }
  If: { getCondition: (e: Ref) => Ref, getIfTrue: (e: Ref) => Ref, setIfTrue: (e: Ref, x: Ref) => void, getIfFalse: (e: Ref) => Ref, setIfFalse: (e: Ref, x: Ref) => void }
}

const GAS_FN = '__near_gas'
const MAX_FUNCTIONS = 10_000
let B: Binaryen
let X: Extra

/** Loads binaryen once; prepareContract needs it. */
export async function initInstrumenter (): Promise<void> {
  B ??= await loadBinaryen()
  X = B as unknown as Extra
}

/** The instrumented module, and the limits of the memory it imports (if it imports one). */
export interface Prepared { wasm: Uint8Array, importedMemory?: { initial: number, maximum?: number } }

export function prepareContract (code: Uint8Array): Prepared {
  if (B == null) throw new PrepareError('Instantiate', 'initInstrumenter() was not awaited')
  let mod: Mod
  try {
    mod = parseModule(B, code)
  } catch {
    throw new PrepareError('Deserialization', 'the code is not a valid wasm module')
  }
  try {
    const check = checkFeatures(B, mod, B.Features.MVP | B.Features.SignExt)
    if (!check.ok) throw new PrepareError('Deserialization', `wasm feature "${check.feature}" is not supported by NEAR (MVP + sign-extension only)`)
    if (mod.getNumFunctions() > MAX_FUNCTIONS) throw new PrepareError('TooManyFunctions', `more than ${MAX_FUNCTIONS} functions`)
    mod.addFunctionImport(GAS_FN, 'env', 'gas', B.i32, B.none)
    const n = mod.getNumFunctions()
    for (let i = 0; i < n; i++) meterFunction(mod, mod.getFunctionByIndex(i))
    if (quietly(() => mod.validate()).value === 0) throw new PrepareError('Instantiate', 'instrumentation produced an invalid module')
    const memory = importedMemory(mod)
    if (quietly(() => mod.validate()).value === 0) throw new PrepareError('Instantiate', 'importing the memory produced an invalid module')
    return { wasm: mod.emitBinary(), importedMemory: memory }
  } finally {
    mod.dispose()
  }
}

/**
 * Like nearcore, contracts get their memory from the host: a module's own memory is turned into an
 * `env.memory` import (its data segments still initialise it), so the host caps it at 2048 pages.
 */
function importedMemory (mod: Mod): Prepared['importedMemory'] {
  if (!mod.hasMemory()) return undefined
  const info = mod.getMemoryInfo()
  if ((info.module ?? '') === '') mod.addMemoryImport(memoryName(mod), 'env', 'memory')
  return { initial: info.initial, ...(info.max != null ? { maximum: info.max } : {}) }
}

/** The internal name of the (single, MVP) memory: what its export points at, else binaryen's default. */
function memoryName (mod: Mod): string {
  for (let i = 0; i < mod.getNumExports(); i++) {
    const e = B.getExportInfo(mod.getExportByIndex(i)) as unknown as { kind: number, value: string }
    if (e.kind === B.ExternalMemory) return e.value
  }
  return '0'
}

function meterFunction (mod: Mod, fn: binaryen.FunctionRef): void {
  const info = B.getFunctionInfo(fn)
  if ((info.module ?? '') !== '' || info.body === 0) return
  const cost = meterRegion(mod, info.body)
  X.Function.setBody(fn, charged(mod, cost, info.body))
}

/** Prefixes `expr` with a gas call of `cost` ops, keeping its type. */
function charged (mod: Mod, cost: number, expr: Ref): Ref {
  const call = mod.call(GAS_FN, [mod.i32.const(cost)], B.none)
  return mod.block(null, [call, expr], B.getExpressionType(expr))
}

/**
 * Counts the ops of the region that starts at `expr`, not descending into loop bodies or if arms:
 * those are regions of their own and get their own gas call, added on the way.
 */
function meterRegion (mod: Mod, expr: Ref): number {
  const id = B.getExpressionId(expr)
  if (id === B.LoopId) {
    const body = X.Loop.getBody(expr)
    X.Loop.setBody(expr, charged(mod, meterRegion(mod, body), body))
    return 1
  }
  if (id === B.IfId) {
    const ifTrue = X.If.getIfTrue(expr)
    X.If.setIfTrue(expr, charged(mod, meterRegion(mod, ifTrue), ifTrue))
    const ifFalse = X.If.getIfFalse(expr)
    if (ifFalse !== 0) X.If.setIfFalse(expr, charged(mod, meterRegion(mod, ifFalse), ifFalse))
    return 1 + meterRegion(mod, X.If.getCondition(expr))
  }
  let cost = id === B.BlockId ? 0 : 1
  for (const child of children(expr, id)) cost += meterRegion(mod, child)
  return cost
}

/** Expression kinds with children that MVP + sign-ext modules contain; every other kind is a leaf. */
const CHILDREN: Record<string, string[]> = {
  Break: ['condition', 'value'],
  Switch: ['condition', 'value'],
  CallIndirect: ['target'],
  LocalSet: ['value'],
  GlobalSet: ['value'],
  Unary: ['value'],
  Drop: ['value'],
  Return: ['value'],
  Load: ['ptr'],
  Store: ['ptr', 'value'],
  Binary: ['left', 'right'],
  Select: ['ifTrue', 'ifFalse', 'condition'],
  MemoryGrow: ['delta']
}
let byId: Map<number, string> | undefined

function children (expr: Ref, id: number): Ref[] {
  byId ??= new Map(['Block', 'Call', ...Object.keys(CHILDREN)].map(k => [(B as unknown as Record<string, number>)[k + 'Id']!, k]))
  const kind = byId.get(id)
  if (kind == null) return []
  const i = B.getExpressionInfo(expr) as unknown as Record<string, unknown>
  if (kind === 'Block') return [...(i.children as number[])]
  const fields = kind === 'Call' ? [] : CHILDREN[kind]!
  const list = kind === 'Call' || kind === 'CallIndirect' ? [...(i.operands as number[])] : []
  for (const f of fields) { const x = i[f]; if (typeof x === 'number' && x !== 0) list.push(x) }
  return list
}
