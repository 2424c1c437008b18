/** Module or component, from the first 8 bytes: the same magic, then version 1 (core) or 0x0d + layer 1. */
export type WasmKind = 'module' | 'component'

const MAGIC = [0x00, 0x61, 0x73, 0x6d]
const MODULE_VERSION = [0x01, 0x00, 0x00, 0x00]
const COMPONENT_VERSION = [0x0d, 0x00, 0x01, 0x00]

export function wasmKind (bytes: Uint8Array): WasmKind | null {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) return null
  const is = (version: number[]): boolean => version.every((b, i) => bytes[4 + i] === b)
  return is(MODULE_VERSION) ? 'module' : is(COMPONENT_VERSION) ? 'component' : null
}

/** A command component exports wasi:cli/run at some 0.2.x; that is what we call (here, so a run thread never loads jco). */
export const RUN_EXPORT = /^wasi:cli\/run@0\.2\.\d+$/
