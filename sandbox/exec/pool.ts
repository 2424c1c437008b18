/**
 * The run pool: worker threads (threads.ts) that each run one job at a time. The wall-clock timeout terminates
 * the thread and a fresh one takes its place. Timeouts and crashes are local failures (`timeout`,
 * `host_error`), never results.
 */
import type { ExecutionResult } from '../../protocol/result.js'
import type { JobRequest } from './job.js'
import { WORKER } from './limits.js'
import { finish } from './outcome.js'
import { ThreadPool } from './threads.js'
import type { JobMessage } from './worker.js'
import type { WasmModule } from './wasm-api.js'

export class WorkerPool {
  private readonly threads: ThreadPool<ExecutionResult>

  constructor (size: number) {
    this.threads = new ThreadPool<ExecutionResult>('worker', size, {
      stackSizeMb: WORKER.stackSizeMb,
      maxOldGenerationSizeMb: WORKER.maxOldGenerationSizeMb,
      maxYoungGenerationSizeMb: WORKER.maxYoungGenerationSizeMb
    })
  }

  async run (module: WasmModule, request: JobRequest, timeoutMs: number): Promise<ExecutionResult> {
    const message: JobMessage = { module, request }
    const outcome = await this.threads.run(message, timeoutMs)
    if (outcome.ok) return outcome.value
    const { kind, message: detail } = outcome.failure
    if (kind === 'timeout') return finish({ status: 'timeout', wall_ms: timeoutMs, message: `no result after ${timeoutMs} ms` })
    return finish({ status: 'host_error', message: detail })
  }

  async close (): Promise<void> { await this.threads.close() }
}
