/**
 * `wasm32-wasip2` by the preview1 adapter route: Debian's rustc 1.63, clang and AssemblyScript have no wasip2
 * target, so the project is built for wasm32-wasip1 in the container as any other, and the command it leaves is
 * wrapped on the host with the wasmtime preview1 command adapter jco ships (sandbox/exec/component/adapter.ts,
 * what `jco new --wasi-command` does). A component the project built itself is kept as it is.
 * The wrap is a pure function of the module and the adapter, pinned by jco's version in package-lock; the build
 * key names the target, so a wasip2 build never shares a key (or a cached wasm) with the wasip1 build.
 */
import { BuildError } from './errors.js'

export async function toComponent (wasm: Uint8Array, maxBytes: number, logTail: string): Promise<Uint8Array> {
  // loaded only for wasip2 builds: jco is large, and most builds never need it
  const [{ wasmKind }, { commandToComponent }] = await Promise.all([import('../exec/component/detect.js'), import('../exec/component/adapter.js')])
  if (wasmKind(wasm) === 'component') return wasm
  let component: Uint8Array
  try {
    component = await commandToComponent(wasm)
  } catch (err) {
    throw new BuildError('COMPILE_FAILED', `the wasm32-wasip1 output is not a WASI command the preview1 adapter can wrap: ${(err as Error).message}`, logTail)
  }
  if (component.length > maxBytes) throw new BuildError('TOO_LARGE', `the component is ${component.length} bytes with the adapter, over the cap of ${maxBytes}`, logTail)
  return component
}
