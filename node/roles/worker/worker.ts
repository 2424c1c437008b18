/**
 * Worker state machine per request: seen → (rank wait) → lease → working → attested → resolved, or skipped.
 * Every step is persisted before the side effect it enables, so a restarted worker picks up where it stopped:
 * a request it was `working` on is re-run (execution is deterministic, the lease is still its own), and an
 * `attested` result is re-gossiped on reconciliation until the request closes.
 */
import { EventEmitter } from 'node:events'
import { sourceKind, type AttestationPayload, type ExecutionRequest, type SourceKind, type TaskPayload } from '../../../protocol/index.js'
import { ArtifactError } from '../../artifacts/index.js'
import { ChainError, type ChainLease, type ChainWatcherEvents } from '../../chain/index.js'
import type { Logger } from '../../log.js'
import { attest } from './attest.js'
import { compileOnlyResult, isCompileOnly } from './compile-only.js'
import { resolveProject } from './project.js'
import { WorkerError } from './errors.js'
import { DEFAULT_WORKER_OPTIONS, type WorkerOptions } from './options.js'
import { workerRank } from './rank.js'
import type { WorkerComponents, WorkerEvents, WorkerInit } from './index.js'

interface Queued { request: ExecutionRequest, notBefore: number }

/** failures that may go away by themselves (a builder publishes the wasm later): retried, not skipped */
const RETRYABLE: ReadonlySet<string> = new Set(['WASM_UNAVAILABLE', 'INPUT_UNAVAILABLE'])

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
  private workers: { list: string[], at: number } | undefined
  private started = false
  private unsubscribe: Array<() => void> = []
  private readonly options: WorkerOptions
  private readonly allowed: ReadonlySet<SourceKind>
  private readonly log: Logger

  constructor (private readonly components: WorkerComponents, private readonly init: WorkerInit) {
    super()
    this.options = { ...DEFAULT_WORKER_OPTIONS, ...init }
    this.allowed = new Set(this.options.allowedSources)
    this.log = components.logger.child({ module: 'worker' })
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
    watcher.on('request:new', onNew)
    watcher.on('request:closed', onClosed)
    watcher.on('block', onBlock)
    const offTask = gossip.on('task', (payload) => { safe('gossiped task', this.onTask(payload)) })
    this.unsubscribe = [
      () => watcher.off('request:new', onNew), () => watcher.off('request:closed', onClosed), () => watcher.off('block', onBlock), offTask
    ]
  }

  /** Aborts running jobs and waits (up to stopTimeoutMs) for them to settle, so no transaction of ours is sent after stop. */
  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    for (const off of this.unsubscribe.splice(0)) off()
    this.queue.clear()
    for (const ctrl of this.running.values()) ctrl.abort()
    const settled = Promise.allSettled([...this.jobs.values()])
    await Promise.race([settled, new Promise(resolve => setTimeout(resolve, this.options.stopTimeoutMs).unref())])
  }

  status (): WorkerStatus {
    return { running: this.running.size, queued: this.queue.size, capacity: this.options.capacity, height: this.height }
  }

  /** The chain advanced: deferred requests whose wait is over may start. */
  onBlock (height: number): void {
    this.height = Math.max(this.height, height)
    this.pump()
  }

  /** The request closed on chain (resolved, completed or cancelled): drop it everywhere. */
  async onClosed (requestId: string): Promise<void> {
    this.queue.delete(requestId)
    this.running.get(requestId)?.abort()
    const { store, metrics } = this.components
    const stored = await store.getRequest(requestId)
    if (stored == null || stored.state === 'resolved') return
    await store.setRequestState(requestId, 'resolved')
    await store.forget(requestId)
    metrics?.jobs.inc({ status: 'resolved' })
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
    const { store, metrics } = this.components
    const id = request.request_id.toString()
    if (await store.addRequest({ request_id: id, raw, seen_at: height })) metrics?.jobs.inc({ status: 'seen' })
    const stored = await store.getRequest(id)
    if (stored == null || stored.state === 'resolved' || stored.state === 'skipped') return
    if (stored.state === 'attested') {
      // the resolver may have missed our gossip (partition, restart): repeat it when the chain says still pending
      if (origin === 'reconcile') await this.republish(id)
      return
    }
    if (this.running.has(id) || this.queue.has(id)) return
    const kind = sourceKind(request.source)
    if (!this.allowed.has(kind)) {
      await this.skip(id, 'SOURCE_UNSUPPORTED', `source ${kind} is not allowed on this node`)
      return
    }
    const rank = workerRank(request.request_id, this.components.client.accountId, await this.workerList())
    const first = rank < request.redundancy.replicas || stored.state === 'working'
    this.queue.set(id, { request, notBefore: first ? 0 : stored.seen_at + this.init.leaseBlocks })
    this.log.debug({ requestId: id, rank, origin }, first ? 'request queued' : 'request deferred one lease period')
    this.pump()
  }

  /** A task hint from gossip: read the request from the chain (the hint itself is not trusted). */
  private async onTask (payload: TaskPayload): Promise<void> {
    const { client, store, watcher } = this.components
    if (payload.contract_id !== client.contractId || !this.started) return
    if (await store.getRequest(payload.request_id) != null) return
    const view = await client.getRequest(payload.request_id)
    if (view != null && view.status === 'pending') await this.consider({ request: view.request, raw: view.raw, height: watcher.height(), origin: 'gossip' })
  }

  private async workerList (): Promise<string[]> {
    if (this.workers == null || Date.now() - this.workers.at > this.options.workerListTtlMs) {
      const list = await this.components.client.listWorkers()
      const minBond = this.init.minBond ?? 0n
      // only workers that may lease: active and bonded at least min_bond (a slashed worker must top up first)
      const eligible = list.filter(w => w.status === 'active' && w.bond >= minBond)
      this.workers = { list: eligible.map(w => w.account_id), at: Date.now() }
    }
    return this.workers.list
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

  private isActive (lease: ChainLease): boolean {
    return lease.expires_at > this.height
  }

  /** true when this worker holds an active lease (claimed now, or still ours from before a restart) */
  private async ensureLease (request: ExecutionRequest): Promise<boolean> {
    const { client, store, metrics } = this.components
    const id = request.request_id.toString()
    const leases = await client.getLeases(id)
    if (!this.started) return false // stopping: send nothing more
    if (leases.some(l => l.worker_id === client.accountId && this.isActive(l))) return true
    if (leases.filter(l => this.isActive(l)).length >= request.redundancy.replicas) {
      metrics?.leaseClaims.inc({ outcome: 'lost' })
      return false
    }
    try {
      await client.claimLease(id)
    } catch (err) {
      if (err instanceof ChainError && err.code === 'CALL_REFUSED') {
        metrics?.leaseClaims.inc({ outcome: 'lost' })
        this.log.debug({ requestId: id, err }, 'lease refused')
        return false
      }
      metrics?.leaseClaims.inc({ outcome: 'error' })
      throw err
    }
    metrics?.leaseClaims.inc({ outcome: 'won' })
    await store.putLease({ request_id: id, claimed_at_block: this.height })
    return true
  }

  private async run (request: ExecutionRequest, signal: AbortSignal): Promise<void> {
    const { client, store, metrics, artifacts, execute } = this.components
    const id = request.request_id.toString()
    try {
      // the wasm before the lease: a worker that cannot get the code (yet) holds no slot it cannot use, and a
      // long build does not eat into the lease
      const code = await artifacts.resolve(await this.concrete(request), signal)
      const compileOnly = isCompileOnly(request)
      const input = compileOnly ? '' : await this.input(request)
      if (signal.aborted) return
      const limits = request.resource_limits
      // the claim's transaction and the run overlap: the result is attested only once the lease is ours, and a
      // run for a lost claim is thrown away (cheap next to the blocks a claim takes)
      const [leased, result] = await Promise.all([
        this.ensureLease(request).then(async won => {
          if (won) {
            this.emit('lease:won', { requestId: id })
            await store.setRequestState(id, 'working')
            metrics?.jobs.inc({ status: 'claimed' })
          }
          return won
        }),
        compileOnly
          ? compileOnlyResult({ hash: code.hash, size: code.wasm.length })
          : execute(code.wasm, {
            input,
            fuel: limits.max_instructions,
            memoryMb: limits.max_memory_mb,
            timeoutMs: limits.max_execution_seconds * 1000,
            seed: request.seed,
            timestampNs: request.timestamp_ns
          })
      ])
      if (!leased || signal.aborted) return // full: reconciliation brings it back if a lease expires
      metrics?.executionFuel.observe(Number(result.fuel_used))
      metrics?.executionSeconds.observe(result.wall_ms / 1000)
      metrics?.jobs.inc({ status: 'executed' })
      const attestation = attest({ contractId: client.contractId, requestId: request.request_id, workerId: client.accountId, result, key: this.init.signingKey })
      await store.putResult(attestation)
      await store.setRequestState(id, 'attested')
      metrics?.jobs.inc({ status: 'attested' })
      this.emit('result:attested', { attestation })
      this.log.info({ requestId: id, success: attestation.success, instructions: attestation.instructions, wasmFrom: code.from, compileOnly }, 'attested')
      await this.gossip(attestation)
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
        const stored = await store.getRequest(id)
        if (stored?.state === 'working') await store.setRequestState(id, 'seen', { code, message: (err as Error).message })
      }
    }
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
    const input = full?.request.input_data
    if (typeof input !== 'string') throw new WorkerError('INPUT_UNAVAILABLE', `request ${request.request_id} keeps its input in state, and get_request did not return it`)
    return input
  }

  private async skip (id: string, code: string, message: string): Promise<void> {
    await this.components.store.setRequestState(id, 'skipped', { code, message })
    this.components.metrics?.jobs.inc({ status: 'skipped' })
    this.log.info({ requestId: id, code, reason: message }, 'request skipped')
    this.emit('job:failed', { requestId: id, code, message })
  }

  private async gossip (attestation: AttestationPayload): Promise<void> {
    await this.components.gossip.publish('attestation', attestation)
      .catch(err => this.log.warn({ err, requestId: attestation.request_id }, 'attestation gossip failed'))
  }

  private async republish (id: string): Promise<void> {
    const mine = await this.components.store.getResult(id)
    if (mine != null) {
      this.emit('result:attested', { attestation: mine })
      await this.gossip(mine)
    }
  }
}
