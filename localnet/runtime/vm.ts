/**
 * Runs one exported method of a contract: prepare (admit + meter, cached by code hash), instantiate with
 * the host imports, call, and turn whatever stopped it into nearcore's error shapes.
 */
import { EXT, LIMITS } from './fees.js'
import { CodeDoesNotExist, MethodResolveError, PrepareError, VMError, WasmTrap, hostErrors, LinkError } from './errors.js'
import { hostImports } from './host/imports.js'
import { Logic, type VMContext } from './host/logic.js'
import { prepareContract } from './instrument.js'
import { Wasm, type WasmMemory, type WasmModule } from './wasm.js'

interface Compiled { module: WasmModule, memory?: { initial: number, maximum: number }, methods: Set<string> }
const cache = new Map<string, Compiled | PrepareError>()
const CACHE_MAX = 256

function compile (codeHash: string, code: Uint8Array): Compiled {
  const hit = cache.get(codeHash)
  if (hit instanceof PrepareError) throw hit
  if (hit != null) return hit
  try {
    const prepared = prepareContract(code)
    const module = new Wasm.Module(prepared.wasm)
    const methods = new Set(Wasm.Module.exports(module).filter(e => e.kind === 'function').map(e => e.name))
    const compiled: Compiled = { module, methods }
    if (prepared.importedMemory != null) compiled.memory = memoryLimits(prepared.importedMemory)
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!)
    cache.set(codeHash, compiled)
    return compiled
  } catch (err) {
    const e = err instanceof PrepareError ? err : new PrepareError('Deserialization', err instanceof Error ? err.message : String(err))
    cache.set(codeHash, e)
    throw e
  }
}

/** NEAR gives contracts 17 pages that can grow to 2048, within what the module itself declares. */
function memoryLimits (declared: { initial: number, maximum?: number }): { initial: number, maximum: number } {
  const cap = Math.min(declared.maximum ?? LIMITS.max_memory_pages, LIMITS.max_memory_pages)
  const initial = Math.max(declared.initial, Math.min(LIMITS.initial_memory_pages, cap))
  return { initial, maximum: Math.max(initial, cap) }
}

export interface VMOutcome { logic: Logic, error?: VMError }

export function runMethod (args: { code: Uint8Array | undefined, codeHash: string, method: string, ctx: VMContext }): VMOutcome {
  const L = new Logic(args.ctx)
  try {
    if (args.code == null) throw new CodeDoesNotExist(args.ctx.currentAccountId)
    if (args.method === '') throw new MethodResolveError('MethodEmptyName')
    L.burn(EXT.contract_loading_base + EXT.contract_loading_bytes * BigInt(args.code.length))
    const compiled = compile(args.codeHash, args.code)
    if (!compiled.methods.has(args.method)) throw new MethodResolveError('MethodNotFound')
    const env: Record<string, unknown> = hostImports(L)
    let memory: WasmMemory | undefined
    if (compiled.memory != null) {
      memory = new Wasm.Memory(compiled.memory)
      env.memory = memory
      L.memory = memory
    }
    let instance
    try {
      instance = new Wasm.Instance(compiled.module, { env })
    } catch (err) {
      if (err instanceof VMError) throw err
      if (isLinkError(err)) throw new LinkError((err as Error).message)
      throw err
    }
    L.memory = memory ?? instance.exports.memory as WasmMemory | undefined
    const fn = instance.exports[args.method] as () => unknown
    fn()
    distributeGas(L)
    return { logic: L }
  } catch (err) {
    return { logic: L, error: toVMError(err) }
  }
}

function isLinkError (err: unknown): boolean {
  return err instanceof Error && err.constructor.name === 'LinkError'
}

/** Unused prepaid gas goes to function calls with a gas weight, in proportion (nearcore's gas_weight). */
function distributeGas (L: Logic): void {
  const weighted: Array<{ receipt: number, action: number, weight: bigint }> = []
  L.receipts.forEach((r, ri) => r.gasWeights.forEach((w, ai) => { if (w > 0n) weighted.push({ receipt: ri, action: ai, weight: w }) }))
  if (weighted.length === 0) return
  const unused = L.ctx.prepaidGas - L.usedGas
  if (unused <= 0n) return
  const total = weighted.reduce((n, w) => n + w.weight, 0n)
  let given = 0n
  weighted.forEach((w, i) => {
    const share = i === weighted.length - 1 ? unused - given : unused * w.weight / total
    given += share
    const a = L.receipts[w.receipt]!.actions[w.action]!
    if (a.type === 'FunctionCall') a.gas += share
  })
  L.reserve(given)
}

const TRAPS: Array<[RegExp, string, string]> = [
  [/unreachable/i, 'Unreachable', 'An `unreachable` opcode was executed.'],
  [/memory access out of bounds|out of bounds memory/i, 'MemoryOutOfBounds', 'Memory out of bounds trap.'],
  [/call stack/i, 'StackOverflow', 'Call stack overflow.'],
  [/divide by zero|remainder by zero|integer overflow|float unrepresentable|invalid conversion/i, 'IllegalArithmetic', 'An arithmetic exception, e.g. divided by zero.'],
  [/null function|indirect call to null|table index is out of bounds|element segment/i, 'IndirectCallToNull', 'Indirect call to null.'],
  [/signature mismatch|function signature/i, 'IncorrectCallIndirectSignature', 'Call indirect incorrect signature trap.']
]

function toVMError (err: unknown): VMError {
  if (err instanceof VMError) return err
  const message = err instanceof Error ? err.message : String(err)
  for (const [re, code, text] of TRAPS) if (re.test(message)) return new WasmTrap(code, text)
  return hostErrors.guestPanic(message)
}
