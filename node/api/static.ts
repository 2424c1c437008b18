/**
 * The dashboard's static files (dashboard/dist, built by `npm run build:dashboard`): read once into memory on first
 * use, served only by exact name (no path from the request ever reaches the file system), with a CSP that lets
 * the page load its own script and style and talk to this origin, nothing else.
 */
import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { extname, join } from 'node:path'

export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/dist/', import.meta.url))

export const APP_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"
].join('; ')

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.json': 'application/json; charset=utf-8', '.map': 'application/json; charset=utf-8'
}

export interface StaticFile { type: string, body: Buffer }

/** name (`/ui/app.js`) → file; undefined when the directory does not exist (dashboard not built). */
export async function loadStatic (dir: string): Promise<Map<string, StaticFile> | undefined> {
  let names: string[]
  try { names = await readdir(dir) } catch { return undefined }
  const files = new Map<string, StaticFile>()
  for (const name of names) {
    const type = TYPES[extname(name)]
    if (type != null) files.set(`/ui/${name}`, { type, body: await readFile(join(dir, name)) })
  }
  return files
}
