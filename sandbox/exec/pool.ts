/**
 * The run pool: worker threads (threads.ts) that each run one job at a time, a preview1 command or a prepared
 * component. The wall-clock timeout terminates the thread and a fresh one takes its place. Timeouts and crashes
 * are local failures (`timeout`, `host_error`), never results. A job whose policy allows some host gets its own
 * channel to the HTTP fetcher (http/bridge.ts), closed when the job ends however it ends; a run with a response
 * agreement gets that fetcher wrapped in http/consensus.ts. A job with a block height whose module imports
 * `near_view` gets a channel to the NEAR provider (near/bridge.ts) the same way.
 */
import type { ExecutionResult } from '../../protocol/result.js'
import { openHttpChannel } from './http/bridge.js'
import { consensusFetcher, type ResponseAgreement } from './http/consensus.js'
import type { HttpFetcher } from './http/exchange.js'
import type { JobRequest } from './job.js'
import { openNearChannel } from './near/bridge.js'
import type { NearRpcProvider } from './near/query.js'
import { WORKER } from './limits.js'
import { finish } from './outcome.js'
import type { JobProgram } from './program.js'
import { ThreadPool } from './threads.js'
import { HOST_MODULE } from './wasi-signatures.js'
import { Wasm } from './wasm-api.js'
import type { JobMessage } from './worker.js'

export class WorkerPool {
  private readonly threads: ThreadPool<ExecutionResult>

  constructor (size: number, private readonly httpFetcher: HttpFetcher | null = null, private readonly nearRpc: NearRpcProvider | null = null) {
    this.threads = new ThreadPool<ExecutionResult>('worker', size, {
      stackSizeMb: WORKER.stackSizeMb,
      maxOldGenerationSizeMb: WORKER.maxOldGenerationSizeMb,
      maxYoungGenerationSizeMb: WORKER.maxYoungGenerationSizeMb
    })
  }

  /** `agreement`: this run's responses go through consensusFetcher (a fresh one per run: it counts the exchanges) */
  async run (program: JobProgram, request: JobRequest, timeoutMs: number, agreement?: ResponseAgreement): Promise<ExecutionResult> {
    const policy = request.http?.policy
    let http: ReturnType<typeof openHttpChannel> | null = null
    let sent = request
    if (policy != null && policy.allowedHosts.length > 0 && this.httpFetcher != null) {
      http = openHttpChannel(agreement != null ? consensusFetcher(this.httpFetcher, agreement) : this.httpFetcher, policy)
      sent = { ...request, http: { policy, channel: http.channel } }
    }
    // a channel only for a module that can call it: near_view is a preview1 import (components have none yet)
    const near = request.near != null && this.nearRpc != null && importsNearView(program) ? openNearChannel(this.nearRpc, request.near.blockHeight) : null
    if (near != null && request.near != null) sent = { ...sent, near: { ...request.near, channel: near.channel } }
    const message: JobMessage = { program, request: sent }
    const ports = [http?.channel.port, near?.channel.port].filter(p => p != null)
    let outcome
    try {
      outcome = await this.threads.run(message, timeoutMs, ports)
    } finally {
      http?.close()
      near?.close()
    }
    if (outcome.ok) return outcome.value
    const { kind, message: detail } = outcome.failure
    if (kind === 'timeout') return finish({ status: 'timeout', wall_ms: timeoutMs, message: `no result after ${timeoutMs} ms` })
    return finish({ status: 'host_error', message: detail })
  }

  async close (): Promise<void> { await this.threads.close() }
}

function importsNearView (program: JobProgram): boolean {
  return program.kind === 'module' && Wasm.Module.imports(program.module).some(i => i.module === HOST_MODULE && i.name === 'near_view')
}
