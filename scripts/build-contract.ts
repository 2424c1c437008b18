/**
 * Builds the AssemblyScript contracts into NEAR wasm: contract/build/outlayer.wasm, coin-flip.wasm and the keystore's
 * test contracts ft.wasm, nft.wasm, dao.wasm.
 * Only features nearcore accepts (MVP + sign-extension): bulk memory, non-trapping float-to-int and mutable-global
 * imports are switched off, the stub runtime needs no GC, and asc's `abort` goes to our panic_utf8 handler so every
 * import is a NEAR host function (`env.*`). The stub runtime sets its heap pointer in a wasm start function; we
 * move that call into a wrapper around every exported method and drop the start section, so the module has no
 * start function for nearcore's preparation to object to, with the same effect: it runs once per call, first.
 * A contract is rebuilt only when a source is newer than its wasm.
 *
 *   npm run build:contract        (tsx scripts/build-contract.ts)
 */
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type binaryenModule from 'binaryen'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const BUILD_DIR = join(ROOT, 'contract', 'build')

export interface ContractPaths {
  outlayer: string
  coinFlip: string
  /** test contracts for the keystore's access conditions (contract/examples/{ft,nft,dao}) */
  ft: string
  nft: string
  dao: string
}

interface Target {
  entry: string
  out: string
  /** folders whose .ts files the wasm depends on */
  sources: string[]
}

const TARGETS: Record<keyof ContractPaths, Target> = {
  outlayer: { entry: 'contract/src/index.ts', out: 'outlayer.wasm', sources: ['contract/sdk', 'contract/src'] },
  coinFlip: { entry: 'contract/examples/coin-flip/index.ts', out: 'coin-flip.wasm', sources: ['contract/sdk', 'contract/examples/coin-flip'] },
  ft: { entry: 'contract/examples/ft/index.ts', out: 'ft.wasm', sources: ['contract/sdk', 'contract/examples/shared', 'contract/examples/ft'] },
  nft: { entry: 'contract/examples/nft/index.ts', out: 'nft.wasm', sources: ['contract/sdk', 'contract/examples/shared', 'contract/examples/nft'] },
  dao: { entry: 'contract/examples/dao/index.ts', out: 'dao.wasm', sources: ['contract/sdk', 'contract/examples/shared', 'contract/examples/dao'] }
}

/** The asc flags every contract is built with (kept in one place so the feature test and the README agree). */
export const ASC_FLAGS = [
  '--runtime', 'stub',
  '--disable', 'bulk-memory,nontrapping-f2i,mutable-globals',
  '--use', 'abort=contract/sdk/panic/abortHandler',
  '-O3', '--noAssert'
]

export class ContractBuildError extends Error {
  override readonly name = 'ContractBuildError'
  readonly code = 'CONTRACT_BUILD_FAILED'
}

async function newestSource (folders: string[]): Promise<number> {
  let newest = (await stat(fileURLToPath(import.meta.url))).mtimeMs
  for (const folder of folders) {
    const entries = await readdir(join(ROOT, folder), { recursive: true, withFileTypes: true })
    for (const e of entries) {
      if (!e.isFile() || !e.name.endsWith('.ts')) continue
      newest = Math.max(newest, (await stat(join(e.parentPath, e.name))).mtimeMs)
    }
  }
  return newest
}

async function upToDate (target: Target, out: string): Promise<boolean> {
  try {
    return (await stat(out)).mtimeMs >= await newestSource(target.sources)
  } catch {
    return false
  }
}

const START_SECTION_ID = 8

/** The module's bytes without the section `id` (sections are `id:u8 size:leb128 payload`). */
function dropSection (wasm: Uint8Array, id: number): Uint8Array {
  const parts: Uint8Array[] = [wasm.subarray(0, 8)]
  let pos = 8
  while (pos < wasm.length) {
    const start = pos
    const sectionId = wasm[pos++]!
    let size = 0
    for (let shift = 0; ; shift += 7) {
      const byte = wasm[pos++]!
      size |= (byte & 0x7f) << shift
      if ((byte & 0x80) === 0) break
    }
    pos += size
    if (sectionId !== id) parts.push(wasm.subarray(start, pos))
  }
  return Buffer.concat(parts)
}

/**
 * Every exported method first runs the start function (the stub runtime's heap set-up); then the start section goes.
 * binaryen is imported only here: loading it takes seconds, and deploy.ts (imported by many tests) imports this file.
 */
async function withoutStartFunction (wasm: Uint8Array, entry: string): Promise<Uint8Array> {
  const binaryen = (await import('binaryen')).default as typeof binaryenModule
  const mod = binaryen.readBinary(wasm)
  try {
    mod.setFeatures(binaryen.Features.MVP | binaryen.Features.SignExt)
    const start = mod.getStart()
    if (start === 0) return wasm
    const startName = binaryen.getFunctionInfo(start).name
    const methods: binaryenModule.ExportInfo[] = []
    for (let i = 0; i < mod.getNumExports(); i++) {
      const e = binaryen.getExportInfo(mod.getExportByIndex(i))
      if (e.kind === binaryen.ExternalFunction) methods.push(e)
    }
    for (const e of methods) {
      const fn = binaryen.getFunctionInfo(mod.getFunction(e.value))
      if (fn.params !== binaryen.none || fn.results !== binaryen.none) throw new ContractBuildError(`${entry}: export ${e.name} is not a NEAR method (it takes or returns values)`)
      const wrapper = `near-method:${e.name}`
      mod.addFunction(wrapper, binaryen.none, binaryen.none, [],
        mod.block(null, [mod.call(startName, [], binaryen.none), mod.call(e.value, [], binaryen.none)], binaryen.none))
      mod.removeExport(e.name)
      mod.addFunctionExport(wrapper, e.name)
    }
    if (mod.validate() !== 1) throw new ContractBuildError(`${entry}: the module does not validate after moving its start function`)
    return dropSection(mod.emitBinary(), START_SECTION_ID)
  } finally {
    mod.dispose()
  }
}

/** Compiles to a temp file and renames it, so a concurrent reader never sees a half-written wasm. */
async function compile (target: Target, out: string): Promise<void> {
  const asc = await import('assemblyscript/asc')
  let log = ''
  const sink = { write: (chunk: string | Uint8Array): boolean => { log += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(); return true } }
  const tmp = `${out}.${process.pid}.tmp.wasm`
  const result = await asc.main([target.entry, ...ASC_FLAGS, '--baseDir', ROOT, '--outFile', relative(ROOT, tmp)], { stdout: sink, stderr: sink })
  if (result.error == null) {
    await writeFile(tmp, await withoutStartFunction(await readFile(tmp), target.entry))
    await rename(tmp, out)
    return
  }
  await rm(tmp, { force: true })
  throw new ContractBuildError(`asc failed for ${target.entry}: ${result.error.message}\n${log.split('\n').filter(l => /ERROR|error/.test(l) || l.startsWith(' ')).slice(0, 40).join('\n')}`)
}

/** Builds what is missing or stale and returns the wasm paths (asc resolves paths against the repo root). */
export async function ensureContracts (): Promise<ContractPaths> {
  await mkdir(BUILD_DIR, { recursive: true })
  const paths = Object.fromEntries(Object.entries(TARGETS).map(([name, t]) => [name, join(BUILD_DIR, t.out)])) as unknown as ContractPaths
  for (const name of Object.keys(TARGETS) as Array<keyof ContractPaths>) {
    const target = TARGETS[name]
    if (await upToDate(target, paths[name])) continue
    process.stderr.write(`build-contract: compiling ${target.entry}\n`)
    await compile(target, paths[name])
  }
  return paths
}

if (process.argv[1] != null && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureContracts().then(
    (paths) => { process.stdout.write(`${JSON.stringify(paths)}\n`) },
    (err: unknown) => { process.stderr.write(`${(err as Error).message}\n`); process.exitCode = 1 }
  )
}
