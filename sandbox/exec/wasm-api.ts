/**
 * The slice of the WebAssembly JS API we use, typed locally: our tsconfig's libs (ES2023, @types/node 20)
 * do not declare the WebAssembly namespace, and a global declaration here could clash with another folder's.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface WasmModule { readonly __brand?: 'WebAssembly.Module' }
export interface WasmMemory { readonly buffer: ArrayBuffer, grow: (pages: number) => number }
export interface WasmGlobal { value: any }
export type WasmExportValue = ((...args: any[]) => any) | WasmMemory | WasmGlobal | object
export interface WasmInstance { readonly exports: Record<string, WasmExportValue> }
export type WasmImports = Record<string, Record<string, WasmExportValue | bigint | number>>

interface WasmApi {
  Module: {
    new (bytes: Uint8Array): WasmModule
    customSections: (m: WasmModule, name: string) => ArrayBuffer[]
    imports: (m: WasmModule) => Array<{ module: string, name: string, kind: string }>
  }
  Instance: new (m: WasmModule, imports: WasmImports) => WasmInstance
  Memory: new (d: { initial: number, maximum?: number }) => WasmMemory
  Global: new (d: { value: 'i32' | 'i64' | 'f32' | 'f64', mutable: boolean }, v: number | bigint) => WasmGlobal
  RuntimeError: new (...args: any[]) => Error
  CompileError: new (...args: any[]) => Error
  LinkError: new (...args: any[]) => Error
  validate: (bytes: Uint8Array) => boolean
  compile: (bytes: Uint8Array) => Promise<WasmModule>
}

export const Wasm = (globalThis as any).WebAssembly as WasmApi
