/**
 * Component admission: the component-level rules, then every core module through the same admission (profile
 * `component-core`) and instrumentation (shared meters) as a preview1 command.
 */
import { admitParsed, scan } from '../admission.js'
import type { Binaryen } from '../binaryen.js'
import { AdmissionError } from '../errors.js'
import { instrumentModule } from '../instrument.js'
import { ADMISSION, COMPONENT_CORE_ADMISSION } from '../limits.js'
import { PREVIEW2_INTERFACES } from '../wasi/preview2/index.js'
import { RUN_EXPORT, wasmKind } from './detect.js'
import { splitComponent } from './split.js'

export const COMPONENT_LIMITS = {
  /** core modules in one component (jco splits a typical one into 4: main, adapter, shim, fixup) */
  maxCoreModules: 16,
  /** memories defined across all its core modules: one memory, capped at the request's limit */
  maxMemories: 1
} as const

export interface InstrumentedComponent {
  glue: string
  cores: Array<[name: string, bytes: Uint8Array]>
}

/** Throws AdmissionError for a refused component. Runs in a preparation thread (prepare-worker.ts), never the main one. */
export async function admitAndInstrument (B: Binaryen, component: Uint8Array): Promise<InstrumentedComponent> {
  if (component.byteLength > ADMISSION.maxModuleBytes) {
    throw new AdmissionError('too_large', `component is ${component.byteLength} bytes, the cap is ${ADMISSION.maxModuleBytes}`)
  }
  if (wasmKind(component) !== 'component') throw new AdmissionError('invalid_wasm', 'not a wasm component')
  const split = await splitComponent(component)
  for (const name of split.imports) {
    if (!PREVIEW2_INTERFACES.includes(name)) throw new AdmissionError('forbidden_import', `interface ${name} is not provided`)
  }
  if (!split.exports.some(name => RUN_EXPORT.test(name))) throw new AdmissionError('missing_start', 'a command component must export wasi:cli/run@0.2')
  if (split.cores.length === 0) throw new AdmissionError('bad_component', 'no core module')
  if (split.cores.length > COMPONENT_LIMITS.maxCoreModules) {
    throw new AdmissionError('too_many_modules', `${split.cores.length} core modules > ${COMPONENT_LIMITS.maxCoreModules}`)
  }
  // every core is pre-scanned before binaryen parses any of them; the preparation cost is one budget for all
  let cost = 0
  for (const [name, bytes] of split.cores) {
    cost += scan(bytes, COMPONENT_CORE_ADMISSION).cost
    if (cost > COMPONENT_CORE_ADMISSION.maxPrepareCost) {
      throw new AdmissionError('too_complex', `preparation cost ${cost} > ${COMPONENT_CORE_ADMISSION.maxPrepareCost} at core module ${name}`)
    }
  }
  let memories = 0
  const cores: InstrumentedComponent['cores'] = []
  for (const [name, bytes] of split.cores) {
    const mod = admitParsed(B, bytes, COMPONENT_CORE_ADMISSION, 'component-core', true)
    try {
      if (mod.hasMemory() && (mod.getMemoryInfo().module ?? '') === '') memories++
      if (memories > COMPONENT_LIMITS.maxMemories) throw new AdmissionError('too_many_memories', `more than ${COMPONENT_LIMITS.maxMemories} memory defined`)
      cores.push([name, instrumentModule(B, mod, { sharedMeters: true })])
    } finally {
      mod.dispose()
    }
  }
  return { glue: split.glue, cores }
}
