/**
 * From guest bytes to a compiled, instrumented WebAssembly.Module: disk cache first (no binaryen needed),
 * else admission + instrumentation in a preparation thread (prepare-pool.ts) + cache write. Compiled modules
 * are also kept in memory, so a warm job goes straight to instantiation; refusals are remembered by hash, so a
 * refused module is never prepared twice. Nothing here parses guest code on the calling thread.
 */
import { createHash } from 'node:crypto'
import { cacheKey, readCached, writeCached } from './cache.js'
import { AdmissionError } from './errors.js'
import { PREPARE } from './limits.js'
import type { PreparePool } from './prepare-pool.js'
import { Wasm, type WasmModule } from './wasm-api.js'

export interface Prepared {
  key: string
  module: WasmModule
}

const MAX_COMPILED = 32

/** Bounded map: the oldest entry goes first. */
function remember<V> (map: Map<string, V>, key: string, value: V, max: number): void {
  map.set(key, value)
  if (map.size > max) map.delete(map.keys().next().value as string)
}

export class Preparer {
  private readonly compiled = new Map<string, Promise<Prepared>>()
  private readonly refused = new Map<string, AdmissionError>()

  constructor (private readonly cacheDir: string, private readonly pool: PreparePool) {}

  /** Throws AdmissionError for a refused module, PreparationError when preparation failed locally. */
  async prepare (wasm: Uint8Array): Promise<Prepared> {
    // node's native sha256: hashing a 32 MiB module must not hold the event loop
    const key = cacheKey(createHash('sha256').update(wasm).digest('hex'))
    const refusal = this.refused.get(key)
    if (refusal != null) throw new AdmissionError(refusal.code, refusal.detail)
    let entry = this.compiled.get(key)
    if (entry == null) {
      entry = this.load(wasm, key)
      remember(this.compiled, key, entry, MAX_COMPILED)
      entry.catch((err: unknown) => {
        this.compiled.delete(key)
        if (err instanceof AdmissionError) remember(this.refused, key, err, PREPARE.refusalCacheSize)
      })
    }
    return await entry
  }

  private async load (wasm: Uint8Array, key: string): Promise<Prepared> {
    let bytes = await readCached(this.cacheDir, key)
    if (bytes == null) {
      bytes = await this.pool.instrument(wasm)
      await writeCached(this.cacheDir, key, bytes)
    }
    return { key, module: await Wasm.compile(bytes) }
  }
}
