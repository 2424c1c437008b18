/**
 * A pool of worker threads, each doing one task at a time, with resourceLimits and a wall-clock deadline per
 * task that terminates the thread (V8 cannot interrupt wasm or a long binaryen call on its own thread); a fresh
 * thread then takes its place. Used for runs (pool.ts) and for preparation (prepare-pool.ts). Every way a task
 * can end without a reply (deadline, heap limit, crash, close) is a `ThreadFailure`, which callers turn into a
 * local failure: none of them is the guest's deterministic doing.
 */
import { Worker, type ResourceLimits, type TransferListItem } from 'node:worker_threads'
import { ExecutorError } from './errors.js'

export type ThreadFailureKind = 'timeout' | 'out_of_memory' | 'crashed' | 'closed'

export interface ThreadFailure { kind: ThreadFailureKind, message: string }

export type ThreadOutcome<Res> = { ok: true, value: Res } | { ok: false, failure: ThreadFailure }

interface Task<Res> {
  message: unknown
  transfer: TransferListItem[]
  timeoutMs: number
  resolve: (outcome: ThreadOutcome<Res>) => void
}

interface Slot<Res> {
  worker: Worker
  ready: Promise<void>
  task: Task<Res> | null
  timer: NodeJS.Timeout | null
}

/** A thread posts `{ ready: true }` once booted, then `{ reply }` for each task it is given. */
export interface ThreadReply<Res> { ready?: true, reply?: Res }

// run from TypeScript sources, a thread registers tsx itself (worker-boot.mjs), then imports its entry
const sources = import.meta.url.endsWith('.ts')
const bootUrl = new URL('./worker-boot.mjs', import.meta.url)

export class ThreadPool<Res> {
  private readonly slots: Array<Slot<Res>> = []
  private readonly queue: Array<Task<Res>> = []
  private closed = false

  /** `entry`: the thread's module name in this folder, without extension (e.g. 'worker') */
  constructor (private readonly entry: string, private readonly size: number, private readonly limits: ResourceLimits) {
    if (!Number.isInteger(size) || size < 1) throw new ExecutorError('BAD_OPTIONS', `workers must be a positive integer, got ${size}`)
  }

  /** Resolves with the thread's reply, or the failure; never rejects. The deadline starts once the thread is up. */
  run (message: unknown, timeoutMs: number, transfer: TransferListItem[] = []): Promise<ThreadOutcome<Res>> {
    if (this.closed) return Promise.reject(new ExecutorError('EXECUTOR_CLOSED', 'the executor is closed'))
    return new Promise(resolve => {
      this.queue.push({ message, transfer, timeoutMs, resolve })
      this.pump()
    })
  }

  async close (): Promise<void> {
    this.closed = true
    for (const task of this.queue.splice(0)) task.resolve({ ok: false, failure: { kind: 'closed', message: 'executor closed' } })
    await Promise.all(this.slots.splice(0).map(async slot => {
      this.fail(slot, { kind: 'closed', message: 'executor closed' })
      slot.worker.removeAllListeners('exit')
      await slot.worker.terminate()
    }))
  }

  private pump (): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find(s => s.task == null)
      if (slot == null && this.slots.length < this.size) slot = this.spawn()
      if (slot == null) return
      this.dispatch(slot, this.queue.shift() as Task<Res>)
    }
  }

  private spawn (): Slot<Res> {
    const worker = sources
      ? new Worker(bootUrl, { resourceLimits: this.limits, workerData: { entry: `./${this.entry}.ts` } })
      : new Worker(new URL(`./${this.entry}.js`, import.meta.url), { resourceLimits: this.limits })
    const slot: Slot<Res> = { worker, task: null, timer: null, ready: Promise.resolve() }
    slot.ready = new Promise<void>(resolve => {
      worker.once('message', () => resolve())
      worker.once('exit', () => resolve())
    })
    worker.on('message', (msg: ThreadReply<Res>) => {
      if (msg.reply !== undefined) this.settle(slot, msg.reply)
    })
    worker.on('error', (err: Error & { code?: string }) => {
      const kind = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out_of_memory' : 'crashed'
      void this.replace(slot, { kind, message: `thread failed: ${err.message}` })
    })
    worker.on('exit', () => { void this.replace(slot, { kind: 'crashed', message: 'thread exited' }) })
    worker.unref()
    this.slots.push(slot)
    return slot
  }

  private dispatch (slot: Slot<Res>, task: Task<Res>): void {
    slot.task = task
    slot.worker.ref()
    // booting a thread (tsx, imports, binaryen) is not the task's time
    void slot.ready.then(() => {
      if (slot.task !== task) return
      slot.timer = setTimeout(() => { void this.replace(slot, { kind: 'timeout', message: `no reply after ${task.timeoutMs} ms` }) }, task.timeoutMs)
      slot.worker.postMessage(task.message, task.transfer)
    })
  }

  private settle (slot: Slot<Res>, value: Res): void {
    const task = this.release(slot)
    if (task == null) return
    task.resolve({ ok: true, value })
    this.pump()
  }

  private release (slot: Slot<Res>): Task<Res> | null {
    const task = slot.task
    if (slot.timer != null) clearTimeout(slot.timer)
    slot.timer = null
    slot.task = null
    slot.worker.unref()
    return task
  }

  private fail (slot: Slot<Res>, failure: ThreadFailure): void {
    this.release(slot)?.resolve({ ok: false, failure })
  }

  /** Ends the slot's thread; its task (if any) fails; a fresh thread serves the queue. */
  private async replace (slot: Slot<Res>, failure: ThreadFailure): Promise<void> {
    const index = this.slots.indexOf(slot)
    if (index < 0) return
    this.slots.splice(index, 1)
    this.fail(slot, failure)
    await slot.worker.terminate()
    if (!this.closed) this.pump()
  }
}
