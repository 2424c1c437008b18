/**
 * On-disk cache of prepared (instrumented) modules, keyed by (sha256 of the original wasm, INSTRUMENTER_VERSION).
 * Only admitted modules are ever written, so a hit also means "admitted by this version".
 *
 * An entry `<dir>/<key>.wasm` is `MAGIC`, one JSON header line `{key, bytes, sha256}` and the payload. Every read
 * checks it: the header must name the key asked for (a valid entry copied under another module's name is refused),
 * the payload must have the recorded length and sha256 (hashed off the event loop). A corrupt, truncated,
 * renamed or edited entry is deleted and reads as a miss, so the module is prepared again: it is never run.
 * The directory is created 0700 and must belong to this user and be writable by nobody else (CACHE_UNSAFE
 * otherwise): an entry is trusted as far as the directory is, and whoever can write it as this user could as
 * well replace the executor's own code.
 */
import { lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ExecutorError } from './errors.js'
import { INSTRUMENTER_VERSION } from './version.js'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const MAGIC = new TextEncoder().encode('outlayer-exec-cache/1\n')
/** a header is a key (~100 characters) and two numbers: anything longer is not one */
const MAX_HEADER = 1024

interface Header { key: string, bytes: number, sha256: string }

/** $OUTLAYER_CACHE_DIR, else <repo>/.cache/instrumented */
export function defaultCacheDir (): string {
  return process.env.OUTLAYER_CACHE_DIR ?? join(repoRoot, '.cache', 'instrumented')
}

export function cacheKey (wasmSha256: string): string {
  return `${wasmSha256}-${INSTRUMENTER_VERSION.replace(/[^A-Za-z0-9._-]/g, '_')}`
}

/**
 * Creates the cache directory (0700) when missing, and refuses one that another user owns or that group or
 * others may write: ExecutorError CACHE_UNSAFE, naming the fix. Node calls it at start; reads and writes call it too.
 */
export async function checkCacheDir (dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const st = await lstat(dir)
  const uid = process.getuid?.()
  const why = !st.isDirectory()
    ? 'is not a directory (a link is not followed)'
    : uid != null && st.uid !== uid
      ? `belongs to uid ${st.uid}, not to this user (${uid})`
      : (st.mode & 0o022) !== 0 ? `may be written by ${(st.mode & 0o002) !== 0 ? 'others' : 'its group'} (chmod go-w it)` : undefined
  if (why != null) throw new ExecutorError('CACHE_UNSAFE', `the prepared-module cache ${dir} ${why}: its entries could be replaced, so it is not used`)
}

/** The payload of the entry for `key`; null on a miss, or when the entry does not check (it is deleted). */
export async function readCached (dir: string, key: string): Promise<Uint8Array | null> {
  await checkCacheDir(dir)
  const path = join(dir, `${key}.wasm`)
  let file: Uint8Array
  try {
    const bytes = await readFile(path)
    file = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) // a view, no copy of a 20 MB file
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  const payload = await verified(file, key)
  if (payload == null) await rm(path, { force: true })
  return payload
}

/** Atomic write (temp file + rename), so a concurrent reader never sees half an entry. */
export async function writeCached (dir: string, key: string, bytes: Uint8Array): Promise<void> {
  await checkCacheDir(dir)
  const header: Header = { key, bytes: bytes.length, sha256: await sha256Hex(bytes) }
  const tmp = join(dir, `.${key}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`)
  await writeFile(tmp, Buffer.concat([MAGIC, Buffer.from(`${JSON.stringify(header)}\n`), bytes]), { mode: 0o600 })
  await rename(tmp, join(dir, `${key}.wasm`))
}

async function verified (file: Uint8Array, key: string): Promise<Uint8Array | null> {
  if (file.length < MAGIC.length || MAGIC.some((b, i) => file[i] !== b)) return null
  const end = file.indexOf(0x0a, MAGIC.length)
  if (end < 0 || end - MAGIC.length > MAX_HEADER) return null
  let header: Partial<Header>
  try { header = JSON.parse(new TextDecoder().decode(file.subarray(MAGIC.length, end))) as Partial<Header> } catch { return null }
  const payload = file.subarray(end + 1)
  if (header.key !== key || header.bytes !== payload.length || typeof header.sha256 !== 'string') return null
  return await sha256Hex(payload) === header.sha256 ? payload : null
}

/** WebCrypto's digest runs on libuv's pool: a 32 MiB entry does not hold the event loop */
async function sha256Hex (bytes: Uint8Array): Promise<string> {
  return Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex')
}
