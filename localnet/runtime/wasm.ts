/**
 * The slice of the WebAssembly JS API we use, typed here because the project's `lib` (ES2023, no DOM)
 * has no WebAssembly declarations. Reaching it through globalThis avoids declaring a global that other
 * folders might declare too.
 */
export interface WasmMemory { readonly buffer: ArrayBuffer, grow (pages: number): number }
export interface WasmModule { readonly __brand?: 'WasmModule' }
export interface WasmInstance { readonly exports: Record<string, unknown> }
export interface ImportDescriptor { module: string, name: string, kind: string }
export type Imports = Record<string, Record<string, unknown>>

interface WasmApi {
  Module: { new (bytes: Uint8Array): WasmModule, imports (m: WasmModule): ImportDescriptor[], exports (m: WasmModule): Array<{ name: string, kind: string }> }
  Instance: new (m: WasmModule, imports: Imports) => WasmInstance
  Memory: new (d: { initial: number, maximum?: number }) => WasmMemory
  RuntimeError: new (...args: unknown[]) => Error
  validate (bytes: Uint8Array): boolean
}

export const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly
