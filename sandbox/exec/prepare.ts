/**
 * From guest bytes to a compiled, instrumented WebAssembly.Module: disk cache first (no binaryen needed),
 * else admission + instrumentation + cache write. Compiled modules are also kept in memory, so a warm job
 * goes straight to instantiation.
 */
import { sha256Hex } from '../../protocol/hash.js'
import { admitParsed, precheck } from './admission.js'
import { loadBinaryen } from './binaryen.js'
import { cacheKey, readCached, writeCached } from './cache.js'
import { instrumentModule } from './instrument.js'
import { Wasm, type WasmModule } from './wasm-api.js'

export interface Prepared {
  key: string
  module: WasmModule
}

const MAX_COMPILED = 32

export class Preparer {
  private readonly compiled = new Map<string, Promise<Prepared>>()

  constructor (private readonly cacheDir: string) {}

  /** Throws AdmissionError for a refused module. */
  async prepare (wasm: Uint8Array): Promise<Prepared> {
    const key = cacheKey(sha256Hex(wasm))
    let entry = this.compiled.get(key)
    if (entry == null) {
      entry = this.load(wasm, key)
      this.compiled.set(key, entry)
      entry.catch(() => this.compiled.delete(key))
      if (this.compiled.size > MAX_COMPILED) this.compiled.delete(this.compiled.keys().next().value as string)
    }
    return await entry
  }

  private async load (wasm: Uint8Array, key: string): Promise<Prepared> {
    const bytes = await readCached(this.cacheDir, key) ?? await this.instrument(wasm, key)
    return { key, module: await Wasm.compile(bytes) }
  }

  private async instrument (wasm: Uint8Array, key: string): Promise<Uint8Array> {
    precheck(wasm)
    const B = await loadBinaryen()
    const mod = admitParsed(B, wasm)
    try {
      const bytes = instrumentModule(B, mod)
      await writeCached(this.cacheDir, key, bytes)
      return bytes
    } finally {
      mod.dispose()
    }
  }
}
