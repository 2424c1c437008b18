/**
 * Worker state machine per request (verification v2): seen → working → attested (result, reveal and commit
 * stored) → committed (commit_result on chain) → revealed (gossiped once the commit phase closed; sent on chain by
 * reveal-fallback.ts if the request is still unresolved revealFallbackBlocks later) → resolved; or skipped. The contract assigns the workers: a primary runs as soon as it sees the request, a backup once the
 * primaries' window passed and a slot is still open. Every step is persisted before the side effect it enables,
 * and the commit is a pure function of the request, the code, the deterministic result and the worker's key (the
 * salt is derived), so a restarted worker re-runs and rebuilds the same commit: it never commits twice (it reads
 * its commit back from get_assignment first) and never loses a reveal (reconciliation repeats it).
 */
import { EventEmitter } from 'node:events'
import { sourceKind, type AttestationPayload, type ExecutionRequest, type ExecutionResult, type SourceKind, type TaskPayload, type TranscriptEntry } from '../../../protocol/index.js'
import { ArtifactError } from '../../artifacts/index.js'
import { ChainError, type ChainWatcherEvents } from '../../chain/index.js'
import type { Logger } from '../../log.js'
import { guardedLookUp } from '../gossip-lookup.js'
import { attest } from './attest.js'
import { compileOnlyResult, isCompileOnly } from './compile-only.js'
import { DEFAULT_RESPONSE_CONSENSUS, ResponseConsensus, type BufferUsage, type VoteOutcome } from './consensus.js'
import { secretsFor } from './secrets.js'
import { resolveProject } from './project.js'
import { RevealFallback } from './reveal-fallback.js'
import { runParamsOf, type RunParams } from './run-params.js'
import { admissionRefusalOf } from './admission.js'
import { isModuleRefusal, WorkerError } from './errors.js'
import { WorkerJobs, type Job } from './jobs.js'
import { DEFAULT_WORKER_OPTIONS, type WorkerOptions } from './options.js'
import type { WorkerComponents, WorkerEvents, WorkerInit } from './index.js'

interface Queued { request: ExecutionRequest, notBefore: number }

/** failures that may go away by themselves (a builder publishes the wasm later): retried, not skipped */
const RETRYABLE: ReadonlySet<string> = new Set(['WASM_UNAVAILABLE', 'INPUT_UNAVAILABLE', 'SECRETS_UNAVAILABLE'])

export interface WorkerStatus {
  running: number
  queued: number
  capacity: number
  height: number
}

type RequestSeen = ChainWatcherEvents['request:new'][0] | { request: ExecutionRequest, raw: unknown, height: number, origin: 'gossip' }

export class Worker extends EventEmitter<WorkerEvents> {
  private readonly queue = new Map<string, Queued>()
  private readonly running = new Map<string, AbortController>()
  private readonly jobs = new Map<string, Promise<void>>()
  private readonly considering = new Set<string>()
  private height = 0
  /** committed requests whose phase has not closed yet: request id → close_at */
  private readonly awaitingReveal = new Map<string, number>()
  /** behaviour.equivocate: the second reveal per request, gossiped next to the real one */
  private readonly equivocations = new Map<string, AttestationPayload>()
  private started = false
  private unsubscribe: Array<() => void> = []
  private readonly options: WorkerOptions
  private readonly allowed: ReadonlySet<SourceKind>
  private readonly log: Logger
  private readonly fallback: RevealFallback
  private readonly jobStore: WorkerJobs
  private readonly consensus: ResponseConsensus

  constructor (private readonly components: WorkerComponents, private readonly init: WorkerInit) {
    super()
    this.jobStore = new WorkerJobs(components.store)
    this.options = { ...DEFAULT_WORKER_OPTIONS, ...init }
    this.allowed = new Set(this.options.allowedSources)
    this.log = components.logger.child({ module: 'worker' })
    this.fallback = new RevealFallback({ client: components.client, results: this.jobStore, logger: this.log }, this.options.revealFallbackBlocks)
    this.consensus = new ResponseConsensus(
      { client: components.client, gossip: components.gossip, logger: this.log, ...(components.metrics != null ? { metrics: components.metrics } : {}) },
      { ...DEFAULT_RESPONSE_CONSENSUS, timeoutMs: this.options.responseConsensusTimeoutMs }
    )
  }

  /** Subscribes to the watcher and to task gossip. Idempotent; start after stop works. */
  async start (): Promise<void> {
    if (this.started) return
    this.started = true
    const { watcher, gossip, client } = this.components
    const safe = (what: string, p: Promise<unknown>): void => { p.catch(err => this.log.warn({ err }, `${what} failed`)) }
    const onNew = (e: ChainWatcherEvents['request:new'][0]): void => {
      safe('consider', this.consider(e))
      // gossip is a hint that lets nodes whose feed lags start early; the chain stays the truth
      if (e.origin === 'feed') {
        safe('task gossip', gossip.publish('task', { contract_id: client.contractId, request_id: e.request.request_id.toString(), block_height: String(e.height) }))
      }
    }
    const onClosed = ({ requestId }: { requestId: string }): void => { safe('close', this.onClosed(requestId)) }
    const onBlock = ({ height }: { height: number }): void => { this.onBlock(height) }
    const onCommitted = ({ requestId, closed }: { requestId: string, closed: boolean }): void => {
      if (closed && this.awaitingReveal.has(requestId)) safe('reveal', this.reveal(requestId))
    }
    watcher.on('request:new', onNew)
    watcher.on('request:closed', onClosed)
    watcher.on('request:committed', onCommitted)
    watcher.on('block', onBlock)
    const offTask = gossip.on('task', (payload, _envelope, from) => { safe('gossiped task', this.onTask(payload, from)) })
    this.consensus.start()
    this.unsubscribe = [() => { this.consensus.stop() },
      () => watcher.off('request:new', onNew), () => watcher.off('request:closed', onClosed), () => watcher.off('request:committed', onCommitted),
      () => watcher.off('block', onBlock), offTask
    ]
  }

  /** Aborts running jobs and waits (up to stopTimeoutMs) for them to settle, so no transaction of ours is sent after stop. */
  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    for (const off of this.unsubscribe.splice(0)) off()
    this.queue.clear()
    for (const ctrl of this.running.values()) ctrl.abort()
    const settled = Promise.allSettled([...this.jobs.values(), this.fallback.idle()])
    await Promise.race([settled, new Promise(resolve => setTimeout(resolve, this.options.stopTimeoutMs).unref())])
  }

  status (): WorkerStatus {
    return { running: this.running.size, queued: this.queue.size, capacity: this.options.capacity, height: this.height }
  }

  /** this worker's record of a request (status, tests) */
  async job (requestId: string): Promise<Job | undefined> { return await this.jobStore.get(requestId) }

  /** the I/O transcript of this worker's run of a request, when it made outside I/O (the explorer) */
  async transcript (requestId: string): Promise<TranscriptEntry[] | undefined> { return await this.jobStore.transcript(requestId) }

  /** what became of the response votes this worker received (consensus runs) */
  consensusStats (): Partial<Record<VoteOutcome, number>> { return this.consensus.stats() }

  /** what the early-vote buffer holds (tests, status) */
  consensusBuffer (): BufferUsage { return this.consensus.bufferUsage() }

  /** every job not yet resolved or skipped, in id order (the /status jobs) */
  async openJobs (): Promise<Job[]> { return await this.jobStore.open() }

  /**
   * The chain advanced: deferred backups whose turn came may start, phases past close_at are revealing, and
   * reveals of requests still unresolved long after may go on chain.
   */
  onBlock (height: number): void {
    this.height = Math.max(this.height, height)
    if (this.started) this.fallback.onBlock(height)
    for (const [id, closeAt] of this.awaitingReveal) {
      if (height > closeAt) void this.reveal(id).catch(err => this.log.warn({ err, requestId: id }, 'reveal failed'))
    }
    this.pump()
  }

  /** The request closed on chain (resolved, completed or cancelled): drop it everywhere. */
  async onClosed (requestId: string): Promise<void> {
    this.queue.delete(requestId)
    this.awaitingReveal.delete(requestId)
    this.equivocations.delete(requestId)
    this.fallback.drop(requestId)
    this.running.get(requestId)?.abort()
    if (await this.jobStore.resolved(requestId)) this.components.metrics?.jobs.inc({ status: 'resolved' })
  }

  /** A request from the feed, gossip or reconciliation. Idempotent: repeats are cheap, and one at a time per request. */
  async consider (seen: RequestSeen): Promise<void> {
    const id = seen.request.request_id.toString()
    if (!this.started || this.considering.has(id)) return
    this.considering.add(id)
    try {
      await this.decide(seen)
    } finally {
      this.considering.delete(id)
    }
  }

  private async decide ({ request, raw, height, origin }: RequestSeen): Promise<void> {
    this.height = Math.max(this.height, height)
    const jobs = this.jobStore
    const id = request.request_id.toString()
    if (await jobs.add({ request_id: id, raw, seen_at: height })) this.components.metrics?.jobs.inc({ status: 'seen' })
    const stored = await jobs.get(id)
    if (stored == null || stored.state === 'resolved' || stored.state === 'skipped') return
    if (stored.state === 'committed' || stored.state === 'revealed') {
      // the resolver may have missed our reveal (partition, restart): repeat it while the chain says pending
      if (origin === 'reconcile' || stored.state === 'committed') await this.reveal(id)
      return
    }
    if (this.running.has(id) || this.queue.has(id)) return
    const kind = sourceKind(request.source)
    if (!this.allowed.has(kind)) {
      await this.skip(id, 'SOURCE_UNSUPPORTED', `source ${kind} is not allowed on this node`)
      return
    }
    const me = this.components.client.accountId
    const primary = (request.assigned ?? []).includes(me)
    const backup = (request.backups ?? []).indexOf(me)
    if (!primary && backup < 0) {
      // a builder builds what others were assigned, so that they fetch it instead of waiting for a build
      if (this.options.buildUnassigned && 'GitHub' in request.source) {
        this.components.artifacts.resolve(request.source).catch(err => this.log.debug({ err, requestId: id }, 'build for others failed'))
      }
      await this.skip(id, 'NOT_ASSIGNED', 'the contract assigned this request to other workers')
      return
    }
    // a backup's turn starts after the primaries' window; it then takes a slot only if one is still open
    const notBefore = primary ? 0 : Number(request.commit_deadline ?? 0) + 1
    this.queue.set(id, { request, notBefore })
    this.log.debug({ requestId: id, primary, backup, origin }, primary ? 'request queued' : 'backup: deferred to the end of the commit window')
    this.pump()
  }

  /** A task hint from gossip: read the request from the chain (the hint itself is not trusted). */
  private async onTask (payload: TaskPayload, from: string): Promise<void> {
    const { client, watcher, lookupGuard } = this.components
    if (payload.contract_id !== client.contractId || !this.started) return
    if (await this.jobStore.get(payload.request_id) != null) return
    const view = await guardedLookUp(lookupGuard, from, payload.request_id, async () => await client.getRequest(payload.request_id))
    if (view?.request != null && view.status === 'pending') await this.consider({ request: view.request, raw: view.raw, height: watcher.height(), origin: 'gossip' })
  }

  private pump (): void {
    if (!this.started) return
    for (const [id, q] of this.queue) {
      if (this.running.size >= this.options.capacity) break
      if (q.notBefore > this.height) continue
      this.queue.delete(id)
      const ctrl = new AbortController()
      this.running.set(id, ctrl)
      this.components.metrics?.jobsActive.set({ status: 'running' }, this.running.size)
      const job = this.run(q.request, ctrl.signal)
        .catch(err => { if (this.started) this.log.error({ err, requestId: id }, 'job crashed') })
        .finally(() => {
          this.running.delete(id)
          this.jobs.delete(id)
          this.components.metrics?.jobsActive.set({ status: 'running' }, this.running.size)
          this.pump()
        })
      this.jobs.set(id, job)
    }
  }

  /** true once this worker's commit is on chain (sent now, or found there after a restart) */
  private async ensureCommitted (id: string, commit: string): Promise<boolean> {
    const { client, metrics } = this.components
    const mine = (a: Awaited<ReturnType<typeof client.getAssignment>>): boolean => a?.commits.some(c => c.worker_id === client.accountId) === true
    const before = await client.getAssignment(id)
    if (mine(before)) return true
    if (before == null || before.phase === 'revealing' || !this.started) return false
    try {
      await client.commitResult(id, commit)
    } catch (err) {
      // refused (a backup took the slot, the phase closed, a duplicate after a lost answer): the chain says which
      if (err instanceof ChainError && err.code === 'CALL_REFUSED') {
        const committed = mine(await client.getAssignment(id))
        metrics?.commits.inc({ outcome: committed ? 'ok' : 'refused' })
        if (!committed) this.log.debug({ requestId: id, err }, 'commit refused')
        return committed
      }
      metrics?.commits.inc({ outcome: 'error' })
      throw err
    }
    metrics?.commits.inc({ outcome: 'ok' })
    return true
  }

  /** Gossips the stored reveal once the request's commit phase closed; remembers it until then. */
  private async reveal (id: string): Promise<void> {
    const { client, metrics } = this.components
    const mine = await this.jobStore.result(id)
    if (mine == null) return
    const assignment = await client.getAssignment(id)
    if (assignment == null) { this.awaitingReveal.delete(id); return } // finished
    if (assignment.phase !== 'revealing') { this.awaitingReveal.set(id, assignment.close_at); return }
    this.awaitingReveal.delete(id)
    if (await this.jobStore.revealed(id)) metrics?.jobs.inc({ status: 'revealed' })
    this.emit('result:attested', { attestation: mine })
    await this.gossip(mine)
    const second = this.equivocations.get(id)
    if (second != null) await this.gossip(second)
    this.fallback.schedule(id, assignment, this.height)
  }

  private async run (request: ExecutionRequest, signal: AbortSignal): Promise<void> {
    const { client, metrics, artifacts, execute } = this.components
    const jobs = this.jobStore
    const id = request.request_id.toString()
    try {
      if (!(request.assigned ?? []).includes(client.accountId)) {
        // a backup: run only while a slot is open (a primary committed late, or never)
        const assignment = await client.getAssignment(id)
        if (assignment == null || assignment.phase === 'revealing' || assignment.commits.length >= request.redundancy.replicas) {
          await this.skip(id, 'NOT_NEEDED', 'every slot was committed before this backup\'s turn')
          return
        }
      }
      await jobs.working(id)
      const code = await artifacts.resolve(await this.concrete(request), signal)
      const compileOnly = isCompileOnly(request)
      const input = compileOnly ? '' : await this.input(request)
      if (signal.aborted) return
      const limits = request.resource_limits
      const params = runParamsOf(request)
      if (!params.ok) this.log.info({ requestId: id, reason: params.message }, 'params refused: attesting the refusal, nothing runs')
      // the secrets live in this call only: not stored, logged, gossiped or attested (roles/worker/secrets.ts)
      const run = async ({ consensus, http }: RunParams, env: Record<string, string> | undefined): Promise<ExecutionResult> => {
        // consensus-on-responses: the run's outside responses are agreed with the other primaries (consensus.ts)
        const round = consensus != null ? this.consensus.open(request, consensus, signal) : undefined
        try {
          return await execute(code.wasm, {
            input,
            fuel: limits.max_instructions,
            memoryMb: limits.max_memory_mb,
            timeoutMs: limits.max_execution_seconds * 1000,
            seed: request.seed,
            timestampNs: request.timestamp_ns,
            // the height the contract recorded for the request: every replica's NEAR view queries read that state
            blockHeight: Number(request.block_height),
            ...(env != null ? { env } : {}),
            // the hosts and caps the request grants, added to the program's manifest by the executor
            ...(http != null ? { http } : {}),
            ...(round != null ? { responseAgreement: round } : {})
          })
        } finally {
          round?.close()
        }
      }
      const result = compileOnly
        ? compileOnlyResult({ hash: code.hash, size: code.wasm.length })
        : !params.ok
            ? params.refusal
            : await run(params.params, await secretsFor(request, this.components.secrets, signal)).catch(err => this.admissionRefusal(id, err))
      if (signal.aborted) return
      const behaviour = this.init.behaviour
      const equivocate = behaviour?.equivocate?.(request) === true
      const attested = behaviour?.resultTransform != null && !equivocate ? await behaviour.resultTransform(result, request) : result
      if (signal.aborted) return
      metrics?.executionFuel.observe(Number(result.fuel_used))
      metrics?.executionSeconds.observe(result.wall_ms / 1000)
      metrics?.jobs.inc({ status: 'executed' })
      const attestArgs = { contractId: client.contractId, networkId: this.init.networkId, request, workerId: client.accountId, codeHash: code.hash, key: this.init.signingKey }
      const { reveal, commit } = attest({ ...attestArgs, result: attested })
      if (equivocate && behaviour?.resultTransform != null) {
        this.equivocations.set(id, attest({ ...attestArgs, result: await behaviour.resultTransform(result, request) }).reveal)
      }
      if (behaviour?.withhold?.(request) === true) {
        await this.skip(id, 'WITHHELD', 'behaviour.withhold: assigned and executed, never committed')
        return
      }
      // stored before the commit is sent: a crash after it still has the reveal (and rebuilds the same commit)
      await jobs.attested(reveal, attested.transcript)
      metrics?.jobs.inc({ status: 'attested' })
      if (!await this.ensureCommitted(id, commit)) {
        await this.skip(id, 'COMMIT_REFUSED', 'the contract took no commit from this worker (slot taken or phase closed)')
        return
      }
      await jobs.committed(id)
      metrics?.jobs.inc({ status: 'committed' })
      this.emit('result:committed', { requestId: id, commit })
      this.log.info({ requestId: id, success: reveal.success, instructions: reveal.instructions, codeHash: code.hash, wasmFrom: code.from, compileOnly }, 'committed')
      await this.reveal(id)
    } catch (err) {
      const code = err instanceof WorkerError || err instanceof ArtifactError || err instanceof ChainError ? err.code : 'ERROR'
      if ((err instanceof WorkerError || err instanceof ArtifactError) && !RETRYABLE.has(code)) {
        await this.skip(id, code, (err as Error).message)
      } else {
        // chain or transport trouble, or a wasm nobody has built yet: leave it `seen`, reconciliation offers it again
        metrics?.jobs.inc({ status: 'failed' })
        const level = code === 'WASM_UNAVAILABLE' ? 'debug' : 'warn' // expected while a builder is still at it
        this.log[level]({ requestId: id, code, err }, 'job not done; will retry on reconciliation')
        this.emit('job:failed', { requestId: id, code, message: (err as Error).message })
        await jobs.retryLater(id, { code, message: (err as Error).message })
      }
    }
  }

  /**
   * A module the executor refused: a deterministic admission refusal is attested (admission.ts), any other error
   * that says the same bytes fail again is skipped as MODULE_REFUSED, the rest goes to the job's retry handling.
   */
  private admissionRefusal (id: string, err: unknown): ExecutionResult {
    const refusal = admissionRefusalOf(err)
    if (refusal != null) {
      this.log.info({ requestId: id, reason: (err as Error).message }, 'module refused at admission: attesting the refusal')
      return refusal
    }
    throw isModuleRefusal(err) ? new WorkerError('MODULE_REFUSED', err.message, { cause: err }) : err
  }

  /** A Project source becomes the version it names; the node's allowed sources then apply to that version too. */
  private async concrete (request: ExecutionRequest): Promise<ExecutionRequest['source']> {
    if (!('Project' in request.source)) return request.source
    const requestId = request.request_id.toString()
    const { source, versionKey } = await resolveProject(this.components.client, request.source.Project)
    if (!this.allowed.has(sourceKind(source))) throw new WorkerError('SOURCE_UNSUPPORTED', `project version source ${sourceKind(source)} is not allowed on this node`)
    this.log.debug({ requestId, project: request.source.Project.project_id, versionKey, source }, 'project resolved')
    this.emit('project:resolved', { requestId, projectId: request.source.Project.project_id, versionKey })
    return source
  }

  private async input (request: ExecutionRequest): Promise<string> {
    if (request.input_data_in_state !== true) return request.input_data ?? ''
    const full = await this.components.client.getRequest(request.request_id.toString())
    const input = full?.request?.input_data
    if (typeof input !== 'string') throw new WorkerError('INPUT_UNAVAILABLE', `request ${request.request_id} keeps its input in state, and get_request did not return it`)
    return input
  }

  private async skip (id: string, code: string, message: string): Promise<void> {
    await this.jobStore.skipped(id, { code, message })
    this.components.metrics?.jobs.inc({ status: 'skipped' })
    this.log.info({ requestId: id, code, reason: message }, 'request skipped')
    this.emit('job:failed', { requestId: id, code, message })
  }

  private async gossip (attestation: AttestationPayload): Promise<void> {
    await this.components.gossip.publish('attestation', attestation)
      .catch(err => this.log.warn({ err, requestId: attestation.request_id }, 'attestation gossip failed'))
  }

}
