/**
 * A prepared component, what a worker runs: jco's glue + compiled instrumented core modules. Preparer
 * (../prepare.ts) makes it: disk cache as `<sha256>-<version>-jco<jco version>.component.wasm` (stored.ts's
 * bytes), else the preparation thread (jco transpile + admission + instrumentation, never the main thread).
 */
import { Wasm, type WasmModule } from '../wasm-api.js'
import type { InstrumentedComponent } from './admit.js'
import { JCO_VERSION } from './split.js'

export interface PreparedComponent {
  kind: 'component'
  key: string
  glue: string
  cores: Record<string, WasmModule>
}

/** A component's cache key: the jco version splits it, so it is part of the key. */
export const componentKey = (moduleKey: string): string => `${moduleKey}-jco${JCO_VERSION}.component`

export async function compileComponent (key: string, instrumented: InstrumentedComponent): Promise<PreparedComponent> {
  const cores: Record<string, WasmModule> = {}
  for (const [name, bytes] of instrumented.cores) cores[name] = await Wasm.compile(bytes)
  return { kind: 'component', key, glue: instrumented.glue, cores }
}
