/**
 * sandbox/exec: the deterministic, metered WASI executor (preview1 commands, preview2 components, outside HTTP).
 *   execute(wasm, opts)        one job on a lazily created shared pool
 *   createExecutor(init)       your own pool and cache; close() it
 *   admitModule(wasm)          would this module be admitted? { ok, reason } (in a preparation thread)
 *   prescan(wasm)              the module-wide caps alone, on the raw bytes (no binaryen)
 *   checkFeatures(B, mod, set) binaryen feature gate, reusable for other wasm (NEAR contracts)
 */
import type { ExecutionResult } from '../../protocol/result.js'
import { createExecutor, type Executor } from './executor.js'
import type { ExecuteOptions } from './options.js'

export { createExecutor, type Executor, type ExecutorInit } from './executor.js'
export type { ExecuteOptions } from './options.js'
export { checkCacheDir, defaultCacheDir } from './cache.js'
export { checkFeatures, executorFeatures, type AdmissionCaps, type FeatureCheck } from './admission.js'
export { admitModule, type AdmissionResult } from './admit.js'
export { prescan, type PrescanResult, type PrescanStats } from './prescan.js'
export { loadBinaryen, type Binaryen } from './binaryen.js'
export { AdmissionError, ExecutorError, PreparationError, type AdmissionReason, type ExecutorErrorCode, type PreparationErrorCode } from './errors.js'
export { INSTRUMENTER_VERSION } from './version.js'
export { resultToJson } from './result-json.js'
export { ADMISSION, DEFAULTS, METERING, OUTPUT, PREPARE, PREPARE_COST } from './limits.js'
export { wasmKind, type WasmKind } from './component/detect.js'
export { commandToComponent } from './component/adapter.js'
export { createHttpFetcher, type HttpFetcherInit } from './http/fetcher.js'
export type { HttpFetcher, HttpExchange, HttpRequestSpec, HttpOutcome, HttpRefusal } from './http/exchange.js'
export { consensusFetcher, type ResponseAgreement, type AgreedResponse } from './http/consensus.js'
export { checkAddress, type CheckAddress, type AddressCheck } from './http/address-guard.js'
export { addHttpManifest, readHttpManifest, MANIFEST_SECTION } from './http/manifest.js'
export { HTTP_DEFAULTS, HTTP_FUEL, type HttpPolicy } from './http/policy.js'

let shared: Executor | null = null

/** Runs on a shared pool created on first use (its workers never keep the process alive while idle). */
export async function execute (wasm: Uint8Array, opts: ExecuteOptions = {}): Promise<ExecutionResult> {
  shared ??= createExecutor()
  return await shared.execute(wasm, opts)
}
export { createNearRpcProvider } from './near/provider.js'
export { NEAR_DEFAULTS, NEAR_FUEL, type NearAnswer, type NearLimits, type NearQuery, type NearRpcProvider } from './near/query.js'
