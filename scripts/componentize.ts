/**
 * JavaScript → WASI preview2 component with @bytecodealliance/componentize-js (StarlingMonkey), so a program
 * needs no Rust toolchain. `await ensureJsComponent({ source, world })` builds into .cache/components/<sha256>.wasm
 * (keyed by the source, the world and the componentize-js version) unless it is there, in a child process: a
 * build takes ~1 min and ~1 GB. The world file may name wasi:* 0.2.12 packages: their WIT comes from jco.
 * CLI: `tsx scripts/componentize.ts <source.js> <world.wit> <world-name> <out.wasm>`.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const cacheDir = join(root, '.cache', 'components')
const witDeps = join(root, 'node_modules', '@bytecodealliance', 'jco', 'lib', 'wit', 'builtin', '0.2.12')

export interface JsComponentSpec {
  /** the guest's entry module */
  source: string
  /** a .wit file with one world; its wasi:* 0.2.12 imports resolve against jco's copy of the WASI WIT */
  world: string
  worldName: string
}

export class ComponentizeError extends Error {
  override readonly name = 'ComponentizeError'
  readonly code = 'COMPONENTIZE_FAILED'
  constructor (readonly log: string) {
    super(`componentize-js failed: ${log.trim().split('\n').slice(-5).join(' | ')}`)
  }
}

function componentizeVersion (): string {
  const manifest = join(root, 'node_modules', '@bytecodealliance', 'componentize-js', 'package.json')
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
}

export async function ensureJsComponent (spec: JsComponentSpec): Promise<string> {
  const hash = createHash('sha256')
  for (const part of [await readFile(spec.source), await readFile(spec.world), spec.worldName, componentizeVersion()]) hash.update(part).update('\0')
  const out = join(cacheDir, `${hash.digest('hex')}.wasm`)
  try { await readFile(out); return out } catch {}
  await mkdir(cacheDir, { recursive: true })
  const tmp = `${out}.${process.pid}.tmp`
  const log = await new Promise<{ code: number | null, text: string }>((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), spec.source, spec.world, spec.worldName, tmp], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let text = ''
    child.stdout.on('data', (d: Buffer) => { text += d.toString() })
    child.stderr.on('data', (d: Buffer) => { text += d.toString() })
    child.on('error', fail)
    child.on('exit', code => { done({ code, text }) })
  })
  if (log.code !== 0) throw new ComponentizeError(log.text)
  await rename(tmp, out)
  return out
}

async function build (source: string, world: string, worldName: string, out: string): Promise<void> {
  // componentize-js runs its splicer on preview2-shim, which since 0.26 preopens nothing: give it the host root
  const { _setPreopens } = await import('@bytecodealliance/preview2-shim/filesystem') as { _setPreopens: (p: Record<string, string>) => void }
  _setPreopens({ '/': '/' })
  const { componentize } = await import('@bytecodealliance/componentize-js')
  const wit = await mkdtemp(join(tmpdir(), 'outlayer-wit-'))
  try {
    await cp(witDeps, join(wit, 'deps'), { recursive: true })
    await writeFile(join(wit, 'world.wit'), await readFile(world))
    const { component } = await componentize({ sourcePath: resolve(source), witPath: wit, worldName })
    await writeFile(out, component)
  } finally {
    await rm(wit, { recursive: true, force: true })
  }
}

if (process.argv[1] != null && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [source, world, worldName, out] = process.argv.slice(2)
  if (source == null || world == null || worldName == null || out == null) throw new Error('usage: componentize.ts <source.js> <world.wit> <world-name> <out.wasm>')
  await build(source, world, worldName, out)
}
