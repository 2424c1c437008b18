/**
 * The instrumentation pass (binaryen.js). What it bakes in is consensus, versioned by INSTRUMENTER_VERSION:
 * - fuel: an inline i64 global, charged at function entries and loop headers with the node count of the code
 *   up to the next loop (both `if` arms counted); memory.grow and bulk memory pay by size before they run;
 * - call depth: a global charged 4 + locals per frame at entry and refunded at every exit (functions that make
 *   calls only); over the budget traps;
 * - NaN canonicalisation where NaN bits become observable: float stores, reinterpretations, copysign's sign;
 * - memory: turned into an import, so the host hands in a memory whose maximum is the request's limit and
 *   memory.grow past it returns -1 on every machine. A refused grow's size is remembered (memory_limit).
 * The host reads the meters back through three exported getter functions (INTERNAL_EXPORT_PREFIX +
 * fuel|depth|grow_failed): exporting the mutable globals themselves makes V8 reach them through an extra
 * indirection on every access (measured: fib 5× → 3× raw).
 */
import type { Binaryen } from './binaryen.js'
import { quietly } from './binaryen.js'
import { executorFeatures } from './admission.js'
import { METERING } from './limits.js'
import { slotsOf, type Slot } from './walker.js'
import { INTERNAL_EXPORT_PREFIX, INTERNAL_MODULE } from './wasi-signatures.js'

type Module = InstanceType<Binaryen['Module']>

export const INTERNAL = {
  fuelImport: 'fuel',
  sharedFuelImport: 'shared_fuel',
  sharedDepthImport: 'shared_depth',
  memoryImport: 'memory',
  fuelExport: `${INTERNAL_EXPORT_PREFIX}fuel`,
  depthExport: `${INTERNAL_EXPORT_PREFIX}depth`,
  growFailedExport: `${INTERNAL_EXPORT_PREFIX}grow_failed`,
  /** (i64) -> (): fuel -= n, for costs the host decides (outside I/O); the next metered check traps if < 0 */
  chargeExport: `${INTERNAL_EXPORT_PREFIX}charge`,
  startExport: `${INTERNAL_EXPORT_PREFIX}start`,
  metaSection: 'outlayer'
} as const

/** Stored in the instrumented module's `outlayer` custom section: what the host needs to instantiate it. */
export interface InstrumentedMeta {
  memory: { initial: number, max: number | null } | null
}

/** One expression on the walk's explicit stack: its children so far and the fuel they cost. */
interface VisitFrame { expr: number, id: number, slots: Slot[], next: number, cost: number }

const G = { fuelInit: '__outlayer_fuel_init', fuel: '__outlayer_fuel', depth: '__outlayer_depth', growFailed: '__outlayer_grow_failed' }

class FunctionRewriter {
  private readonly tmps = new Map<string, number>()

  constructor (private readonly B: Binaryen, private readonly mod: Module, private readonly func: number, private readonly leaf: boolean) {}

  private tmp (type: number, slot = ''): number {
    const key = `${type}${slot}`
    let index = this.tmps.get(key)
    if (index == null) {
      index = (this.B as unknown as { _BinaryenFunctionAddVar: (f: number, t: number) => number })._BinaryenFunctionAddVar(this.func, type)
      this.tmps.set(key, index)
    }
    return index
  }

  private fuel (): number { return this.mod.global.get(G.fuel, this.B.i64) }

  /** fuel -= cost; trap when it goes below zero */
  charge (cost: number): number {
    return this.chargeBy(this.mod.i64.const(BigInt(cost)))
  }

  private chargeBy (cost: number): number {
    const { mod, B } = this
    return mod.block(null, [
      mod.global.set(G.fuel, mod.i64.sub(this.fuel(), cost)),
      mod.if(mod.i64.lt_s(this.fuel(), mod.i64.const(0n)), mod.unreachable())
    ], B.none)
  }

  private depthBy (delta: number): number {
    const { mod, B } = this
    return mod.global.set(G.depth, mod.i32.add(mod.global.get(G.depth, B.i32), mod.i32.const(delta)))
  }

  /** fuel -= cost, depth += weight; out of fuel or over the depth budget traps */
  enterChecked (cost: number, weight: number): number {
    const { mod, B } = this
    return mod.block(null, [
      mod.global.set(G.fuel, mod.i64.sub(this.fuel(), mod.i64.const(BigInt(cost)))),
      this.depthBy(weight),
      mod.if(mod.i64.lt_s(this.fuel(), mod.i64.const(0n)), mod.unreachable()),
      mod.if(mod.i32.gt_u(mod.global.get(G.depth, B.i32), mod.i32.const(METERING.depthLimit)), mod.unreachable())
    ], B.none)
  }

  leave (weight: number): number { return this.depthBy(-weight) }

  /**
   * The expression's replacement and the fuel its straight-line part costs (nested loops charge themselves).
   * A post-order walk over an explicit stack, never JS recursion: the depth of guest code must not meet V8's
   * stack, whose size differs by flag, tier and version. Children are visited in the order slotsOf gives, so
   * the output (including the order temporaries are added) is what the recursive walk of version 4 produced.
   */
  visit (root: number, weight: number): [number, number] {
    const { B, mod } = this
    const stack: VisitFrame[] = [this.frame(root)]
    let done: [number, number] = [root, 0]
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as VisitFrame
      if (top.next < top.slots.length) {
        stack.push(this.frame((top.slots[top.next] as Slot).get()))
        continue
      }
      stack.pop()
      if (top.id === B.LoopId) {
        const body = B.Loop.getBody(top.expr)
        B.Loop.setBody(top.expr, mod.block(null, [this.charge(top.cost), body], B.getExpressionType(body)))
        done = [top.expr, 1]
      } else {
        done = [this.rewrite(top.expr, top.id, weight), top.cost]
      }
      const parent = stack[stack.length - 1]
      if (parent == null) break
      const slot = parent.slots[parent.next] as Slot
      if (done[0] !== top.expr) slot.set(done[0])
      parent.cost += done[1]
      parent.next++
    }
    return done
  }

  private frame (expr: number): VisitFrame {
    return { expr, id: this.B.getExpressionId(expr), slots: slotsOf(this.B, expr), next: 0, cost: 1 }
  }

  private rewrite (expr: number, id: number, weight: number): number {
    const { B, mod } = this
    switch (id) {
      case B.ReturnId:
        if (this.leaf) return expr
        // refund the frame on the way out; the returned value is computed after the refund, which only
        // lowers the depth seen while computing it, the same way on every machine
        return mod.block(null, [this.leave(weight), expr], B.unreachable)
      case B.MemoryGrowId: {
        const delta = this.tmp(B.i32, 'a')
        const result = this.tmp(B.i32, 'b')
        const original = B.MemoryGrow.getDelta(expr)
        B.MemoryGrow.setDelta(expr, mod.local.get(delta, B.i32))
        return mod.block(null, [
          mod.local.set(delta, original),
          this.chargeBy(mod.i64.mul(mod.i64.extend_u(mod.local.get(delta, B.i32)), mod.i64.const(METERING.growCostPerPage))),
          // remember the refused request (never 0: growing by 0 cannot fail), so the host can tell a
          // refusal at the limit from a host that could not commit memory below it
          mod.if(mod.i32.eq(mod.local.tee(result, expr, B.i32), mod.i32.const(-1)), mod.global.set(G.growFailed, mod.local.get(delta, B.i32))),
          mod.local.get(result, B.i32)
        ], B.i32)
      }
      case B.MemoryFillId:
        B.MemoryFill.setSize(expr, this.bulkSize(B.MemoryFill.getSize(expr)))
        return expr
      case B.MemoryCopyId:
        B.MemoryCopy.setSize(expr, this.bulkSize(B.MemoryCopy.getSize(expr)))
        return expr
      case B.MemoryInitId:
        B.MemoryInit.setSize(expr, this.bulkSize(B.MemoryInit.getSize(expr)))
        return expr
      case B.StoreId: {
        const type = B.Store.getValueType(expr)
        if (type === B.f32 || type === B.f64) B.Store.setValue(expr, this.canonical(B.Store.getValue(expr), type))
        return expr
      }
      case B.UnaryId: {
        const op = B.Unary.getOp(expr)
        if (op === B.ReinterpretFloat32) B.Unary.setValue(expr, this.canonical(B.Unary.getValue(expr), B.f32))
        if (op === B.ReinterpretFloat64) B.Unary.setValue(expr, this.canonical(B.Unary.getValue(expr), B.f64))
        return expr
      }
      case B.BinaryId: {
        const op = B.Binary.getOp(expr)
        if (op === B.CopySignFloat32) B.Binary.setRight(expr, this.canonical(B.Binary.getRight(expr), B.f32))
        if (op === B.CopySignFloat64) B.Binary.setRight(expr, this.canonical(B.Binary.getRight(expr), B.f64))
        return expr
      }
      default:
        return expr
    }
  }

  /** size → (size; fuel -= size >> bulkByteShift) */
  private bulkSize (size: number): number {
    const { B, mod } = this
    const t = this.tmp(B.i32, 'a')
    return mod.block(null, [
      mod.local.set(t, size),
      this.chargeBy(mod.i64.shr_u(mod.i64.extend_u(mod.local.get(t, B.i32)), mod.i64.const(METERING.bulkByteShift))),
      mod.local.get(t, B.i32)
    ], B.i32)
  }

  /** x → (x != x ? canonical NaN : x), the positive quiet NaN, the same on every CPU */
  private canonical (value: number, type: number): number {
    const { B, mod } = this
    const t = this.tmp(type)
    const get = (): number => mod.local.get(t, type)
    const isF32 = type === B.f32
    const nan = isF32 ? mod.f32.const_bits(0x7fc00000) : mod.f64.const_bits(0x7ff8000000000000n)
    const ne = isF32 ? mod.f32.ne(get(), get()) : mod.f64.ne(get(), get())
    return mod.block(null, [mod.local.set(t, value), mod.select(ne, nan, get())], type)
  }

  /**
   * Wraps the whole body: charge (+ enter), body, (leave). A leaf function (no calls) skips the depth meter:
   * it cannot recurse, so it adds at most one frame past the budget, and call-heavy code pays only where a
   * frame can lead to more frames.
   */
  wrapBody (body: number, cost: number, results: number, weight: number, leaf: boolean): number {
    const { B, mod } = this
    if (leaf) return mod.block(null, [this.charge(cost), body], results)
    const head = this.enterChecked(cost, weight)
    if (results === B.none) return mod.block(null, [head, body, this.leave(weight)], B.none)
    const t = this.tmp(results, 'ret')
    return mod.block(null, [head, mod.local.set(t, body), this.leave(weight), mod.local.get(t, results)], results)
  }
}

export interface InstrumentOptions {
  /**
   * Fuel and depth live in mutable globals the host imports into every core module of one component, so all of
   * them spend one budget (an imported global costs V8 one indirection per access). Default: module-local.
   */
  sharedMeters?: boolean
}

function addGlobals (B: Binaryen, mod: Module, shared: boolean): void {
  if (shared) {
    mod.addGlobalImport(G.fuel, INTERNAL_MODULE, INTERNAL.sharedFuelImport, B.i64, true)
    mod.addGlobalImport(G.depth, INTERNAL_MODULE, INTERNAL.sharedDepthImport, B.i32, true)
  } else {
    mod.addGlobalImport(G.fuelInit, INTERNAL_MODULE, INTERNAL.fuelImport, B.i64, false)
    mod.addGlobal(G.fuel, B.i64, true, mod.global.get(G.fuelInit, B.i64))
    mod.addGlobal(G.depth, B.i32, true, mod.i32.const(0))
  }
  mod.addGlobal(G.growFailed, B.i32, true, mod.i32.const(0))
  mod.addFunction(INTERNAL.fuelExport, B.none, B.i64, [], mod.global.get(G.fuel, B.i64))
  mod.addFunction(INTERNAL.depthExport, B.none, B.i32, [], mod.global.get(G.depth, B.i32))
  mod.addFunction(INTERNAL.growFailedExport, B.none, B.i32, [], mod.global.get(G.growFailed, B.i32))
  mod.addFunctionExport(INTERNAL.fuelExport, INTERNAL.fuelExport)
  mod.addFunctionExport(INTERNAL.depthExport, INTERNAL.depthExport)
  mod.addFunctionExport(INTERNAL.growFailedExport, INTERNAL.growFailedExport)
  mod.addFunction(INTERNAL.chargeExport, B.i64, B.none, [], mod.global.set(G.fuel, mod.i64.sub(mod.global.get(G.fuel, B.i64), mod.local.get(0, B.i64))))
  mod.addFunctionExport(INTERNAL.chargeExport, INTERNAL.chargeExport)
}

/** Turns the module's own memory into an import the host provides; returns its declared limits. */
function importMemory (B: Binaryen, mod: Module): InstrumentedMeta['memory'] {
  if (!mod.hasMemory()) return null
  const info = mod.getMemoryInfo()
  // a component core module may import another core module's memory: that one is capped where it is defined
  if (info.module != null && info.module !== '') return null
  let internalName: string | null = null
  for (let i = 0; i < mod.getNumExports(); i++) {
    const e = B.getExportInfo(mod.getExportByIndex(i))
    if (e.kind === B.ExternalMemory) internalName = e.value
  }
  if (internalName == null) throw new Error('admission guarantees an exported memory')
  mod.addMemoryImport(internalName, INTERNAL_MODULE, INTERNAL.memoryImport, false)
  return { initial: info.initial, max: info.max ?? null }
}

/** Does the body make a call? Depth-first over an explicit stack (no JS recursion, see visit). */
function hasCall (B: Binaryen, body: number): boolean {
  const stack = [body]
  while (stack.length > 0) {
    const expr = stack.pop() as number
    const id = B.getExpressionId(expr)
    if (id === B.CallId || id === B.CallIndirectId) return true
    for (const slot of slotsOf(B, expr)) stack.push(slot.get())
  }
  return false
}

/**
 * A wasm start function runs inside instantiation, before the host can read the fuel global back; we export it
 * instead and the host calls it right after instantiating, which is the same order of effects.
 */
function moveStart (B: Binaryen, mod: Module): void {
  const start = mod.getStart()
  if (start === 0) return
  mod.addFunctionExport(B.getFunctionInfo(start).name, INTERNAL.startExport)
  mod.setStart(0)
}

/** Instruments an admitted module in place and returns the new binary. */
export function instrumentModule (B: Binaryen, mod: Module, options: InstrumentOptions = {}): Uint8Array {
  const defined: number[] = []
  for (let i = 0; i < mod.getNumFunctions(); i++) {
    const ref = mod.getFunctionByIndex(i)
    const info = B.getFunctionInfo(ref)
    if (info.module === '' || info.module == null) defined.push(ref)
  }
  addGlobals(B, mod, options.sharedMeters === true)
  const memory = importMemory(B, mod)
  for (const ref of defined) {
    const info = B.getFunctionInfo(ref)
    const weight = METERING.depthFrameBase + B.Function.getNumLocals(ref)
    const leaf = !hasCall(B, info.body)
    const rewriter = new FunctionRewriter(B, mod, ref, leaf)
    const [body, cost] = rewriter.visit(info.body, weight)
    B.Function.setBody(ref, rewriter.wrapBody(body, cost, info.results, weight, leaf))
  }
  moveStart(B, mod)
  const meta: InstrumentedMeta = { memory }
  mod.addCustomSection(INTERNAL.metaSection, new TextEncoder().encode(JSON.stringify(meta)))
  mod.setFeatures(executorFeatures(B))
  const { value: valid, printed } = quietly(() => mod.validate())
  if (valid === 0) throw new Error(`instrumented module does not validate: ${printed.join(' ').slice(0, 300)}`)
  return mod.emitBinary()
}
