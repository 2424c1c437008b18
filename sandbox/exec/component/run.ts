/**
 * One run of a prepared component inside a pool worker. The glue (evaluated fresh) instantiates the core modules
 * through our hook, which adds the shared fuel and depth globals to every one and the capped memory to the one
 * that defines it, and calls a moved start function right after instantiation (as job.ts does). Host imports are
 * our preview2 host. The run ends the way a preview1 run does and is classified and hashed the same way.
 */
import type { ExecutionResult } from '../../../protocol/result.js'
import { HttpSession } from '../http/session.js'
import { INTERNAL } from '../instrument.js'
import { classify, makeMemory, readMeta, type JobRequest, type MemoryState, type Meters } from '../job.js'
import { finish } from '../outcome.js'
import { INTERNAL_MODULE } from '../wasi-signatures.js'
import { Wasm, type WasmExportValue, type WasmImports, type WasmInstance, type WasmModule } from '../wasm-api.js'
import { WasiContext } from '../wasi/context.js'
import { HostSignal, preview2Imports } from '../wasi/preview2/index.js'
import { AbiViolation, ProcExit } from '../wasi/signals.js'
import { RUN_EXPORT } from './detect.js'
import type { PreparedComponent } from './prepare.js'

type Instantiate = (
  getCoreModule: (name: string) => WasmModule,
  imports: Record<string, object>,
  instantiateCore: (module: WasmModule, imports?: WasmImports) => WasmInstance
) => Record<string, unknown>

const factories = new Map<string, () => Instantiate>()
const MAX_FACTORIES = 8

/** The glue compiled once per worker; calling the factory evaluates it anew, so every run gets fresh glue state. */
function glueFactory (program: PreparedComponent): () => Instantiate {
  let factory = factories.get(program.key)
  if (factory == null) {
    factory = new Function(program.glue) as () => Instantiate // eslint-disable-line @typescript-eslint/no-implied-eval
    factories.set(program.key, factory)
    if (factories.size > MAX_FACTORIES) factories.delete(factories.keys().next().value as string)
  }
  return factory
}

/** V8 running out of stack or memory is this machine's failure; any other glue error is the guest breaking the ABI. */
const HOST_LIMIT = /call stack|allocation failed|out of memory/i

/** What the glue threw → what classify() understands. */
function unwrap (thrown: unknown): unknown {
  if (thrown instanceof HostSignal) return thrown.signal
  if (thrown instanceof Wasm.RuntimeError) return thrown
  if (thrown instanceof Error) {
    // wasi:cli/run returned err: jco throws it as a ComponentError carrying the payload; wasmtime exits 1
    if (thrown.constructor.name === 'ComponentError' && 'payload' in thrown) return new ProcExit(1)
    if (thrown instanceof RangeError && HOST_LIMIT.test(thrown.message)) return thrown
    return new AbiViolation(`${thrown.name}: ${thrown.message}`.slice(0, 300))
  }
  return thrown
}

function findRun (exports: Record<string, unknown>): () => void {
  const name = Object.keys(exports).find(n => RUN_EXPORT.test(n))
  const run = name == null ? undefined : (exports[name] as { run?: unknown }).run
  if (typeof run !== 'function') throw new Error('component has no wasi:cli/run export')
  return run as () => void
}

export function runComponentJob (program: PreparedComponent, req: JobRequest): ExecutionResult {
  let memory: MemoryState | null = null
  let memoryModule: WasmModule | null = null
  for (const module of Object.values(program.cores)) {
    const meta = readMeta(module)
    if (meta.memory == null) continue
    const made = makeMemory(meta, req.memoryMb)
    if (made === 'too_small') return finish({ status: 'memory_limit', message: 'initial memory exceeds the limit' })
    memory = made
    memoryModule = module
  }
  const ctx = new WasiContext({ args: req.args, env: req.env, stdin: req.input, seed: req.seed, timestampNs: req.timestampNs })
  const fuel = new Wasm.Global({ value: 'i64', mutable: true }, req.fuel)
  const depth = new Wasm.Global({ value: 'i32', mutable: true }, 0)
  let growFailed: () => number = () => 0
  const meters: Meters = { fuel, depth, growFailed: { get value () { return growFailed() } } }
  ctx.fuelSpent = () => { const left = fuel.value as bigint; return left < 0n ? req.fuel : req.fuel - left }

  const instantiateCore = (module: WasmModule, imports: WasmImports = {}): WasmInstance => {
    const internal: Record<string, WasmExportValue> = { [INTERNAL.sharedFuelImport]: fuel, [INTERNAL.sharedDepthImport]: depth }
    if (module === memoryModule && memory != null) internal[INTERNAL.memoryImport] = memory.memory
    const instance = new Wasm.Instance(module, { ...imports, [INTERNAL_MODULE]: internal })
    if (module === memoryModule) growFailed = instance.exports[INTERNAL.growFailedExport] as () => number
    const start = instance.exports[INTERNAL.startExport]
    if (typeof start === 'function') start()
    return instance
  }
  const getCoreModule = (name: string): WasmModule => {
    const module = program.cores[name]
    if (module == null) throw new Error(`glue asked for an unknown core module ${name}`)
    return module
  }

  const http = new HttpSession(req.http ?? null, cost => { fuel.value = (fuel.value as bigint) - cost })
  let thrown: unknown
  try {
    const instantiate = glueFactory(program)()
    const exports = instantiate(getCoreModule, preview2Imports(ctx, { env: req.env, args: req.args }, http), instantiateCore)
    findRun(exports)()
  } catch (err) {
    thrown = unwrap(err)
  }
  return finish({ ...classify(thrown, meters, req.fuel, memory), stdout: ctx.stdout(), stderr: ctx.stderr(), transcript: http.transcript })
}
