/**
 * A component → its core modules + jco's glue (@bytecodealliance/jco transpile, instantiation mode, so the glue
 * takes the imports and the core-instantiation hook from us and loads nothing itself). jco is pinned exactly in
 * package.json; its version is part of the cache key, and a new version needs a new INSTRUMENTER_VERSION.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { AdmissionError } from '../errors.js'

// jco does not export its package.json: read it next to the resolved entry (dist/api.js)
const jcoEntry = createRequire(import.meta.url).resolve('@bytecodealliance/jco')
export const JCO_VERSION: string = (JSON.parse(readFileSync(join(dirname(jcoEntry), '..', 'package.json'), 'utf8')) as { version: string }).version

export interface SplitComponent {
  /** the glue as the body of a function returning jco's `instantiate` (see glueBody) */
  glue: string
  /** core modules by the name the glue asks getCoreModule for, in file order */
  cores: Array<[name: string, bytes: Uint8Array]>
  /** unversioned interface names the component imports */
  imports: string[]
  exports: string[]
}

const NAME = 'component'

/**
 * jco's ES module → a function body. Evaluated once per run (component/glue.ts), so no glue state (handle tables,
 * task ids) can leak from one run into the next.
 */
export function glueBody (source: string): string {
  if (/^\s*import[\s{(*]/m.test(source)) throw new AdmissionError('bad_component', 'glue unexpectedly imports a module')
  const body = source
    .replace(/^export function instantiate\(/m, 'function instantiate(')
    .replace(/^export const _util = /m, 'const _util = ')
  if (/^export\s/m.test(body) || !body.includes('function instantiate(')) throw new AdmissionError('bad_component', 'unexpected glue shape')
  return `'use strict';\n${body}\nreturn instantiate\n`
}

export async function splitComponent (component: Uint8Array): Promise<SplitComponent> {
  let files: Record<string, Uint8Array>
  let imports: string[]
  let exports: Array<[string, string]>
  // jco (with its own binaryen, ~20 MB of heap) loads on the first component to prepare, not with the executor
  const { transpile } = await import('@bytecodealliance/jco')
  try {
    ({ files, imports, exports } = await transpile(component, {
      name: NAME, instantiation: 'sync', noTypescript: true, base64Cutoff: 0, nodejsCompat: false, tlaCompat: false, wasiShim: false, quiet: true
    }))
  } catch (err) {
    throw new AdmissionError('invalid_wasm', `not a valid component: ${String(err instanceof Error ? err.message : err).slice(0, 300)}`)
  }
  const glueFile = files[`${NAME}.js`]
  if (glueFile == null) throw new AdmissionError('bad_component', 'jco produced no glue')
  const cores = Object.entries(files).filter(([name]) => /^component\.core\d*\.wasm$/.test(name))
  return { glue: glueBody(new TextDecoder().decode(glueFile)), cores, imports, exports: exports.map(([name]) => name) }
}
