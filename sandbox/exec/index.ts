/**
 * sandbox/exec: the deterministic, metered WASI preview1 executor.
 *   execute(wasm, opts)        one job on a lazily created shared pool
 *   createExecutor(init)       your own pool and cache; close() it
 *   admitModule(wasm)          would this module be admitted? { ok, reason }
 *   checkFeatures(B, mod, set) binaryen feature gate, reusable for other wasm (NEAR contracts)
 */
import type { ExecutionResult } from '../../protocol/result.js'
import { createExecutor, type Executor } from './executor.js'
import type { ExecuteOptions } from './options.js'

export { createExecutor, type Executor, type ExecutorInit } from './executor.js'
export type { ExecuteOptions } from './options.js'
export { admitModule, checkFeatures, executorFeatures, type AdmissionCaps, type AdmissionResult, type FeatureCheck } from './admission.js'
export { loadBinaryen, type Binaryen } from './binaryen.js'
export { AdmissionError, ExecutorError, type AdmissionReason, type ExecutorErrorCode } from './errors.js'
export { INSTRUMENTER_VERSION } from './version.js'
export { resultToJson } from './result-json.js'
export { ADMISSION, DEFAULTS, METERING, OUTPUT } from './limits.js'

let shared: Executor | null = null

/** Runs on a shared pool created on first use (its workers never keep the process alive while idle). */
export async function execute (wasm: Uint8Array, opts: ExecuteOptions = {}): Promise<ExecutionResult> {
  shared ??= createExecutor()
  return await shared.execute(wasm, opts)
}
