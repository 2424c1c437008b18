/**
 * A tiny wasm binary writer for the preparation-bomb tests and the fuzz corpus: shapes too large or too deep
 * for WAT text (20,000 functions, 100,000 nested blocks) are written as bytes directly.
 */

export const OP = {
  unreachable: 0x00, nop: 0x01, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c,
  call: 0x10, drop: 0x1a, localGet: 0x20, localSet: 0x21, i32Const: 0x41, i32Add: 0x6a, memoryGrow: 0x40
} as const
export const I32 = 0x7f
export const VOID = 0x40

export function uleb (n: number): number[] {
  const out: number[] = []
  do {
    let byte = n % 128
    n = Math.floor(n / 128)
    if (n > 0) byte |= 0x80
    out.push(byte)
  } while (n > 0)
  return out
}

export function sleb (n: number): number[] {
  const out: number[] = []
  for (;;) {
    const byte = n & 0x7f
    n >>= 7
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) { out.push(byte); return out }
    out.push(byte | 0x80)
  }
}

const name = (s: string): number[] => { const b = [...new TextEncoder().encode(s)]; return [...uleb(b.length), ...b] }

function section (id: number, body: Uint8Array | number[]): Uint8Array {
  const head = [id, ...uleb(body.length)]
  const out = new Uint8Array(head.length + body.length)
  out.set(head)
  out.set(body, head.length)
  return out
}

function concat (parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

export interface FunctionSpec {
  /** index into `types` */
  type?: number
  /** local declarations as [count, valtype] groups */
  locals?: Array<[number, number]>
  /** the instructions, without the final `end` */
  code: Uint8Array | number[]
}

export interface ModuleSpec {
  /** function types as [params, results]; default [[[], []]] */
  types?: Array<[number[], number[]]>
  /** function imports as [module, name, type index] */
  imports?: Array<[string, string, number]>
  functions: FunctionSpec[]
  /** pages of an exported `memory`; default 1 */
  memoryPages?: number
  /** the index (among defined functions) exported as `_start`; default the last */
  start?: number
}

/** A WASI-command-shaped module: types, imports, functions, memory `memory`, `_start`, the code. */
export function wasmModule (spec: ModuleSpec): Uint8Array {
  const types = spec.types ?? [[[], []]]
  const imports = spec.imports ?? []
  const typeBody = [...uleb(types.length), ...types.flatMap(([p, r]) => [0x60, ...uleb(p.length), ...p, ...uleb(r.length), ...r])]
  const importBody = [...uleb(imports.length), ...imports.flatMap(([m, n, t]) => [...name(m), ...name(n), 0x00, ...uleb(t)])]
  const funcBody = [...uleb(spec.functions.length), ...spec.functions.flatMap(f => uleb(f.type ?? 0))]
  const start = imports.length + (spec.start ?? spec.functions.length - 1)
  const exportBody = [...uleb(2), ...name('memory'), 0x02, 0x00, ...name('_start'), 0x00, ...uleb(start)]
  const bodies = spec.functions.map(f => {
    const locals = f.locals ?? []
    const head = [...uleb(locals.length), ...locals.flatMap(([n, t]) => [...uleb(n), t])]
    const code = f.code instanceof Uint8Array ? f.code : Uint8Array.from(f.code)
    const size = head.length + code.length + 1
    const out = new Uint8Array(uleb(size).length + size)
    const sizeBytes = uleb(size)
    out.set(sizeBytes)
    out.set(head, sizeBytes.length)
    out.set(code, sizeBytes.length + head.length)
    out[out.length - 1] = OP.end
    return out
  })
  return concat([
    Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]),
    section(1, typeBody),
    ...(imports.length > 0 ? [section(2, importBody)] : []),
    section(3, funcBody),
    section(5, [1, 0x00, ...uleb(spec.memoryPages ?? 1)]),
    section(7, exportBody),
    section(10, concat([Uint8Array.from(uleb(bodies.length)), ...bodies]))
  ])
}

/** `count` copies of `unit` in one buffer (large bodies without large JS arrays). */
export function repeat (unit: number[], count: number, prefix: number[] = [], suffix: number[] = []): Uint8Array {
  const out = new Uint8Array(prefix.length + unit.length * count + suffix.length)
  out.set(prefix)
  for (let i = 0; i < count; i++) out.set(unit, prefix.length + i * unit.length)
  out.set(suffix, prefix.length + unit.length * count)
  return out
}

/** The shapes of issue 17: each is valid wasm for V8 and binaryen. */
export const bombs = {
  /** n functions × locals i32 locals each, empty bodies */
  locals: (functions: number, locals: number): Uint8Array =>
    wasmModule({ functions: Array.from({ length: functions }, () => ({ locals: [[locals, I32]], code: [] })) }),
  /** `depth` nested empty blocks in `_start` */
  nestedBlocks: (depth: number): Uint8Array =>
    wasmModule({ functions: [{ code: repeat([OP.block, VOID], depth, [], new Array<number>(depth).fill(OP.end)) }] }),
  /** a left-leaning chain of `depth` i32.add, one operand deep but `depth` expressions deep */
  addChain: (depth: number): Uint8Array =>
    wasmModule({ functions: [{ code: repeat([OP.i32Const, 1, OP.i32Add], depth, [OP.i32Const, 0], [OP.drop]) }] }),
  /** `count` loops in a row: the instrumenter's costliest bytes (each loop header gets a fuel charge) */
  loops: (count: number, functions = 1): Uint8Array =>
    wasmModule({ functions: Array.from({ length: functions }, () => ({ code: repeat([OP.loop, VOID, OP.end], count) })) })
}
