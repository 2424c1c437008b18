/**
 * Preparation threads (prepare-worker.ts) behind a ThreadPool: at most PREPARE.workers preparations at once,
 * each under a heap limit and a wall-clock deadline. A refusal comes back as AdmissionError (deterministic);
 * a deadline, heap or crash as PreparationError (local).
 */
import type { AdmissionCaps } from './admission.js'
import { AdmissionError, PreparationError, type PreparationErrorCode } from './errors.js'
import { PREPARE } from './limits.js'
import type { PrepareMessage, PrepareReply } from './prepare-worker.js'
import { ThreadPool, type ThreadFailureKind } from './threads.js'

export interface PreparePoolInit {
  /** concurrent preparations @default PREPARE.workers */
  workers?: number
  /** @default PREPARE.deadlineMs, for a component PREPARE.componentDeadlineMs */
  deadlineMs?: number
  /** heap limit of a preparation thread @default PREPARE.maxOldGenerationSizeMb */
  maxOldGenerationSizeMb?: number
}

const FAILURE_CODES: Record<ThreadFailureKind, PreparationErrorCode> = {
  timeout: 'PREPARE_TIMEOUT',
  out_of_memory: 'PREPARE_OUT_OF_MEMORY',
  crashed: 'PREPARE_FAILED',
  closed: 'PREPARE_FAILED'
}

export class PreparePool {
  private readonly threads: ThreadPool<PrepareReply>
  private readonly deadlineMs: number | undefined

  constructor (init: PreparePoolInit = {}) {
    this.deadlineMs = init.deadlineMs
    this.threads = new ThreadPool<PrepareReply>('prepare-worker', init.workers ?? PREPARE.workers, {
      stackSizeMb: PREPARE.stackSizeMb,
      maxOldGenerationSizeMb: init.maxOldGenerationSizeMb ?? PREPARE.maxOldGenerationSizeMb,
      maxYoungGenerationSizeMb: PREPARE.maxYoungGenerationSizeMb
    })
  }

  /** Admits and instruments; the instrumented bytes. Throws AdmissionError or PreparationError. */
  async instrument (wasm: Uint8Array): Promise<Uint8Array> {
    return await this.bytes({ kind: 'module', wasm, instrument: true })
  }

  /** Splits a component, admits and instruments its core modules; encodeComponent's bytes. Same errors. */
  async instrumentComponent (wasm: Uint8Array): Promise<Uint8Array> {
    return await this.bytes({ kind: 'component', wasm })
  }

  /** Admission only. Throws AdmissionError or PreparationError. */
  async admit (wasm: Uint8Array, caps: Partial<AdmissionCaps>): Promise<void> {
    await this.ask({ kind: 'module', wasm, instrument: false, caps })
  }

  async close (): Promise<void> { await this.threads.close() }

  private async bytes (message: PrepareMessage): Promise<Uint8Array> {
    const bytes = await this.ask(message)
    if (bytes == null) throw new PreparationError('PREPARE_FAILED', 'no instrumented bytes')
    return bytes
  }

  private async ask (message: PrepareMessage): Promise<Uint8Array | null> {
    const deadline = this.deadlineMs ?? (message.kind === 'component' ? PREPARE.componentDeadlineMs : PREPARE.deadlineMs)
    const outcome = await this.threads.run(message, deadline)
    if (!outcome.ok) throw new PreparationError(FAILURE_CODES[outcome.failure.kind], `preparation failed: ${outcome.failure.message}`)
    const reply = outcome.value
    if (reply.ok) return reply.bytes
    if ('refusal' in reply) throw new AdmissionError(reply.refusal.code, reply.refusal.message)
    throw new PreparationError('PREPARE_FAILED', `preparation failed: ${reply.failure}`)
  }
}
