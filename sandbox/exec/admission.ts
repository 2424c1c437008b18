/**
 * Admission: decides whether a module may run at all, before any instrumentation. Every refusal is an
 * AdmissionError with a fixed reason code. checkFeatures is exported on its own so the localnet can gate NEAR
 * contracts (MVP + sign-ext) with the same code.
 */
import { LIMITS } from '../../protocol/request.js'
import { quietly, type Binaryen } from './binaryen.js'
import { AdmissionError } from './errors.js'
import { ADMISSION, PAGE_BYTES } from './limits.js'
import { prescan, type PrescanStats } from './prescan.js'
import { Wasm } from './wasm-api.js'
import { HOST_MODULE, HOST_SIGNATURES, INTERNAL_EXPORT_PREFIX, INTERNAL_MODULE, WASI_MODULE, WASI_SIGNATURES } from './wasi-signatures.js'

type Module = InstanceType<Binaryen['Module']>

/** Feature names in the order a refusal names them; `flag` picks the binaryen Features bit. */
const NAMED_FEATURES: ReadonlyArray<readonly [name: string, flag: keyof Binaryen['Features']]> = [
  ['threads', 'Atomics'],
  ['simd', 'SIMD128'],
  ['relaxed-simd', 'RelaxedSIMD'],
  ['memory64', 'Memory64'],
  ['multi-memory', 'MultiMemory'],
  ['gc', 'GC'],
  ['exceptions', 'ExceptionHandling'],
  ['tail-calls', 'TailCall'],
  ['extended-const', 'ExtendedConst'],
  ['strings', 'Strings'],
  ['stack-switching', 'StackSwitching'],
  ['shared-everything', 'SharedEverything'],
  ['fp16', 'FP16'],
  ['custom-page-sizes', 'CustomPageSizes'],
  ['wide-arithmetic', 'WideArithmetic']
]

/** What an OutLayer job may use: MVP, mutable globals, sat-conv, bulk memory, sign-ext, multi-value, and the
 * reference-types encoding modern LLVM emits for call_indirect (no externref can reach a guest: imports are gated). */
export function executorFeatures (B: Binaryen): number {
  const F = B.Features
  return F.MVP | F.MutableGlobals | F.NontrappingFPToInt | F.BulkMemory | F.BulkMemoryOpt | F.SignExt |
    F.Multivalue | F.ReferenceTypes | F.CallIndirectOverlong
}

export type FeatureCheck = { ok: true } | { ok: false, feature: string, detail: string }

/**
 * Validates `module` under exactly the `allowed` binaryen feature set. On refusal names the first feature that
 * would make it valid ('unknown' if none alone does, e.g. an invalid module). Leaves the module's feature set
 * at `allowed`.
 */
export function checkFeatures (B: Binaryen, module: Module, allowed: number): FeatureCheck {
  const validUnder = (features: number): { valid: boolean, printed: string[] } => {
    module.setFeatures(features)
    const { value, printed } = quietly(() => module.validate())
    return { valid: value !== 0, printed }
  }
  const first = validUnder(allowed)
  if (first.valid) return { ok: true }
  let feature = 'unknown'
  for (const [name, flag] of NAMED_FEATURES) {
    const bit = B.Features[flag] as number
    if ((allowed & bit) !== 0) continue
    if (validUnder(allowed | bit).valid) { feature = name; break }
  }
  module.setFeatures(allowed)
  return { ok: false, feature, detail: first.printed.find(l => l.trim() !== '')?.trim().slice(0, 200) ?? 'invalid' }
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]

/** The checks that need no parser: size cap and the wasm header (so junk never loads binaryen). */
export function precheck (wasm: Uint8Array, caps: AdmissionCaps = ADMISSION): void {
  if (wasm.byteLength > caps.maxModuleBytes) {
    throw new AdmissionError('too_large', `module is ${wasm.byteLength} bytes, the cap is ${caps.maxModuleBytes}`)
  }
  if (wasm.byteLength < HEADER.length || HEADER.some((b, i) => wasm[i] !== b)) {
    throw new AdmissionError('invalid_wasm', 'not a wasm module (bad magic or version)')
  }
}

/** precheck, then the pre-scan's module-wide caps on the raw bytes (prescan.ts): all that runs before binaryen. */
export function scan (wasm: Uint8Array, caps: AdmissionCaps = ADMISSION): PrescanStats {
  precheck(wasm, caps)
  const scanned = prescan(wasm, caps)
  if (!scanned.ok) throw new AdmissionError(scanned.code, scanned.message)
  return scanned.stats
}

/** Parses with binaryen; throws AdmissionError('invalid_wasm') instead of binaryen's own errors. */
export function parseModule (B: Binaryen, wasm: Uint8Array, caps: AdmissionCaps = ADMISSION): Module {
  precheck(wasm, caps)
  try {
    return quietly(() => B.readBinary(wasm)).value
  } catch (err) {
    throw new AdmissionError('invalid_wasm', err instanceof Error ? err.message : 'unparseable')
  }
}

function typeList (B: Binaryen, type: number): string {
  const names = new Map<number, string>([[B.i32, 'i32'], [B.i64, 'i64'], [B.f32, 'f32'], [B.f64, 'f64']])
  return B.expandType(type).map(t => names.get(t) ?? `t${t}`).join(' ')
}

/**
 * What a module is admitted as. `command`: a WASI preview1 command (host imports only, `_start`). `component-core`:
 * one core module of a component (component/admit.ts): its function, memory and table imports are wired by the
 * glue to other core modules or to our preview2 host, so only their names are checked (never our internal
 * module); no `_start` is needed.
 */
export type AdmissionProfile = 'command' | 'component-core'

function checkComponentCoreImports (B: Binaryen, module: Module): void {
  const refuseInternal = (what: string, from: string | null | undefined, base: string | null | undefined): void => {
    if (from === INTERNAL_MODULE) throw new AdmissionError('forbidden_import', `${what} ${from}.${base ?? ''} is reserved`)
  }
  for (let i = 0; i < module.getNumFunctions(); i++) {
    const f = B.getFunctionInfo(module.getFunctionByIndex(i))
    refuseInternal('function', f.module, f.base)
  }
  for (let i = 0; i < module.getNumTables(); i++) {
    const t = B.getTableInfo(module.getTableByIndex(i))
    refuseInternal('table', t.module, t.base)
  }
  if (module.hasMemory()) {
    const m = module.getMemoryInfo()
    refuseInternal('memory', m.module, m.base)
  }
  for (let i = 0; i < module.getNumGlobals(); i++) {
    const g = B.getGlobalInfo(module.getGlobalByIndex(i))
    if (g.module !== '' && g.module != null) throw new AdmissionError('forbidden_import', `global ${g.module}.${g.base} is not allowed`)
  }
}

function checkImports (B: Binaryen, module: Module): boolean {
  let importsWasi = false
  for (let i = 0; i < module.getNumFunctions(); i++) {
    const f = B.getFunctionInfo(module.getFunctionByIndex(i))
    if (f.module === '' || f.module == null) continue
    const table = f.module === WASI_MODULE ? WASI_SIGNATURES : f.module === HOST_MODULE ? HOST_SIGNATURES : null
    const sig = f.base == null ? undefined : table?.[f.base]
    if (sig == null) throw new AdmissionError('forbidden_import', `${f.module}.${f.base} is not allowed`)
    const [params, results] = [typeList(B, f.params), typeList(B, f.results)]
    if (params !== sig[0] || results !== sig[1]) {
      throw new AdmissionError('bad_import_signature', `${f.module}.${f.base} is (${params}) -> (${results}), expected (${sig[0]}) -> (${sig[1]})`)
    }
    if (f.module === WASI_MODULE) importsWasi = true
  }
  for (let i = 0; i < module.getNumGlobals(); i++) {
    const g = B.getGlobalInfo(module.getGlobalByIndex(i))
    if (g.module !== '' && g.module != null) throw new AdmissionError('forbidden_import', `global ${g.module}.${g.base} is not allowed`)
  }
  for (let i = 0; i < module.getNumTables(); i++) {
    const t = B.getTableInfo(module.getTableByIndex(i))
    if (t.module !== '' && t.module != null) throw new AdmissionError('forbidden_import', `table ${t.module}.${t.base} is not allowed`)
  }
  if (module.hasMemory()) {
    const m = module.getMemoryInfo()
    if (m.module !== '' && m.module != null) throw new AdmissionError('forbidden_import', `memory ${m.module}.${m.base} is not allowed`)
  }
  return importsWasi
}

export type AdmissionCaps = { readonly [K in keyof typeof ADMISSION]: number }

function checkCaps (B: Binaryen, module: Module, caps: AdmissionCaps): void {
  const functions = module.getNumFunctions()
  if (functions > caps.maxFunctions) throw new AdmissionError('too_many_functions', `${functions} > ${caps.maxFunctions}`)
  for (let i = 0; i < functions; i++) {
    const ref = module.getFunctionByIndex(i)
    const locals = B.Function.getNumLocals(ref)
    if (locals > caps.maxLocalsPerFunction) {
      throw new AdmissionError('too_many_locals', `${B.Function.getName(ref)} has ${locals} locals > ${caps.maxLocalsPerFunction}`)
    }
  }
  if (module.getNumGlobals() > caps.maxGlobals) throw new AdmissionError('too_many_globals', `${module.getNumGlobals()} > ${caps.maxGlobals}`)
  if (module.getNumTables() > caps.maxTables) throw new AdmissionError('too_many_tables', `${module.getNumTables()} > ${caps.maxTables}`)
  for (let i = 0; i < module.getNumTables(); i++) {
    const t = B.getTableInfo(module.getTableByIndex(i))
    if (t.initial > caps.maxTableElements) throw new AdmissionError('table_too_large', `${t.initial} elements > ${caps.maxTableElements}`)
  }
  if (module.hasMemory()) {
    const maxPages = LIMITS.maxMemoryMb * 1024 * 1024 / PAGE_BYTES
    const m = module.getMemoryInfo()
    if (m.initial > maxPages) throw new AdmissionError('memory_too_large', `initial ${m.initial} pages > ${maxPages}`)
  }
}

function checkExports (B: Binaryen, module: Module, importsWasi: boolean, profile: AdmissionProfile): void {
  let start = false
  let memory = false
  for (let i = 0; i < module.getNumExports(); i++) {
    const e = B.getExportInfo(module.getExportByIndex(i))
    if (e.name.startsWith(INTERNAL_EXPORT_PREFIX)) throw new AdmissionError('reserved_name', `export ${e.name} uses a reserved prefix`)
    if (e.name === '_start' && e.kind === B.ExternalFunction) start = true
    if (e.kind === B.ExternalMemory && (e.name === 'memory' || profile === 'component-core')) memory = true
  }
  if (profile === 'component-core') {
    const own = module.hasMemory() && (module.getMemoryInfo().module ?? '') === ''
    if (own && !memory) throw new AdmissionError('missing_memory_export', 'a component core module must export the memory it defines')
    return
  }
  if (!start) throw new AdmissionError('missing_start', 'a WASI command must export a function `_start`')
  if ((importsWasi || module.hasMemory()) && !memory) {
    throw new AdmissionError('missing_memory_export', 'a WASI command must export its memory as `memory`')
  }
}

/**
 * Every check in order, cheapest first: size, the pre-scan, parse, features, imports, caps, exports, then V8's
 * own validation. Returns the parsed module (features set to the executor's) for the instrumenter; the caller
 * disposes it.
 */
export function admitParsed (B: Binaryen, wasm: Uint8Array, caps: AdmissionCaps = ADMISSION, profile: AdmissionProfile = 'command', scanned = false): Module {
  // `scanned`: the caller already ran scan(wasm, caps) (component/admit.ts scans every core first)
  if (!scanned) scan(wasm, caps)
  const module = parseModule(B, wasm, caps)
  try {
    const features = checkFeatures(B, module, executorFeatures(B))
    if (!features.ok) {
      if (features.feature === 'unknown') throw new AdmissionError('invalid_wasm', features.detail)
      throw new AdmissionError('forbidden_feature', `uses ${features.feature} (${features.detail})`)
    }
    if (profile === 'command' && !module.getNumFunctions() && !module.hasMemory()) throw new AdmissionError('missing_start', 'empty module')
    const importsWasi = profile === 'command' ? checkImports(B, module) : (checkComponentCoreImports(B, module), false)
    checkCaps(B, module, caps)
    checkExports(B, module, importsWasi, profile)
    if (!Wasm.validate(wasm)) throw new AdmissionError('invalid_wasm', 'V8 rejects the module')
    return module
  } catch (err) {
    module.dispose()
    throw err
  }
}
