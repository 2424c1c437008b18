/** An executor: the preparer (admission, instrumentation, caches) in front of a worker pool. */
import { availableParallelism } from 'node:os'
import type { ExecutionResult } from '../../protocol/result.js'
import { defaultCacheDir } from './cache.js'
import { wasmKind } from './component/detect.js'
import { ComponentPreparer } from './component/prepare.js'
import { normalise, type ExecuteOptions } from './options.js'
import { WorkerPool } from './pool.js'
import { Preparer } from './prepare.js'
import { httpAccessFor } from './http/access.js'
import type { HttpFetcher } from './http/exchange.js'
import { createHttpFetcher } from './http/fetcher.js'

export interface ExecutorInit {
  /** worker threads; default min(2, cores) */
  workers?: number
  /** instrumented-module cache; default $OUTLAYER_CACHE_DIR or <repo>/.cache/instrumented */
  cacheDir?: string
  /** performs the guests' outside HTTP; default createHttpFetcher() (strict SSRF guard) */
  httpFetcher?: HttpFetcher
}

export interface Executor {
  /**
   * Runs a WASI command deterministically. Resolves with the result for every outcome, including local
   * failures (`timeout`, `host_error`); rejects with AdmissionError for a refused module and ExecutorError
   * for bad options.
   */
  execute: (wasm: Uint8Array, opts?: ExecuteOptions) => Promise<ExecutionResult>
  close: () => Promise<void>
}

export function createExecutor (init: ExecutorInit = {}): Executor {
  const cacheDir = init.cacheDir ?? defaultCacheDir()
  const preparer = new Preparer(cacheDir)
  const components = new ComponentPreparer(cacheDir)
  const pool = new WorkerPool(init.workers ?? Math.min(2, availableParallelism()), init.httpFetcher ?? createHttpFetcher())
  return {
    async execute (wasm, opts = {}) {
      const { request, timeoutMs } = normalise(opts)
      request.http = httpAccessFor(wasm, opts.http)
      // a component (detected from its header) takes its own preparation path; anything else is a command
      const program = wasmKind(wasm) === 'component'
        ? await components.prepare(wasm)
        : { kind: 'module' as const, module: (await preparer.prepare(wasm)).module }
      return await pool.run(program, request, timeoutMs)
    },
    close: async () => { await pool.close() }
  }
}
