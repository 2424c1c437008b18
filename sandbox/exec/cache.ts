/**
 * On-disk cache of instrumented modules, keyed by (sha256 of the original wasm, INSTRUMENTER_VERSION).
 * Only admitted modules are ever written, so a hit also means "admitted by this version".
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { INSTRUMENTER_VERSION } from './version.js'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** $OUTLAYER_CACHE_DIR, else <repo>/.cache/instrumented */
export function defaultCacheDir (): string {
  return process.env.OUTLAYER_CACHE_DIR ?? join(repoRoot, '.cache', 'instrumented')
}

export function cacheKey (wasmSha256: string): string {
  return `${wasmSha256}-${INSTRUMENTER_VERSION.replace(/[^A-Za-z0-9._-]/g, '_')}`
}

export async function readCached (dir: string, key: string): Promise<Uint8Array | null> {
  try {
    const bytes = await readFile(join(dir, `${key}.wasm`))
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) // a view, no copy of a 20 MB file
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/** Atomic write (temp file + rename), so a concurrent reader never sees half a module. */
export async function writeCached (dir: string, key: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dir, { recursive: true })
  const tmp = join(dir, `.${key}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`)
  await writeFile(tmp, bytes)
  await rename(tmp, join(dir, `${key}.wasm`))
}
