/**
 * From component bytes to what a worker runs: glue + compiled instrumented core modules. On disk (cache.ts's
 * directory) as `<sha256>-<version>-jco<jco version>.component.wasm` (JSON: glue + instrumented cores), written
 * atomically; compiled modules are also kept in memory, like Preparer does for commands.
 */
import { sha256Hex } from '../../../protocol/hash.js'
import { cacheKey, readCached, writeCached } from '../cache.js'
import { Wasm, type WasmModule } from '../wasm-api.js'
import { admitAndInstrument, type InstrumentedComponent } from './admit.js'
import { JCO_VERSION } from './split.js'

export interface PreparedComponent {
  kind: 'component'
  key: string
  glue: string
  cores: Record<string, WasmModule>
}

const MAX_COMPILED = 8

interface Stored { glue: string, cores: Array<[string, string]> }

function encode (c: InstrumentedComponent): Uint8Array {
  const stored: Stored = { glue: c.glue, cores: c.cores.map(([name, bytes]) => [name, Buffer.from(bytes).toString('base64')]) }
  return new TextEncoder().encode(JSON.stringify(stored))
}

function decode (bytes: Uint8Array): InstrumentedComponent {
  const stored = JSON.parse(new TextDecoder().decode(bytes)) as Stored
  return { glue: stored.glue, cores: stored.cores.map(([name, b64]) => [name, new Uint8Array(Buffer.from(b64, 'base64'))]) }
}

export class ComponentPreparer {
  private readonly compiled = new Map<string, Promise<PreparedComponent>>()

  constructor (private readonly cacheDir: string) {}

  /** Throws AdmissionError for a refused component. */
  async prepare (component: Uint8Array): Promise<PreparedComponent> {
    const key = `${cacheKey(sha256Hex(component))}-jco${JCO_VERSION}.component`
    let entry = this.compiled.get(key)
    if (entry == null) {
      entry = this.load(component, key)
      this.compiled.set(key, entry)
      entry.catch(() => this.compiled.delete(key))
      if (this.compiled.size > MAX_COMPILED) this.compiled.delete(this.compiled.keys().next().value as string)
    }
    return await entry
  }

  private async load (component: Uint8Array, key: string): Promise<PreparedComponent> {
    const cached = await readCached(this.cacheDir, key)
    let instrumented: InstrumentedComponent
    if (cached != null) {
      instrumented = decode(cached)
    } else {
      instrumented = await admitAndInstrument(component)
      await writeCached(this.cacheDir, key, encode(instrumented))
    }
    const cores: Record<string, WasmModule> = {}
    for (const [name, bytes] of instrumented.cores) cores[name] = await Wasm.compile(bytes)
    return { kind: 'component', key, glue: instrumented.glue, cores }
  }
}
