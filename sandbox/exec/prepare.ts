/**
 * From guest bytes to what a worker runs: a compiled, instrumented WebAssembly.Module (a preview1 command) or a
 * prepared component (component/prepare.ts). Disk cache first (no binaryen or jco needed), else the preparation
 * thread (prepare-pool.ts: admission + instrumentation, for a component after jco splits it) + cache write.
 * Compiled programs are also kept in memory, so a warm job goes straight to instantiation; refusals are
 * remembered by hash, so a refused program is never prepared twice. Nothing here parses guest code on the
 * calling thread.
 */
import { createHash } from 'node:crypto'
import { cacheKey, readCached, writeCached } from './cache.js'
import { compileComponent, componentKey, type PreparedComponent } from './component/prepare.js'
import { decodeComponent, isStoredComponent } from './component/stored.js'
import { wasmKind } from './component/detect.js'
import { AdmissionError } from './errors.js'
import { PREPARE } from './limits.js'
import type { PreparePool } from './prepare-pool.js'
import type { JobProgram } from './program.js'
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
  private readonly compiled = new Map<string, Promise<unknown>>()
  private readonly refused = new Map<string, AdmissionError>()

  constructor (private readonly cacheDir: string, private readonly pool: PreparePool) {}

  /** A component (detected from its header) takes the component route; anything else is a command. */
  async program (wasm: Uint8Array): Promise<JobProgram> {
    if (wasmKind(wasm) === 'component') return await this.prepareComponent(wasm)
    return { kind: 'module', module: (await this.prepare(wasm)).module }
  }

  /** Throws AdmissionError for a refused module, PreparationError when preparation failed locally. */
  async prepare (wasm: Uint8Array): Promise<Prepared> {
    const key = await keyOf(wasm)
    return await this.once(key, async () => {
      const bytes = await this.instrumented(key, wasm, async w => await this.pool.instrument(w))
      return { key, module: await Wasm.compile(bytes) }
    })
  }

  /** The same for a component. */
  async prepareComponent (wasm: Uint8Array): Promise<PreparedComponent> {
    const key = componentKey(await keyOf(wasm))
    return await this.once(key, async () => {
      const bytes = await this.instrumented(key, wasm, async w => await this.pool.instrumentComponent(w), isStoredComponent)
      return await compileComponent(key, decodeComponent(bytes))
    })
  }

  private async once<T> (key: string, load: () => Promise<T>): Promise<T> {
    const refusal = this.refused.get(key)
    if (refusal != null) throw new AdmissionError(refusal.code, refusal.detail)
    let entry = this.compiled.get(key) as Promise<T> | undefined
    if (entry == null) {
      entry = load()
      remember(this.compiled, key, entry, MAX_COMPILED)
      entry.catch((err: unknown) => {
        this.compiled.delete(key)
        if (err instanceof AdmissionError) remember(this.refused, key, err, PREPARE.refusalCacheSize)
      })
    }
    return await entry
  }

  /** The cached bytes unless missing or not `usable` (a file in an older format), else prepared and cached. */
  private async instrumented (
    key: string, wasm: Uint8Array, instrument: (wasm: Uint8Array) => Promise<Uint8Array>, usable: (bytes: Uint8Array) => boolean = () => true
  ): Promise<Uint8Array> {
    let bytes = await readCached(this.cacheDir, key)
    if (bytes == null || !usable(bytes)) {
      bytes = await instrument(wasm)
      await writeCached(this.cacheDir, key, bytes)
    }
    return bytes
  }
}

const HASH_CHUNK = 1 << 20

// hashing a 32 MiB module must not hold the event loop: node's sha256 is synchronous (30-64 ms for the 13 MB JS
// probe component under load, webcrypto's copy alone 17-30 ms), so it takes 1 MiB per turn
async function keyOf (wasm: Uint8Array): Promise<string> {
  const hash = createHash('sha256')
  for (let at = 0; at < wasm.byteLength; at += HASH_CHUNK) {
    if (at > 0) await new Promise(resolve => setImmediate(resolve))
    hash.update(wasm.subarray(at, at + HASH_CHUNK))
  }
  return cacheKey(hash.digest('hex'))
}

/** The disk cache key a program is prepared under (`<cacheDir>/<key>.wasm`). */
export async function programKey (wasm: Uint8Array): Promise<string> {
  return wasmKind(wasm) === 'component' ? componentKey(await keyOf(wasm)) : await keyOf(wasm)
}
