/** An executor: the preparer (admission, instrumentation, caches) in front of a worker pool. */
import { availableParallelism } from 'node:os'
import type { ExecutionResult } from '../../protocol/result.js'
import { defaultCacheDir } from './cache.js'
import { PreparationError } from './errors.js'
import { normalise, type ExecuteOptions } from './options.js'
import { finish } from './outcome.js'
import { WorkerPool } from './pool.js'
import { PreparePool } from './prepare-pool.js'
import { Preparer } from './prepare.js'
import { httpAccessFor } from './http/access.js'
import type { HttpFetcher } from './http/exchange.js'
import { createHttpFetcher } from './http/fetcher.js'
import { nearAccessFor } from './near/access.js'
import type { NearRpcProvider } from './near/query.js'

export interface ExecutorInit {
  /** worker threads; default min(2, cores) */
  workers?: number
  /** instrumented-module cache, every entry checked on read (cache.ts); default $OUTLAYER_CACHE_DIR or <repo>/.cache/instrumented */
  cacheDir?: string
  /** preparation threads (admission + instrumentation at once); default PREPARE.workers (1) */
  prepareWorkers?: number
  /** wall-clock deadline of one preparation; past it the job is a local `host_error`. Default PREPARE.deadlineMs */
  prepareDeadlineMs?: number
  /** heap limit of a preparation thread in MB; default PREPARE.maxOldGenerationSizeMb */
  prepareHeapMb?: number
  /** performs the guests' outside HTTP; default createHttpFetcher() (strict SSRF guard) */
  httpFetcher?: HttpFetcher
  /** answers the guests' NEAR view queries (near/provider.ts createNearRpcProvider); default none: all refused */
  nearRpc?: NearRpcProvider
}

export interface Executor {
  /**
   * Runs a WASI command deterministically. Resolves with the result for every outcome, including local
   * failures (`timeout`, `host_error`, also a preparation past its deadline or heap limit); rejects with
   * AdmissionError for a refused module (deterministic, `retryable: false`) and ExecutorError for bad options.
   */
  execute: (wasm: Uint8Array, opts?: ExecuteOptions) => Promise<ExecutionResult>
  close: () => Promise<void>
}

export function createExecutor (init: ExecutorInit = {}): Executor {
  const preparePool = new PreparePool({ workers: init.prepareWorkers, deadlineMs: init.prepareDeadlineMs, maxOldGenerationSizeMb: init.prepareHeapMb })
  const preparer = new Preparer(init.cacheDir ?? defaultCacheDir(), preparePool)
  const pool = new WorkerPool(init.workers ?? Math.min(2, availableParallelism()), init.httpFetcher ?? createHttpFetcher(), init.nearRpc ?? null)
  return {
    async execute (wasm, opts = {}) {
      const { request, timeoutMs } = normalise(opts)
      request.http = httpAccessFor(wasm, opts.http)
      request.near = nearAccessFor(opts.blockHeight, opts.near)
      let program
      try {
        program = await preparer.program(wasm)
      } catch (err) {
        if (err instanceof PreparationError) return finish({ status: 'host_error', message: `${err.code}: ${err.message}` })
        throw err
      }
      return await pool.run(program, request, timeoutMs, opts.responseAgreement)
    },
    close: async () => { await Promise.all([pool.close(), preparePool.close()]) }
  }
}
