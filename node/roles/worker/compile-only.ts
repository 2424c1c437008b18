/**
 * `params.compile_only`: the worker builds or fetches the wasm and does not run it. What it attests is
 * `{"wasm_hash":"<hex>","size":N}` as a successful output with 0 instructions, so every honest worker that got the
 * same wasm attests the same bytes and Q of them agree.
 */
import { resultHash, type ExecutionRequest, type ExecutionResult } from '../../../protocol/index.js'

/** the instrumenter field of a compile-only result: nothing was instrumented, and every worker must say the same */
export const COMPILE_ONLY_INSTRUMENTER = 'compile-only/1'

export function isCompileOnly (request: ExecutionRequest): boolean {
  return request.params?.compile_only === true
}

export function compileOnlyResult (wasm: { hash: string, size: number }): ExecutionResult {
  const stdout = new TextEncoder().encode(JSON.stringify({ wasm_hash: wasm.hash, size: wasm.size }))
  const hashed = { status: 'ok' as const, exit_code: 0, trap: null, stdout, fuel_used: 0n, instrumenter_version: COMPILE_ONLY_INSTRUMENTER }
  return { ...hashed, stderr: new Uint8Array(0), result_hash: resultHash(hashed), wall_ms: 0 }
}
