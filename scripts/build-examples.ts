/**
 * Builds the AssemblyScript examples (examples/<name>/main.ts, with @assemblyscript/wasi-shim) into
 * examples/build/<name>.wasm, skipping those newer than their sources. Run: `npm run build:examples`.
 * From code: `await ensureExamples()` → { name: absolute path }. Each build runs asc in a child process
 * (asc loads its own binaryen; keeping it out of the caller's heap keeps tests light) and writes atomically,
 * so parallel callers in several processes cannot see half a file.
 */
import { spawn } from 'node:child_process'
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { addHttpManifest } from '../sandbox/exec/http/manifest.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const examplesDir = join(root, 'examples')
const buildDir = join(examplesDir, 'build')
const ascBin = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js')
// relative to cwd (root): asc resolves the config's own "lib" wrongly from an absolute config path
const shimConfig = './node_modules/@assemblyscript/wasi-shim/asconfig.json'

export const EXAMPLES = ['random', 'echo', 'env-keys', 'bench-sha256', 'bench-json', 'bench-fib', 'bench-matmul', 'oracle', 'weather'] as const
export type ExampleName = typeof EXAMPLES[number]

/**
 * The hosts each example may reach, written into it as its HTTP manifest (covered by the wasm hash). A request
 * may add hosts of its own (ExecuteOptions.http.allowedHosts); tests add 127.0.0.1 that way.
 */
export const EXAMPLE_HOSTS: Partial<Record<ExampleName, string[]>> = {
  oracle: ['api.coingecko.com', 'min-api.cryptocompare.com', 'api.kraken.com'],
  weather: ['api.open-meteo.com', 'geocoding-api.open-meteo.com']
}

export class ExampleBuildError extends Error {
  override readonly name = 'ExampleBuildError'
  readonly code = 'EXAMPLE_BUILD_FAILED'
  constructor (readonly example: string, readonly log: string) {
    super(`building example ${example} failed: ${log.trim().split('\n').slice(-5).join(' | ')}`)
  }
}

async function mtime (path: string): Promise<number> {
  try { return (await stat(path)).mtimeMs } catch { return 0 }
}

async function newestSource (name: string): Promise<number> {
  const dirs = [join(examplesDir, name), join(examplesDir, 'lib')]
  let newest = await mtime(fileURLToPath(import.meta.url))
  for (const dir of dirs) {
    for (const file of await readdir(dir)) newest = Math.max(newest, await mtime(join(dir, file)))
  }
  return newest
}

function asc (name: string, out: string): Promise<void> {
  const args = [ascBin, join(examplesDir, name, 'main.ts'), '--config', shimConfig, '-O3', '--runtime', 'incremental', '--noColors', '-o', out]
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let log = ''
    child.stdout.on('data', (d: Buffer) => { log += d.toString() })
    child.stderr.on('data', (d: Buffer) => { log += d.toString() })
    child.on('error', reject)
    child.on('exit', code => { code === 0 ? resolve() : reject(new ExampleBuildError(name, log)) })
  })
}

async function buildOne (name: string, log: (line: string) => void): Promise<string> {
  const out = join(buildDir, `${name}.wasm`)
  if (await mtime(out) >= await newestSource(name)) return out
  log(`building example ${name}`)
  const tmp = join(buildDir, `.${name}.${process.pid}.${Math.random().toString(36).slice(2)}.wasm`)
  await asc(name, tmp)
  const hosts = EXAMPLE_HOSTS[name as ExampleName]
  if (hosts != null) await writeFile(tmp, addHttpManifest(new Uint8Array(await readFile(tmp)), { hosts }))
  await rename(tmp, out)
  return out
}

/** Builds what is missing or stale (two at a time); resolves with name → absolute path of every example. */
export async function ensureExamples (log: (line: string) => void = line => process.stderr.write(`${line}\n`)): Promise<Record<ExampleName, string>> {
  await mkdir(buildDir, { recursive: true })
  const paths: Partial<Record<ExampleName, string>> = {}
  const queue = [...EXAMPLES]
  const lane = async (): Promise<void> => {
    for (let name = queue.shift(); name != null; name = queue.shift()) paths[name] = await buildOne(name, log)
  }
  await Promise.all([lane(), lane()])
  return paths as Record<ExampleName, string>
}

/**
 * The JavaScript examples (examples/<name>/main.js + world.wit), built to components with componentize-js
 * (scripts/componentize.ts, ~25 s each, cached by source) and given their manifest. Not part of ensureExamples:
 * meshes and tests that run no JS example should not pay for the build.
 */
export const JS_EXAMPLES = { ai: { world: 'ai', hosts: ['api.openai.com'] } } as const
export type JsExampleName = keyof typeof JS_EXAMPLES

/** Builds examples/build/<name>.wasm if missing or older than its component; resolves with its absolute path. */
export async function ensureJsExample (name: JsExampleName): Promise<string> {
  const { ensureJsComponent } = await import('./componentize.js')
  const dir = join(examplesDir, name)
  const component = await ensureJsComponent({ source: join(dir, 'main.js'), world: join(dir, 'world.wit'), worldName: JS_EXAMPLES[name].world })
  const out = join(buildDir, `${name}.wasm`)
  if (await mtime(out) >= Math.max(await mtime(component), await mtime(fileURLToPath(import.meta.url)))) return out
  await mkdir(buildDir, { recursive: true })
  const tmp = join(buildDir, `.${name}.${process.pid}.${Math.random().toString(36).slice(2)}.wasm`)
  await writeFile(tmp, addHttpManifest(new Uint8Array(await readFile(component)), { hosts: [...JS_EXAMPLES[name].hosts] }))
  await rename(tmp, out)
  return out
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = Date.now()
  const paths: Record<string, string> = await ensureExamples()
  for (const name of Object.keys(JS_EXAMPLES) as JsExampleName[]) paths[name] = await ensureJsExample(name)
  for (const [name, path] of Object.entries(paths)) process.stdout.write(`${name}\t${path}\n`)
  process.stderr.write(`examples ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
}
