/**
 * Content-addressed wasm store: `<dir>/<sha256>.wasm`, verified on every read, capped in total size with
 * least-recently-used eviction. Used by builds and by the node for wasm fetched from peers, so it has no
 * Docker code. A file's mtime is its last use, so the LRU order survives restarts.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs'
import { readFile, rename, rm, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sha256Hex } from '../../protocol/hash.js'
import { ArtifactStoreError } from './errors.js'

export interface ArtifactStoreInit {
  /** total bytes kept; the least recently used files are removed beyond it */
  maxBytes: number
}

export interface ArtifactStore {
  /** Stores the bytes and returns their sha256 (hex). Throws TOO_LARGE when one artifact exceeds maxBytes. */
  put: (bytes: Uint8Array) => Promise<string>
  /** The bytes whose sha256 is `hash`, or undefined; a corrupt file is deleted and reads as missing. */
  get: (hash: string) => Promise<Uint8Array | undefined>
  has: (hash: string) => Promise<boolean>
  /** Where the artifact lives (or would live). */
  path: (hash: string) => string
  /** Bytes currently stored. */
  size: () => number
}

const HASH = /^[0-9a-f]{64}$/

function checkHash (hash: string): void {
  if (!HASH.test(hash)) throw new ArtifactStoreError('BAD_HASH', `not a sha256 hex digest: ${JSON.stringify(hash).slice(0, 80)}`)
}

export function createArtifactStore (dir: string, init: ArtifactStoreInit): ArtifactStore {
  mkdirSync(dir, { recursive: true })
  /** hash → { bytes, lastUse ms }; Map order is not used, eviction sorts by lastUse */
  const entries = new Map<string, { bytes: number, lastUse: number }>()
  for (const name of readdirSync(dir)) {
    const m = /^([0-9a-f]{64})\.wasm$/.exec(name)
    if (m == null) continue
    const st = statSync(join(dir, name))
    entries.set(m[1]!, { bytes: st.size, lastUse: st.mtimeMs })
  }
  let total = [...entries.values()].reduce((n, e) => n + e.bytes, 0)
  const path = (hash: string): string => join(dir, `${hash}.wasm`)

  // strictly increasing, so two uses in the same millisecond still have an order
  let clock = 0
  async function touch (hash: string): Promise<void> {
    clock = Math.max(Date.now(), clock + 1)
    const e = entries.get(hash)
    if (e != null) e.lastUse = clock
    await utimes(path(hash), clock / 1000, clock / 1000).catch(() => {})
  }

  /** Another store on the same dir (another process, or the node and a build) may have written it. */
  function known (hash: string): boolean {
    if (entries.has(hash)) return true
    try {
      const st = statSync(path(hash))
      entries.set(hash, { bytes: st.size, lastUse: st.mtimeMs })
      total += st.size
      return true
    } catch {
      return false
    }
  }

  async function remove (hash: string): Promise<void> {
    const e = entries.get(hash)
    if (e != null) { total -= e.bytes; entries.delete(hash) }
    await rm(path(hash), { force: true })
  }

  async function evict (keep: string): Promise<void> {
    const victims = [...entries.entries()].filter(([h]) => h !== keep).sort((a, b) => a[1].lastUse - b[1].lastUse)
    for (const [hash] of victims) {
      if (total <= init.maxBytes) break
      await remove(hash)
    }
  }

  return {
    path,
    size: () => total,
    async put (bytes) {
      if (bytes.length > init.maxBytes) {
        throw new ArtifactStoreError('TOO_LARGE', `artifact of ${bytes.length} bytes exceeds the store cap of ${init.maxBytes}`)
      }
      const hash = sha256Hex(bytes)
      if (!known(hash)) {
        // write then rename, so a reader never sees a partial file
        const tmp = `${path(hash)}.${process.pid}.${Math.random().toString(16).slice(2)}.tmp`
        await writeFile(tmp, bytes)
        await rename(tmp, path(hash))
        entries.set(hash, { bytes: bytes.length, lastUse: Date.now() })
        total += bytes.length
      }
      await touch(hash)
      await evict(hash)
      return hash
    },
    async get (hash) {
      checkHash(hash)
      if (!known(hash)) return undefined
      const bytes = await readFile(path(hash)).catch(() => undefined)
      if (bytes == null || sha256Hex(bytes) !== hash) {
        await remove(hash)
        return undefined
      }
      await touch(hash)
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    },
    async has (hash) {
      checkHash(hash)
      return known(hash)
    }
  }
}
