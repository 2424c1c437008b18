/**
 * Test components: preview1 commands through the adapter, and the componentize-js probe (fixtures/p2-probe), the
 * one JS component of the suite. Building it takes ~25 s (once per clone: .cache/components, keyed by its
 * sources) and preparing it ~20 s (13 MB, one 14 MB core), so the probe is prepared once per version of the
 * executor's sources (.cache/test-prepared) and `seedProbe(cacheDir)` copies that into a test's own cache.
 * examples-ai.test.ts prepares its JS component (the same size) from nothing, on purpose.
 */
import { createHash } from 'node:crypto'
import { copyFile, mkdir, readFile, readdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { ensureJsComponent } from '../../../scripts/componentize.js'
import { commandToComponent } from '../../exec/component/adapter.js'
import { PreparePool } from '../../exec/prepare-pool.js'
import { Preparer, programKey } from '../../exec/prepare.js'
import { repoRoot } from './helpers.js'

export { commandToComponent }

const probeDir = join(repoRoot, 'sandbox', 'test', 'exec', 'fixtures', 'p2-probe')
const preparedRoot = join(repoRoot, '.cache', 'test-prepared')

/** Path of the built probe component. */
export async function probeComponent (): Promise<string> {
  return await ensureJsComponent({ source: join(probeDir, 'probe.js'), world: join(probeDir, 'wit', 'world.wit'), worldName: 'probe' })
}

/** sha256 over the executor's sources and the lockfile: any change there prepares the probe again. */
async function executorSourcesHash (): Promise<string> {
  const dir = join(repoRoot, 'sandbox', 'exec')
  const files = (await readdir(dir, { recursive: true })).filter(f => /\.(ts|mjs)$/.test(f)).sort()
  const hash = createHash('sha256')
  for (const file of [...files.map(f => join(dir, f)), join(repoRoot, 'package-lock.json')]) hash.update(file).update('\0').update(await readFile(file)).update('\0')
  return hash.digest('hex').slice(0, 16)
}

let prepared: Promise<string> | null = null

/** The prepared probe's cache file, made at most once per version of the executor's sources. */
async function preparedProbe (): Promise<string> {
  prepared ??= (async () => {
    const probe = new Uint8Array(await readFile(await probeComponent()))
    const version = await executorSourcesHash()
    const dir = join(preparedRoot, version)
    const file = join(dir, `${await programKey(probe)}.wasm`)
    try { await readFile(file); return file } catch {}
    // older versions' files are of no use any more; this version's dir stays, as another test process may be
    // writing into it now (its writes are atomic, so a reader sees a whole entry or none)
    await mkdir(dir, { recursive: true })
    for (const old of await readdir(preparedRoot)) if (old !== version) await rm(join(preparedRoot, old), { recursive: true, force: true })
    const pool = new PreparePool()
    try {
      await new Preparer(dir, pool).prepareComponent(probe)
    } finally {
      await pool.close()
    }
    return file
  })()
  prepared.catch(() => { prepared = null })
  return await prepared
}

/** Puts the prepared probe into `cacheDir`, so an executor there runs it without preparing it; the probe's path. */
export async function seedProbe (cacheDir: string): Promise<string> {
  const file = await preparedProbe()
  await mkdir(cacheDir, { recursive: true })
  await copyFile(file, join(cacheDir, basename(file)))
  return await probeComponent()
}

export interface ProbeReport {
  input: string
  env: Array<[string, string]>
  args: string[]
  random: string
  u64: string
  seed: string[]
  mathRandom: number
  wall: { seconds: string, nanoseconds: number }
  dateNow: number
  slept: string
  preopens: number
  socket: string
}
