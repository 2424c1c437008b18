/**
 * A pool of worker threads. Each runs one job at a time; the wall-clock timeout terminates the worker (V8
 * cannot interrupt wasm on its own thread) and a fresh one takes its place. Timeouts and crashes are local
 * failures (`timeout`, `host_error`), never results.
 */
import { Worker } from 'node:worker_threads'
import type { ExecutionResult } from '../../protocol/result.js'
import { ExecutorError } from './errors.js'
import type { JobRequest } from './job.js'
import { WORKER } from './limits.js'
import { finish } from './outcome.js'
import { openHttpChannel } from './http/bridge.js'
import type { HttpFetcher } from './http/exchange.js'
import type { JobProgram } from './program.js'
import type { JobMessage } from './worker.js'

interface Job {
  program: JobProgram
  request: JobRequest
  timeoutMs: number
  resolve: (r: ExecutionResult) => void
}

interface Slot {
  worker: Worker
  ready: Promise<void>
  job: Job | null
  timer: NodeJS.Timeout | null
  /** closes the job's HTTP channel, if it has one */
  closeHttp: (() => void) | null
}

// run from TypeScript sources, the worker registers tsx itself (worker-boot.mjs)
const workerUrl = new URL(import.meta.url.endsWith('.ts') ? './worker-boot.mjs' : './worker.js', import.meta.url)

export class WorkerPool {
  private readonly slots: Slot[] = []
  private readonly queue: Job[] = []
  private nextId = 1
  private closed = false

  constructor (private readonly size: number, private readonly httpFetcher: HttpFetcher | null = null) {
    if (!Number.isInteger(size) || size < 1) throw new ExecutorError('BAD_OPTIONS', `workers must be a positive integer, got ${size}`)
  }

  run (program: JobProgram, request: JobRequest, timeoutMs: number): Promise<ExecutionResult> {
    if (this.closed) return Promise.reject(new ExecutorError('EXECUTOR_CLOSED', 'the executor is closed'))
    return new Promise(resolve => {
      this.queue.push({ program, request, timeoutMs, resolve })
      this.pump()
    })
  }

  async close (): Promise<void> {
    this.closed = true
    for (const job of this.queue.splice(0)) job.resolve(finish({ status: 'host_error', message: 'executor closed' }))
    await Promise.all(this.slots.splice(0).map(async slot => await this.retire(slot, 'executor closed')))
  }

  private pump (): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find(s => s.job == null)
      if (slot == null && this.slots.length < this.size) slot = this.spawn()
      if (slot == null) return
      this.dispatch(slot, this.queue.shift() as Job)
    }
  }

  private spawn (): Slot {
    const worker = new Worker(workerUrl, {
      resourceLimits: {
        stackSizeMb: WORKER.stackSizeMb,
        maxOldGenerationSizeMb: WORKER.maxOldGenerationSizeMb,
        maxYoungGenerationSizeMb: WORKER.maxYoungGenerationSizeMb
      }
    })
    const slot: Slot = { worker, job: null, timer: null, closeHttp: null, ready: Promise.resolve() }
    slot.ready = new Promise<void>(resolve => {
      worker.once('message', () => resolve())
      worker.once('exit', () => resolve())
    })
    worker.on('message', (msg: { id?: number, result?: ExecutionResult }) => {
      if (msg.result != null) this.settle(slot, msg.result)
    })
    worker.on('error', err => { void this.replace(slot, `worker failed: ${err.message}`) })
    worker.on('exit', () => { void this.replace(slot, 'worker exited') })
    worker.unref()
    this.slots.push(slot)
    return slot
  }

  private dispatch (slot: Slot, job: Job): void {
    slot.job = job
    const message: JobMessage = { id: this.nextId++, program: job.program, request: job.request }
    slot.worker.ref()
    // the timer starts once the worker is up: booting a worker (tsx, imports) is not the guest's time
    void slot.ready.then(() => {
      if (slot.job !== job) return
      slot.timer = setTimeout(() => { void this.replace(slot, 'timeout') }, job.timeoutMs)
      // a policy that allows some host gets a channel to the fetcher (http/bridge.ts); the worker owns its end
      const access = job.request.http
      if (access != null && access.policy.allowedHosts.length > 0 && this.httpFetcher != null) {
        const { channel, close } = openHttpChannel(this.httpFetcher, access.policy)
        slot.closeHttp = close
        message.request = { ...job.request, http: { policy: access.policy, channel } }
        slot.worker.postMessage(message, [channel.port])
        return
      }
      slot.worker.postMessage(message)
    })
  }

  private settle (slot: Slot, result: ExecutionResult): void {
    const job = slot.job
    if (job == null) return
    this.release(slot)
    job.resolve(result)
    this.pump()
  }

  private release (slot: Slot): void {
    if (slot.timer != null) clearTimeout(slot.timer)
    slot.timer = null
    slot.closeHttp?.()
    slot.closeHttp = null
    slot.job = null
    slot.worker.unref()
  }

  /** Ends the slot's worker; its job (if any) becomes a local failure; a fresh worker serves the queue. */
  private async replace (slot: Slot, reason: string): Promise<void> {
    const index = this.slots.indexOf(slot)
    if (index < 0) return
    this.slots.splice(index, 1)
    const job = slot.job
    this.release(slot)
    if (job != null) {
      const status = reason === 'timeout' ? 'timeout' : 'host_error'
      job.resolve(finish({ status, wall_ms: job.timeoutMs, message: reason === 'timeout' ? `no result after ${job.timeoutMs} ms` : reason }))
    }
    await slot.worker.terminate()
    if (!this.closed) this.pump()
  }

  private async retire (slot: Slot, reason: string): Promise<void> {
    const job = slot.job
    this.release(slot)
    if (job != null) job.resolve(finish({ status: 'host_error', message: reason }))
    slot.worker.removeAllListeners('exit')
    await slot.worker.terminate()
  }
}
