/** Runs a WASI command under node:wasi with stdin from a string: checks a built wasm works, independently of our executor. */
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { WASI } from 'node:wasi'

/** The two calls we need; our tsconfig libs do not declare the WebAssembly namespace. */
const Wasm = (globalThis as unknown as { WebAssembly: {
  compile: (bytes: Uint8Array) => Promise<object>
  instantiate: (module: object, imports: object) => Promise<object>
} }).WebAssembly

export async function runWasi (wasm: Uint8Array, input: string, dir: string): Promise<{ code: number, stdout: string }> {
  const inPath = join(dir, 'stdin')
  const outPath = join(dir, 'stdout')
  writeFileSync(inPath, input)
  writeFileSync(outPath, '')
  const stdin = openSync(inPath, 'r')
  const stdout = openSync(outPath, 'w')
  try {
    const wasi = new WASI({ version: 'preview1', args: ['program'], env: { A: '1' }, stdin, stdout, returnOnExit: true })
    const instance = await Wasm.instantiate(await Wasm.compile(wasm), wasi.getImportObject())
    const code = wasi.start(instance)
    return { code, stdout: readFileSync(outPath, 'utf8') }
  } finally {
    closeSync(stdin)
    closeSync(stdout)
  }
}
