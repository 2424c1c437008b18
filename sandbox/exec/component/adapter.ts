/**
 * The preview1 + adapter route to a component: a WASI preview1 command (any toolchain, e.g. Debian's rustc 1.63
 * or clang in the builder image, which have no wasm32-wasip2) wrapped with the wasmtime preview1 command adapter
 * jco ships, the way `jco new --wasi-command` does.
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

let adapter: Promise<Uint8Array> | null = null

export async function commandToComponent (command: Uint8Array): Promise<Uint8Array> {
  // loaded on first use: jco and its own binaryen cost ~20 MB of heap in every process that imports sandbox/exec
  const { componentNew, preview1AdapterCommandPath } = await import('@bytecodealliance/jco')
  adapter ??= readFile(fileURLToPath(preview1AdapterCommandPath())).then(b => new Uint8Array(b))
  return await componentNew(command, [['wasi_snapshot_preview1', await adapter]])
}
