/**
 * `npm run build:dashboard`: bundles dashboard/src (TypeScript, @noble/ed25519, protocol/attestation.ts) with
 * esbuild into dashboard/dist/{index.html, app.js, app.css}, which the node serves as static files (no external
 * asset at run time). ensureDashboard() rebuilds only when a source is newer than the bundle.
 */
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('../dashboard/', import.meta.url))
const dist = join(root, 'dist')

async function newest (dir: string): Promise<number> {
  let t = 0
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? await newest(p) : (await stat(p)).mtimeMs)
  }
  return t
}

export async function buildDashboard (): Promise<string> {
  await mkdir(dist, { recursive: true })
  await build({
    entryPoints: { app: join(root, 'src/main.ts') }, bundle: true, format: 'iife', target: 'es2022', platform: 'browser',
    minify: true, sourcemap: false, outdir: dist, logLevel: 'warning', legalComments: 'none'
  })
  await build({ entryPoints: { app: join(root, 'src/style.css') }, bundle: true, minify: true, outdir: dist, logLevel: 'warning' })
  await copyFile(join(root, 'index.html'), join(dist, 'index.html'))
  return dist
}

/** the dist directory, rebuilt when dashboard/src, index.html or protocol/ changed since */
export async function ensureDashboard (): Promise<string> {
  const built = await stat(join(dist, 'app.js')).then(s => s.mtimeMs, () => 0)
  const sources = Math.max(await newest(join(root, 'src')), (await stat(join(root, 'index.html'))).mtimeMs, await newest(fileURLToPath(new URL('../protocol/', import.meta.url))))
  return sources > built ? await buildDashboard() : dist
}

if (process.argv[1] != null && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildDashboard().then(d => process.stdout.write(`dashboard built in ${d}\n`), (err: Error) => { process.stderr.write(`${err.message}\n`); process.exit(1) })
}
