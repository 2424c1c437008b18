/**
 * The pre-scan: one streaming pass over the raw module bytes that enforces the module-wide caps before
 * binaryen allocates anything (issue 17 §2, §3). binaryen's memory and time grow with the counts checked here
 * (functions, locals, expressions, segments), and a module well under the byte cap can make it allocate
 * gigabytes, so these caps are checked on the bytes, in the order they appear, and the scan stops at the first
 * one passed. It decodes every section binaryen would build objects for (types, imports, functions, tables,
 * memories, globals, exports, elements, code, data) and simulates each expression's operand stack to know the
 * tree binaryen will build from it: its nesting and expression depth. Loops only, never recursion, so the
 * verdict is the same on every V8 stack size.
 *
 * It is not a validator: a module it accepts may still be refused by binaryen or V8 later (invalid_wasm), but
 * every module binaryen and V8 accept under the caps passes it (fuzzed in sandbox/test/exec/prescan.test.ts).
 * The verdict is a pure function of the bytes and the caps, so it is consensus (INSTRUMENTER_VERSION).
 */
import type { AdmissionReason } from './errors.js'
import { ADMISSION, PREPARE_COST } from './limits.js'

export type PrescanCaps = { readonly [K in keyof typeof ADMISSION]: number }

/** What the scan counted, for tests and the README's measurements. */
export interface PrescanStats {
  functions: number
  totalLocals: number
  codeBytes: number
  maxBodyBytes: number
  instructions: number
  /** the instrumenter's expensive sites: loops, memory.grow, bulk memory, float canonicalisation, returns */
  sites: number
  maxNesting: number
  maxExpressionDepth: number
  /** PREPARE_COST-weighted sum, capped by maxPrepareCost */
  cost: number
}

export type PrescanResult = { ok: true, stats: PrescanStats } | { ok: false, code: AdmissionReason, message: string }

/** Thrown inside the scan only; prescan() turns it into its Result. */
class Stop {
  constructor (readonly code: AdmissionReason, readonly message: string) {}
}

const invalid = (message: string): Stop => new Stop('invalid_wasm', message)
const feature = (name: string, detail: string): Stop => new Stop('forbidden_feature', `uses ${name} (${detail})`)

class Reader {
  pos: number
  constructor (readonly bytes: Uint8Array, start: number, readonly end: number) { this.pos = start }

  get done (): boolean { return this.pos >= this.end }

  u8 (): number {
    if (this.pos >= this.end) throw invalid(`unexpected end at byte ${this.pos}`)
    return this.bytes[this.pos++] as number
  }

  /** unsigned LEB128 of at most `bits` bits */
  uleb (bits = 32): number {
    let result = 0
    let scale = 1
    for (let i = 0; i < Math.ceil(bits / 7); i++) {
      const byte = this.u8()
      result += (byte & 0x7f) * scale
      scale *= 128
      if ((byte & 0x80) === 0) {
        if (result >= 2 ** bits) throw invalid(`integer too large at byte ${this.pos}`)
        return result
      }
    }
    throw invalid(`LEB128 too long at byte ${this.pos}`)
  }

  /** a signed LEB128 of at most `bits` bits, skipped (only its length matters here) */
  skipSleb (bits: number): void {
    const maxBytes = Math.ceil(bits / 7)
    for (let i = 0; i < maxBytes; i++) if ((this.u8() & 0x80) === 0) return
    throw invalid(`LEB128 too long at byte ${this.pos}`)
  }

  /** the block type: -1 for none, -2 for one value, else a type index */
  blockType (): number {
    const first = this.bytes[this.pos]
    if (first === 0x40) { this.pos++; return -1 }
    if (first != null && first >= 0x40 && first < 0x80) { valueType(this.u8()); return -2 }
    // a non-negative s33: the type index
    let result = 0
    let scale = 1
    for (let i = 0; i < 5; i++) {
      const byte = this.u8()
      result += (byte & 0x7f) * scale
      scale *= 128
      if ((byte & 0x80) === 0) {
        if ((byte & 0x40) !== 0) throw invalid('negative block type')
        return result
      }
    }
    throw invalid('block type too long')
  }

  skip (n: number): void {
    if (n > this.end - this.pos) throw invalid(`unexpected end at byte ${this.pos}`)
    this.pos += n
  }

  skipName (): void { this.skip(this.uleb()) }
}

/** Checks a value type byte; refuses the types of features we do not run by name. */
function valueType (byte: number): void {
  if (byte === 0x7f || byte === 0x7e || byte === 0x7d || byte === 0x7c || byte === 0x70 || byte === 0x6f) return
  if (byte === 0x7b) throw feature('simd', 'v128 value type')
  if (byte === 0x69) throw feature('exceptions', 'exnref value type')
  if (byte >= 0x63 && byte <= 0x6e) throw feature('gc', `reference type 0x${byte.toString(16)}`)
  throw invalid(`bad value type 0x${byte.toString(16)}`)
}

function limits (r: Reader, what: 'table' | 'memory'): void {
  const flags = r.u8()
  if (flags > 1) {
    if (what === 'memory' && (flags & 2) !== 0) throw feature('threads', 'shared memory')
    if (what === 'memory' && (flags & 4) !== 0) throw feature('memory64', '64-bit memory')
    throw invalid(`bad ${what} limits flags ${flags}`)
  }
  r.uleb()
  if (flags === 1) r.uleb()
}

function refType (r: Reader): void {
  const t = r.u8()
  if (t !== 0x70 && t !== 0x6f) valueType(t) // refuses by feature, or as invalid
  if (t !== 0x70 && t !== 0x6f) throw invalid('not a reference type')
}

/** Module-level facts the code scan needs: each function's and type's arity. */
interface Context {
  caps: PrescanCaps
  typeParams: number[]
  typeResults: number[]
  /** type index of every function, imports first */
  functionTypes: number[]
  stats: PrescanStats
}

/** A block on the simulated control stack. */
interface ControlFrame {
  /** operand-stack height below the block's values (its params are its first values) */
  base: number
  params: number
  /** labels of a loop take its params, of anything else its results */
  labelArity: number
  results: number
  /** tallest child expression seen so far (statements and the values left at the end) */
  tallest: number
  isIf: boolean
  /** after br, return or unreachable: pops of missing operands are allowed (they are 0 high) */
  unreachable: boolean
}

/**
 * Expression scanner. binaryen builds a tree from the stack code: an instruction's node sits one above the
 * tallest of the operands it pops, a block one above the tallest of its children. The scan tracks that height
 * for every value on the operand stack and every open block, which gives the tree's depth (expression depth)
 * and the number of open blocks (nesting), both capped, in one pass.
 */
class ExpressionScan {
  private readonly control: ControlFrame[] = []
  private readonly heights: number[] = []

  constructor (private readonly r: Reader, private readonly ctx: Context, private readonly nestingBase = 0) {}

  /** Scans up to and including the `end` that closes the expression; returns its tree height. */
  run (results: number): number {
    this.open(0, results, results, false)
    while (this.control.length > 0) this.step()
    return this.lastHeight
  }

  private lastHeight = 0

  private open (params: number, results: number, labelArity: number, isIf: boolean): void {
    const depth = this.nestingBase + this.control.length
    const { caps, stats } = this.ctx
    if (depth > caps.maxNesting) throw new Stop('nesting_too_deep', `blocks nested ${depth} deep > ${caps.maxNesting}`)
    if (depth > stats.maxNesting) stats.maxNesting = depth
    // the params stay on the stack as the block's first values, with their heights; in unreachable code
    // missing ones are polymorphic (height 0)
    const parent = this.control[this.control.length - 1]
    const available = this.heights.length - (parent?.base ?? 0)
    if (available < params) {
      if (parent?.unreachable !== true) throw invalid(`operand stack underflow at byte ${this.r.pos}`)
      for (let i = available; i < params; i++) this.heights.push(0)
    }
    const base = this.heights.length - params
    let tallest = 0
    for (let i = base; i < this.heights.length; i++) tallest = Math.max(tallest, this.heights[i] as number)
    this.control.push({ base, params, labelArity, results, tallest, isIf, unreachable: false })
  }

  private get frame (): ControlFrame { return this.control[this.control.length - 1] as ControlFrame }

  /** pops n operands; the height of the tallest (0 if none) */
  private pop (n: number): number {
    const f = this.frame
    let tallest = 0
    for (let i = 0; i < n; i++) {
      if (this.heights.length <= f.base) {
        if (f.unreachable) continue
        throw invalid(`operand stack underflow at byte ${this.r.pos}`)
      }
      tallest = Math.max(tallest, this.heights.pop() as number)
    }
    return tallest
  }

  /** a node over operands of height `below`: pushes its `results` values, or records it as a statement */
  private node (below: number, results: number): void {
    const height = below + 1
    const { caps, stats } = this.ctx
    const depth = height + this.nestingBase + this.control.length
    if (depth > caps.maxExpressionDepth) throw new Stop('expression_too_deep', `expression ${depth} deep > ${caps.maxExpressionDepth}`)
    if (depth > stats.maxExpressionDepth) stats.maxExpressionDepth = depth
    if (results === 0) this.frame.tallest = Math.max(this.frame.tallest, height)
    for (let i = 0; i < results; i++) this.heights.push(height)
  }

  private op (pops: number, pushes: number): void { this.node(this.pop(pops), pushes) }

  private unreachableAfter (): void {
    const f = this.frame
    for (let i = f.base; i < this.heights.length; i++) f.tallest = Math.max(f.tallest, this.heights[i] as number)
    this.heights.length = f.base
    f.unreachable = true
  }

  private close (): void {
    const f = this.control.pop() as ControlFrame
    let tallest = f.tallest
    // the block's results and any values binaryen has to wrap are its children too
    for (let i = f.base; i < this.heights.length; i++) tallest = Math.max(tallest, this.heights[i] as number)
    this.heights.length = f.base
    this.lastHeight = tallest + 1
    if (this.control.length > 0) this.node(tallest, f.results)
  }

  private blockArity (type: number): [params: number, results: number] {
    if (type === -1) return [0, 0]
    if (type === -2) return [0, 1]
    if (type >= this.ctx.typeParams.length) throw invalid(`block type ${type} out of range`)
    return [this.ctx.typeParams[type] as number, this.ctx.typeResults[type] as number]
  }

  private label (depth: number): ControlFrame {
    const f = this.control[this.control.length - 1 - depth]
    if (f == null) throw invalid(`branch depth ${depth} out of range`)
    return f
  }

  private funcType (index: number): number {
    const t = this.ctx.functionTypes[index]
    if (t == null) throw invalid(`function ${index} out of range`)
    return t
  }

  private memarg (): void {
    const align = this.r.uleb()
    if ((align & 0x40) !== 0) this.r.uleb() // a memory index (multi-memory, refused later by binaryen)
    this.r.uleb()
  }

  private step (): void {
    const { r, ctx } = this
    const op = r.u8()
    ctx.stats.instructions++
    if (op >= 0x45 && op <= 0xc4) { this.numeric(op); return }
    switch (op) {
      case 0x00: this.node(0, 0); this.unreachableAfter(); return // unreachable
      case 0x01: this.node(0, 0); return // nop
      case 0x02: case 0x03: { // block, loop
        const [params, results] = this.blockArity(r.blockType())
        if (op === 0x03) ctx.stats.sites++
        this.open(params, results, op === 0x03 ? params : results, false)
        return
      }
      case 0x04: { // if
        const [params, results] = this.blockArity(r.blockType())
        this.pop(1)
        this.open(params, results, results, true)
        return
      }
      case 0x05: { // else
        const f = this.frame
        if (!f.isIf) throw invalid('else outside if')
        for (let i = f.base; i < this.heights.length; i++) f.tallest = Math.max(f.tallest, this.heights[i] as number)
        this.heights.length = f.base
        for (let i = 0; i < f.params; i++) this.heights.push(0) // the else arm gets the params again
        f.isIf = false
        f.unreachable = false
        return
      }
      case 0x0b: this.close(); return // end
      case 0x0c: this.op(this.label(r.uleb()).labelArity, 0); this.unreachableAfter(); return // br
      case 0x0d: { const arity = this.label(r.uleb()).labelArity; this.op(arity + 1, arity); return } // br_if
      case 0x0e: { // br_table
        const n = r.uleb()
        for (let i = 0; i < n; i++) this.label(r.uleb())
        this.op(this.label(r.uleb()).labelArity + 1, 0)
        this.unreachableAfter()
        return
      }
      case 0x0f: ctx.stats.sites++; this.op(this.control[0]?.results ?? 0, 0); this.unreachableAfter(); return // return
      case 0x10: { const t = this.funcType(r.uleb()); this.op(ctx.typeParams[t] as number, ctx.typeResults[t] as number); return } // call
      case 0x11: { // call_indirect
        const t = r.uleb()
        r.uleb() // table
        if (t >= ctx.typeParams.length) throw invalid(`type ${t} out of range`)
        this.op((ctx.typeParams[t] as number) + 1, ctx.typeResults[t] as number)
        return
      }
      case 0x12: case 0x13: throw feature('tail-calls', 'return_call')
      case 0x06: case 0x07: case 0x08: case 0x09: case 0x0a: case 0x18: case 0x19: case 0x1f: throw feature('exceptions', `opcode 0x${op.toString(16)}`)
      case 0x14: case 0x15: case 0xd3: case 0xd4: case 0xd5: case 0xd6: case 0xfb: throw feature('gc', `opcode 0x${op.toString(16)}`)
      case 0x1a: this.op(1, 0); return // drop
      case 0x1b: this.op(3, 1); return // select
      case 0x1c: { const n = r.uleb(); for (let i = 0; i < n; i++) valueType(r.u8()); this.op(3, 1); return } // typed select
      case 0x20: r.uleb(); this.op(0, 1); return // local.get
      case 0x21: r.uleb(); this.op(1, 0); return // local.set
      case 0x22: r.uleb(); this.op(1, 1); return // local.tee
      case 0x23: r.uleb(); this.op(0, 1); return // global.get
      case 0x24: r.uleb(); this.op(1, 0); return // global.set
      case 0x25: r.uleb(); this.op(1, 1); return // table.get
      case 0x26: r.uleb(); this.op(2, 0); return // table.set
      case 0x3f: r.uleb(); this.op(0, 1); return // memory.size
      case 0x40: r.uleb(); ctx.stats.sites++; this.op(1, 1); return // memory.grow
      case 0x41: r.skipSleb(32); this.op(0, 1); return
      case 0x42: r.skipSleb(64); this.op(0, 1); return
      case 0x43: r.skip(4); this.op(0, 1); return
      case 0x44: r.skip(8); this.op(0, 1); return
      case 0xd0: refType(r); this.op(0, 1); return // ref.null
      case 0xd1: this.op(1, 1); return // ref.is_null
      case 0xd2: r.uleb(); this.op(0, 1); return // ref.func
      case 0xfc: this.prefixed(r.uleb()); return
      case 0xfd: throw feature('simd', 'a SIMD instruction')
      case 0xfe: throw feature('threads', 'an atomic instruction')
      default:
        if (op >= 0x28 && op <= 0x35) { this.memarg(); this.op(1, 1); return } // loads
        if (op >= 0x36 && op <= 0x3e) { // stores; float stores get NaN canonicalisation
          this.memarg()
          if (op === 0x38 || op === 0x39) ctx.stats.sites++
          this.op(2, 0)
          return
        }
        throw invalid(`unknown opcode 0x${op.toString(16)} at byte ${r.pos - 1}`)
    }
  }

  private numeric (op: number): void {
    const unary = op === 0x45 || op === 0x50 || (op >= 0x67 && op <= 0x69) || (op >= 0x79 && op <= 0x7b) ||
      (op >= 0x8b && op <= 0x91) || (op >= 0x99 && op <= 0x9f) || op >= 0xa7
    // copysign and the float → int reinterpretations are canonicalised
    if (op === 0x98 || op === 0xa6 || op === 0xbc || op === 0xbd) this.ctx.stats.sites++
    this.op(unary ? 1 : 2, 1)
  }

  private prefixed (sub: number): void {
    const { r, ctx } = this
    if (sub <= 7) { this.op(1, 1); return } // saturating truncations
    switch (sub) {
      case 8: r.uleb(); r.uleb(); ctx.stats.sites++; this.op(3, 0); return // memory.init
      case 9: r.uleb(); this.op(0, 0); return // data.drop
      case 10: r.uleb(); r.uleb(); ctx.stats.sites++; this.op(3, 0); return // memory.copy
      case 11: r.uleb(); ctx.stats.sites++; this.op(3, 0); return // memory.fill
      case 12: r.uleb(); r.uleb(); this.op(3, 0); return // table.init
      case 13: r.uleb(); this.op(0, 0); return // elem.drop
      case 14: r.uleb(); r.uleb(); this.op(3, 0); return // table.copy
      case 15: r.uleb(); this.op(2, 1); return // table.grow
      case 16: r.uleb(); this.op(0, 1); return // table.size
      case 17: r.uleb(); this.op(3, 0); return // table.fill
      default: throw invalid(`unknown 0xfc opcode ${sub}`)
    }
  }
}

function count (r: Reader, cap: number, code: AdmissionReason, what: string): number {
  const n = r.uleb()
  if (n > cap) throw new Stop(code, `${n} ${what} > ${cap}`)
  return n
}

function typeSection (r: Reader, ctx: Context): void {
  const n = count(r, ctx.caps.maxTypes, 'too_many_types', 'types')
  for (let i = 0; i < n; i++) {
    const form = r.u8()
    if (form === 0x4e || form === 0x50 || form === 0x4f || form === 0x5e || form === 0x5f) throw feature('gc', 'a GC type definition')
    if (form !== 0x60) throw invalid(`bad type form 0x${form.toString(16)}`)
    const params = r.uleb()
    for (let p = 0; p < params; p++) valueType(r.u8())
    const results = r.uleb()
    for (let p = 0; p < results; p++) valueType(r.u8())
    ctx.typeParams.push(params)
    ctx.typeResults.push(results)
  }
}

function importSection (r: Reader, ctx: Context): void {
  const n = count(r, ctx.caps.maxFunctions, 'too_many_functions', 'imports')
  for (let i = 0; i < n; i++) {
    r.skipName()
    r.skipName()
    const kind = r.u8()
    if (kind === 0) {
      const t = r.uleb()
      if (t >= ctx.typeParams.length) throw invalid(`import type ${t} out of range`)
      ctx.functionTypes.push(t)
    } else if (kind === 1) { refType(r); limits(r, 'table') } else if (kind === 2) { limits(r, 'memory') } else if (kind === 3) { valueType(r.u8()); r.u8() } else if (kind === 4) {
      throw feature('exceptions', 'a tag import')
    } else throw invalid(`bad import kind ${kind}`)
  }
  if (ctx.functionTypes.length > ctx.caps.maxFunctions) throw new Stop('too_many_functions', `${ctx.functionTypes.length} > ${ctx.caps.maxFunctions}`)
}

function functionSection (r: Reader, ctx: Context): void {
  const n = r.uleb()
  const total = ctx.functionTypes.length + n
  if (total > ctx.caps.maxFunctions) throw new Stop('too_many_functions', `${total} > ${ctx.caps.maxFunctions}`)
  for (let i = 0; i < n; i++) {
    const t = r.uleb()
    if (t >= ctx.typeParams.length) throw invalid(`function type ${t} out of range`)
    ctx.functionTypes.push(t)
  }
  ctx.stats.functions = total
}

/** a constant expression (global init, segment offset, element item): scanned like code, same depth caps */
function constExpr (r: Reader, ctx: Context): void {
  new ExpressionScan(r, ctx).run(1)
}

function globalSection (r: Reader, ctx: Context): void {
  const n = count(r, ctx.caps.maxGlobals, 'too_many_globals', 'globals')
  for (let i = 0; i < n; i++) {
    valueType(r.u8())
    r.u8()
    constExpr(r, ctx)
  }
}

function elementSection (r: Reader, ctx: Context): void {
  const n = count(r, ctx.caps.maxSegments, 'too_many_segments', 'element segments')
  let entries = 0
  for (let i = 0; i < n; i++) {
    const flags = r.uleb()
    if (flags > 7) throw invalid(`bad element segment flags ${flags}`)
    if ((flags & 3) === 2) r.uleb() // table index
    if ((flags & 1) === 0) constExpr(r, ctx) // active: offset
    const expressions = (flags & 4) !== 0
    if ((flags & 3) !== 0) { if (expressions) refType(r); else if (r.u8() !== 0) throw invalid('bad element kind') }
    const items = r.uleb()
    entries += items
    if (entries > ctx.caps.maxTableElements) throw new Stop('table_too_large', `${entries} element entries > ${ctx.caps.maxTableElements}`)
    for (let k = 0; k < items; k++) { if (expressions) constExpr(r, ctx); else r.uleb() }
  }
}

function dataSection (r: Reader, ctx: Context): void {
  const n = count(r, ctx.caps.maxSegments, 'too_many_segments', 'data segments')
  for (let i = 0; i < n; i++) {
    const flags = r.uleb()
    if (flags > 2) throw invalid(`bad data segment flags ${flags}`)
    if (flags === 2) r.uleb()
    if (flags !== 1) constExpr(r, ctx)
    r.skip(r.uleb())
  }
}

function codeSection (r: Reader, ctx: Context): void {
  const { caps, stats } = ctx
  const size = r.end - r.pos
  stats.codeBytes += size
  if (stats.codeBytes > caps.maxCodeBytes) throw new Stop('code_too_large', `code section is ${stats.codeBytes} bytes > ${caps.maxCodeBytes}`)
  const n = r.uleb()
  if (n > caps.maxFunctions) throw new Stop('too_many_functions', `${n} bodies > ${caps.maxFunctions}`)
  for (let i = 0; i < n; i++) {
    const bodySize = r.uleb()
    if (bodySize > caps.maxBodyBytes) throw new Stop('body_too_large', `function body ${i} is ${bodySize} bytes > ${caps.maxBodyBytes}`)
    if (bodySize > r.end - r.pos) throw invalid(`function body ${i} runs past the code section`)
    stats.maxBodyBytes = Math.max(stats.maxBodyBytes, bodySize)
    const body = new Reader(r.bytes, r.pos, r.pos + bodySize)
    const type = ctx.functionTypes[ctx.functionTypes.length - n + i]
    let locals = type == null ? 0 : ctx.typeParams[type] as number
    const groups = body.uleb()
    for (let g = 0; g < groups; g++) {
      locals += body.uleb()
      valueType(body.u8())
      if (locals > caps.maxLocalsPerFunction) throw new Stop('too_many_locals', `function body ${i} has ${locals} params and locals > ${caps.maxLocalsPerFunction}`)
    }
    stats.totalLocals += locals
    if (stats.totalLocals > caps.maxTotalLocals) throw new Stop('too_many_total_locals', `${stats.totalLocals} locals in all functions > ${caps.maxTotalLocals}`)
    const results = type == null ? 0 : ctx.typeResults[type] as number
    new ExpressionScan(body, ctx).run(results)
    if (body.pos !== body.end) throw invalid(`function body ${i} has bytes after its end`)
    r.pos = body.end
    addCost(ctx)
  }
}

function addCost (ctx: Context): void {
  const { stats, caps } = ctx
  stats.cost = stats.instructions * PREPARE_COST.instruction + stats.sites * PREPARE_COST.site +
    stats.functions * PREPARE_COST.function + stats.totalLocals * PREPARE_COST.local
  if (stats.cost > caps.maxPrepareCost) throw new Stop('too_complex', `preparation cost ${stats.cost} > ${caps.maxPrepareCost} (instructions, loops and other metered sites, functions, locals)`)
}

const SECTIONS: Record<number, (r: Reader, ctx: Context) => void> = {
  1: typeSection,
  2: importSection,
  3: functionSection,
  4: (r) => { const n = r.uleb(); for (let i = 0; i < n; i++) { refType(r); limits(r, 'table') } },
  5: (r) => { const n = r.uleb(); for (let i = 0; i < n; i++) limits(r, 'memory') },
  6: globalSection,
  7: (r, ctx) => { const n = count(r, ctx.caps.maxExports, 'too_many_exports', 'exports'); for (let i = 0; i < n; i++) { r.skipName(); r.u8(); r.uleb() } },
  8: (r) => { r.uleb() },
  9: elementSection,
  10: codeSection,
  11: dataSection,
  12: (r) => { r.uleb() }
}

/**
 * Scans `wasm` (header already checked by precheck) under `caps`. Never throws; linear in the bytes; the
 * first cap passed is the verdict.
 */
export function prescan (wasm: Uint8Array, caps: PrescanCaps = ADMISSION): PrescanResult {
  const stats: PrescanStats = { functions: 0, totalLocals: 0, codeBytes: 0, maxBodyBytes: 0, instructions: 0, sites: 0, maxNesting: 0, maxExpressionDepth: 0, cost: 0 }
  const ctx: Context = { caps, typeParams: [], typeResults: [], functionTypes: [], stats }
  try {
    const r = new Reader(wasm, 8, wasm.length)
    while (!r.done) {
      const id = r.u8()
      const size = r.uleb()
      if (size > r.end - r.pos) throw invalid(`section ${id} runs past the end`)
      const section = new Reader(wasm, r.pos, r.pos + size)
      if (id === 13) throw feature('exceptions', 'a tag section')
      if (id !== 0) {
        const scan = SECTIONS[id]
        if (scan == null) throw invalid(`unknown section ${id}`)
        scan(section, ctx)
        if (section.pos !== section.end) throw invalid(`section ${id} has ${section.end - section.pos} bytes left over`)
      }
      r.pos = section.end
    }
    addCost(ctx)
    return { ok: true, stats }
  } catch (err) {
    if (err instanceof Stop) return { ok: false, code: err.code, message: err.message }
    // a bug here must not let a module through, nor stop the caller: refuse, deterministically
    return { ok: false, code: 'invalid_wasm', message: `pre-scan failed: ${err instanceof Error ? err.message : String(err)}` }
  }
}
