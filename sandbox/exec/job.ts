/**
 * One run of an instrumented module, inside a pool worker: instantiate with a fresh memory capped at the
 * request's limit, our WASI imports and the fuel budget, call `_start`, and classify how it ended.
 */
import type { ExecutionResult } from '../../protocol/result.js'
import type { HttpAccess } from './http/session.js'
import { HttpSession } from './http/session.js'
import { hostImports } from './http/p1-host.js'
import { nearImports } from './near/p1-host.js'
import { NearSession, type NearAccess } from './near/session.js'
import { INTERNAL, type InstrumentedMeta } from './instrument.js'
import { METERING, PAGE_BYTES } from './limits.js'
import { finish, trapKind, type RunEnd } from './outcome.js'
import { INTERNAL_MODULE, HOST_MODULE, WASI_MODULE } from './wasi-signatures.js'
import { Wasm, type WasmExportValue, type WasmGlobal, type WasmMemory, type WasmModule } from './wasm-api.js'
import { WasiContext } from './wasi/context.js'
import { wasiImports } from './wasi/preview1.js'
import { AbiViolation, LocalFailure, OutputLimit, ProcExit, UnsupportedCall } from './wasi/signals.js'

/** A fully defaulted request, as the pool sends it to a worker (structured-cloneable). */
export interface JobRequest {
  input: Uint8Array
  fuel: bigint
  memoryMb: number
  seed: Uint8Array
  timestampNs: bigint
  env: Record<string, string>
  args: string[]
  /** the run's HTTP policy; the pool adds the channel to the fetcher when the policy allows any host */
  http?: HttpAccess | null
  /** the run's NEAR view access; the pool adds the channel to the provider */
  near?: NearAccess | null
}

export interface Meters {
  fuel: WasmGlobal
  depth: WasmGlobal
  growFailed: WasmGlobal
}

export function readMeta (module: WasmModule): InstrumentedMeta {
  const [section] = Wasm.Module.customSections(module, INTERNAL.metaSection)
  if (section == null) throw new Error('module is not instrumented')
  return JSON.parse(new TextDecoder().decode(section)) as InstrumentedMeta
}

export interface MemoryState { memory: WasmMemory, maximum: number, pages: () => number }

export function makeMemory (meta: InstrumentedMeta, memoryMb: number): MemoryState | 'too_small' | null {
  if (meta.memory == null) return null
  const limitPages = Math.floor(memoryMb * 1024 * 1024 / PAGE_BYTES)
  if (meta.memory.initial > limitPages) return 'too_small'
  const maximum = Math.min(meta.memory.max ?? limitPages, limitPages)
  const memory = new Wasm.Memory({ initial: meta.memory.initial, maximum })
  return { memory, maximum, pages: () => memory.buffer.byteLength / PAGE_BYTES }
}

/** How the guest stopped, read off the thrown value and the meters (null meters: died before instantiation). */
export function classify (thrown: unknown, meters: Meters | null, budget: bigint, memory: MemoryState | null): RunEnd {
  const left = meters?.fuel.value as bigint | undefined
  const refusedPages = meters == null ? 0 : (meters.growFailed.value as number) >>> 0
  // a grow refused although it fitted under the maximum: this host could not commit the memory
  if (refusedPages !== 0 && memory != null && memory.pages() + refusedPages <= memory.maximum) {
    return { status: 'host_error', message: `memory.grow(${refusedPages}) failed below the limit` }
  }
  const message = (e: unknown): string => e instanceof Error ? e.message : String(e)
  const fuel_used = left == null ? 0n : left < 0n ? budget : budget - left
  const grewTooFar = refusedPages !== 0
  const end = ((): RunEnd => {
    if (thrown === undefined) return { status: 'ok', exit_code: 0 }
    if (thrown instanceof ProcExit) return thrown.code === 0 ? { status: 'ok', exit_code: 0 } : { status: 'exit', exit_code: thrown.code }
    if (thrown instanceof OutputLimit) return { status: 'output_limit' }
    if (thrown instanceof UnsupportedCall) return { status: 'trap', trap: 'wasi_unsupported', message: thrown.call }
    if (thrown instanceof AbiViolation) return { status: 'trap', trap: 'canonical_abi', message: thrown.detail }
    if (thrown instanceof LocalFailure) return { status: thrown.status, message: thrown.message }
    if (thrown instanceof Wasm.RuntimeError) {
      if (left != null && left < 0n) return { status: 'out_of_fuel' }
      if (meters != null && (meters.depth.value as number) > METERING.depthLimit) return { status: 'depth_limit' }
      return { status: 'trap', trap: trapKind(message(thrown)), message: message(thrown) }
    }
    // a V8 stack overflow or anything else from the host is not the guest's deterministic doing
    return { status: 'host_error', message: thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown) }
  })()
  // a guest that fails after memory.grow was refused ran out of memory, whatever way it chose to fail
  if (grewTooFar && (end.status === 'exit' || end.status === 'trap')) return { status: 'memory_limit', fuel_used }
  return { ...end, fuel_used }
}

export function runJob (module: WasmModule, req: JobRequest): ExecutionResult {
  const meta = readMeta(module)
  const memory = makeMemory(meta, req.memoryMb)
  if (memory === 'too_small') return finish({ status: 'memory_limit', message: 'initial memory exceeds the limit' })
  const ctx = new WasiContext({ args: req.args, env: req.env, stdin: req.input, seed: req.seed, timestampNs: req.timestampNs })
  ctx.memory = memory?.memory ?? null
  const internal: Record<string, WasmExportValue> = {
    [INTERNAL.fuelImport]: new Wasm.Global({ value: 'i64', mutable: false }, req.fuel)
  }
  if (memory != null) internal[INTERNAL.memoryImport] = memory.memory
  let meters: Meters | null = null
  let charge: (fuel: bigint) => void = () => {}
  const http = new HttpSession(req.http ?? null, fuel => { charge(fuel) })
  const near = new NearSession(req.near ?? null, fuel => { charge(fuel) }, http.transcript)
  let thrown: unknown
  try {
    const instance = new Wasm.Instance(module, {
      [WASI_MODULE]: wasiImports(ctx),
      [HOST_MODULE]: { ...hostImports(ctx, http), ...nearImports(ctx, near) },
      [INTERNAL_MODULE]: internal
    })
    const exports = instance.exports
    // the meters are read through exported getters (see instrument.ts)
    const read = (name: string): WasmGlobal => {
      const getter = exports[name] as () => number | bigint
      return { get value () { return getter() } }
    }
    const current: Meters = { fuel: read(INTERNAL.fuelExport), depth: read(INTERNAL.depthExport), growFailed: read(INTERNAL.growFailedExport) }
    meters = current
    charge = exports[INTERNAL.chargeExport] as (fuel: bigint) => void
    ctx.fuelSpent = () => { const left = current.fuel.value as bigint; return left < 0n ? req.fuel : req.fuel - left }
    const start = exports[INTERNAL.startExport]
    if (typeof start === 'function') start()
    ;(exports._start as () => void)()
  } catch (err) {
    thrown = err
  }
  return finish({ ...classify(thrown, meters, req.fuel, memory), stdout: ctx.stdout(), stderr: ctx.stderr(), transcript: http.transcript })
}
