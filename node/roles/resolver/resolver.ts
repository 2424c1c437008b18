/**
 * Collects reveals and resolves requests (verification v2: anyone may resolve, with its own account, and earns
 * the resolve fee). The order of writes is what makes it safe to kill at any point: reveal stored → (phase
 * revealing, Q committed reveals agree) → chain still pending? → submission `pending` stored → transaction →
 * submission `done`. A restart re-runs from the stored reveals; a `pending` submission is only re-sent after the
 * chain says the request is still unresolved, and the contract refuses a second resolve anyway, so exactly one
 * resolve lands. Two valid signatures of one worker over different results are reported with report_equivocation.
 */
import { EventEmitter } from 'node:events'
import type { AttestationPayload, ExecutionRequest, Redundancy } from '../../../protocol/index.js'
import { PER_FIELD, sha256Hex } from '../../../protocol/index.js'
import { ChainError, normaliseRequest, phaseClosedAt, type ChainReveal, type ChainWatcherEvents, type ExecutionResponse, type RequestView, type RevealEntry, type SignedResultEntry, type WorkerView } from '../../chain/index.js'
import type { Logger } from '../../log.js'
import { DEFAULT_RESOLVER_OPTIONS, type ResolverOptions } from './options.js'
import { agreementKey, findQuorum, type QuorumOutcome } from './quorum.js'
import { checkReveal, outputBytes } from './verify.js'
import { MAX_SETTLE_INLINE_OUTPUT, hasDisagreement, unreachableProof } from './unreachable.js'
import { ResolverRequests, type StoredSubmission } from './requests.js'
import type { ResolverComponents, ResolverEvents, ResolverInit } from './index.js'

const isPending = (view: RequestView | null): boolean => view?.status === 'pending'

/** A reveal's result as resolve_execution and settle_unreachable take it: the output inline or named by its hash. */
function responseOf (a: AttestationPayload, inline: boolean): ExecutionResponse {
  return {
    code_hash: a.code_hash!,
    success: a.success,
    ...(inline && a.output != null && a.output !== '' ? { output: a.output } : { output_hash: a.output_hash }),
    ...(a.error !== '' ? { error: a.error } : {}),
    resources_used: { instructions: a.instructions },
    transcript_hash: a.transcript_hash!
  }
}

/**
 * What resolve_execution takes for this quorum: the winner's result, and the agreeing reveals without a response
 * of their own (they reveal the main one). per_field: the output the contract composes, and every reveal with its
 * own output inline (the contract reads them all; one past the rule's cap is no candidate, so it goes by hash).
 */
function resolveArgs (quorum: QuorumOutcome, inlineOutputBytes: number): { output: Uint8Array, response: ExecutionResponse, reveals: RevealEntry[] } {
  const { winner, composed } = quorum
  if (composed != null) {
    const big = composed.output.length >= inlineOutputBytes
    const output64 = Buffer.from(composed.output).toString('base64')
    const response: ExecutionResponse = {
      code_hash: composed.code_hash, success: true, resources_used: { instructions: composed.instructions },
      ...(big ? { output_hash: sha256Hex(composed.output) } : { output: output64 })
    }
    const reveals = quorum.ordered.map(a => ({ worker_id: a.worker_id, salt: a.salt!, signature: a.signature, response: responseOf(a, (outputBytes(a)?.length ?? 0) <= PER_FIELD.maxOutputBytes) }))
    return { output: composed.output, response, reveals }
  }
  const output = outputBytes(winner) ?? new Uint8Array(0)
  const response = responseOf(winner, output.length < inlineOutputBytes)
  const winnerKey = agreementKey(winner)
  const reveals: RevealEntry[] = quorum.ordered.map(a => agreementKey(a) === winnerKey
    ? { worker_id: a.worker_id, salt: a.salt!, signature: a.signature }
    : { worker_id: a.worker_id, salt: a.salt!, signature: a.signature, response: responseOf(a, false) })
  return { output, response, reveals }
}

/** enough for a blob's storage at nearcore's price (1e19 yocto per byte) plus its record; the contract returns the excess */
const blobDeposit = (bytes: number): bigint => BigInt(bytes + 512) * 10n ** 19n

export class Resolver extends EventEmitter<ResolverEvents> {
  private readonly workers = new Map<string, { worker: WorkerView | null, at: number }>()
  private readonly busy = new Map<string, Promise<void>>()
  private readonly log: Logger
  private readonly options: ResolverOptions
  private unsubscribe: Array<() => void> = []
  /** the first validly signed reveal per request/worker, kept in memory to catch a second, different one */
  private readonly signed = new Map<string, AttestationPayload>()
  private network: Promise<string> | undefined
  /** request id → height from which it is submitted with the reveals at hand, while waiting for the remaining committed workers */
  private readonly quorumAt = new Map<string, number>()
  /** requests whose phase is still `committing`: looked at again on every block */
  private readonly recheck = new Set<string>()
  /** on-chain reveals (result_revealed) not yet matched with a gossiped reveal of the same result: request → worker → reveal */
  private readonly chainReveals = new Map<string, Map<string, ChainReveal>>()
  /** settle_unreachable sent, per open request: how many reveals it showed, so each set is sent once */
  private readonly settling = new Map<string, number>()
  /** reported equivocations (request/worker), so each is sent once */
  private readonly reported = new Set<string>()
  private height = 0
  private started = false
  private readonly followed: ResolverRequests

  constructor (private readonly components: ResolverComponents, init: ResolverInit) {
    super()
    this.followed = new ResolverRequests(components.store)
    this.log = components.logger.child({ module: 'resolver' })
    this.options = { ...DEFAULT_RESOLVER_OPTIONS, ...init }
  }

  /** The chain advanced: requests waiting out their grace period, or for their signers' leases, may be due. */
  onBlock (height: number): void {
    this.height = Math.max(this.height, height)
    for (const [id, due] of this.quorumAt) if (height >= due) this.evaluate(id)
    for (const id of this.recheck) this.evaluate(id)
  }

  /** Subscribes, then re-evaluates every open request: a restart finishes what a kill interrupted. Idempotent. */
  async start (): Promise<void> {
    if (this.started) return
    this.started = true
    const { watcher, gossip, worker } = this.components
    const safe = (what: string, p: Promise<unknown>): void => { p.catch(err => this.log.warn({ err }, `${what} failed`)) }
    const onNew = (e: ChainWatcherEvents['request:new'][0]): void => { safe('request', this.onRequest(e)) }
    const onClosed = (e: ChainWatcherEvents['request:closed'][0]): void => { safe('close', this.onClosed(e)) }
    const onBlock = ({ height }: { height: number }): void => { this.onBlock(height) }
    const onMine = ({ attestation }: { attestation: AttestationPayload }): void => { safe('own attestation', this.onAttestation(attestation)) }
    const onRevealed = (e: ChainWatcherEvents['request:revealed'][0]): void => { safe('on-chain reveal', this.onChainReveal(e)) }
    watcher.on('request:new', onNew)
    watcher.on('request:revealed', onRevealed)
    watcher.on('request:closed', onClosed)
    watcher.on('block', onBlock)
    worker?.on('result:attested', onMine)
    const offGossip = gossip.on('attestation', (payload) => { safe('gossiped attestation', this.onAttestation(payload)) })
    this.unsubscribe = [
      () => watcher.off('request:new', onNew), () => watcher.off('request:revealed', onRevealed), () => watcher.off('request:closed', onClosed), () => watcher.off('block', onBlock),
      () => worker?.off('result:attested', onMine), offGossip
    ]
    for (const r of await this.followed.open()) this.evaluate(r.request_id)
  }

  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    for (const off of this.unsubscribe.splice(0)) off()
    await Promise.allSettled([...this.busy.values()])
  }

  /** The request closed on chain: record how long it took, and drop what was collected for it. */
  async onClosed ({ requestId, height }: { requestId: string, height: number }): Promise<void> {
    this.chainReveals.delete(requestId)
    this.settling.delete(requestId)
    const closed = await this.followed.close(requestId)
    const parsed = closed != null ? normaliseRequest(closed.raw) : undefined
    if (parsed != null) this.components.metrics?.resolveLatencyBlocks.observe(Math.max(0, height - Number(parsed.request.block_height)))
  }

  /** A reveal from gossip or from this node's worker. Never throws: bad input is logged and counted. */
  async onAttestation (a: AttestationPayload): Promise<void> {
    if (!this.started) return
    const { metrics, client } = this.components
    try {
      const view = await client.getRequest(a.request_id)
      if (view?.request == null || view.status !== 'pending' || view.assignment == null) return // unknown or closed
      const config = await this.networkId()
      const check = checkReveal(a, { contractId: client.contractId, networkId: config, request: view.request, worker: await this.worker(a.worker_id), assignment: view.assignment })
      if (check.signed) await this.watchEquivocation(a)
      if (check.reason != null) {
        metrics?.attestations.inc({ outcome: 'invalid' })
        this.log.warn({ requestId: a.request_id, workerId: a.worker_id, reason: check.reason }, 'reveal refused')
        this.emit('attestation:invalid', { requestId: a.request_id, workerId: a.worker_id, reason: check.reason })
        return
      }
      await this.followed.add({ request_id: a.request_id, raw: view.raw, seen_at: Number(view.request.block_height) })
      // a repeat (workers re-gossip on reconciliation) still triggers a look: the chain may have moved since
      await this.followed.addReveal(a)
      await this.adoptChainReveals(a.request_id)
      this.evaluate(a.request_id)
    } catch (err) {
      this.log.warn({ err, requestId: a.request_id }, 'reveal not processed')
    }
  }

  /**
   * A committed worker's reveal from the chain (reveal_result): it names its output by hash only, so it counts
   * once a gossiped reveal of the same result brought the bytes; it is then checked like any reveal. This is what
   * lets a worker whose slot-mates withheld their gossip reveals still reach the quorum with those who revealed on
   * chain.
   */
  async onChainReveal ({ requestId, workerId, reveal }: { requestId: string, workerId: string, reveal: ChainReveal }): Promise<void> {
    if (!this.started) return
    const pending = this.chainReveals.get(requestId) ?? new Map<string, ChainReveal>()
    pending.set(workerId, reveal)
    this.chainReveals.set(requestId, pending)
    await this.adoptChainReveals(requestId)
  }

  private async adoptChainReveals (requestId: string): Promise<void> {
    const pending = this.chainReveals.get(requestId)
    if (pending == null) return
    const stored = await this.followed.reveals(requestId)
    for (const [workerId, r] of pending) {
      const same = stored.find(a => agreementKey(a) === agreementKey(r))
      if (same == null) continue
      pending.delete(workerId)
      await this.onAttestation({
        contract_id: this.components.client.contractId, request_id: requestId, worker_id: workerId, success: r.success,
        output: same.output, output_hash: r.output_hash, error: r.error, instructions: r.instructions,
        time_ms: 0, result_hash: same.result_hash, code_hash: r.code_hash, transcript_hash: r.transcript_hash, salt: r.salt, signature: r.signature
      })
    }
    if (pending.size === 0) this.chainReveals.delete(requestId)
  }

  /** A worker that signed two different results of one request loses bond: anyone may show both signatures. */
  private async watchEquivocation (a: AttestationPayload): Promise<void> {
    const key = `${a.request_id}/${a.worker_id}`
    const seen = this.signed.get(key)
    if (seen == null) { this.signed.set(key, a); return }
    if (agreementKey(seen) === agreementKey(a) || this.reported.has(key)) return
    this.reported.add(key)
    const entry = (x: AttestationPayload): SignedResultEntry => ({
      code_hash: x.code_hash!, success: x.success, output_hash: x.output_hash, error_hash: sha256Hex(x.error),
      instructions: x.instructions, transcript_hash: x.transcript_hash!, signature: x.signature
    })
    try {
      await this.components.client.reportEquivocation(a.request_id, a.worker_id, entry(seen), entry(a))
      this.log.warn({ requestId: a.request_id, workerId: a.worker_id }, 'equivocation reported')
      this.emit('worker:equivocated', { requestId: a.request_id, workerId: a.worker_id })
    } catch (err) {
      this.log.warn({ err, requestId: a.request_id, workerId: a.worker_id }, 'equivocation report refused')
    }
  }

  private async networkId (): Promise<string> {
    this.network ??= this.components.client.getConfig().then(c => c.networkId)
    try { return await this.network } catch (err) { this.network = undefined; throw err }
  }

  /** A request seen on chain: remember it (a resolver-only node has no worker to do so), then evaluate. */
  async onRequest ({ request, raw, height }: { request: ExecutionRequest, raw: unknown, height: number }): Promise<void> {
    if (!this.started) return
    const id = request.request_id.toString()
    await this.followed.add({ request_id: id, raw, seen_at: height })
    this.evaluate(id)
  }

  /** Runs at most one evaluation per request at a time; a later call waits and re-checks. */
  evaluate (requestId: string): void {
    const previous = this.busy.get(requestId) ?? Promise.resolve()
    const next = previous.then(async () => await this.tryResolve(requestId)).catch(err => {
      this.log.error({ err, requestId }, 'resolve attempt failed')
    })
    this.busy.set(requestId, next)
    void next.finally(() => { if (this.busy.get(requestId) === next) this.busy.delete(requestId) })
  }

  /** resolves when every evaluation started so far has finished (tests, shutdown) */
  async idle (): Promise<void> {
    while (this.busy.size > 0) await Promise.allSettled([...this.busy.values()])
  }

  private async request (requestId: string): Promise<ExecutionRequest | undefined> {
    const { client } = this.components
    const stored = await this.followed.get(requestId)
    if (stored?.state === 'closed') return undefined
    const fromStore = stored != null ? normaliseRequest(stored.raw) : undefined
    if (fromStore != null) return fromStore.request
    const fromChain = await client.getRequest(requestId)
    if (fromChain?.request == null) return undefined
    await this.followed.add({ request_id: requestId, raw: fromChain.raw, seen_at: Number(fromChain.request.block_height) })
    return fromChain.request
  }

  private async worker (accountId: string): Promise<WorkerView | null> {
    const hit = this.workers.get(accountId)
    if (hit != null && (hit.worker != null || Date.now() - hit.at < 2_000) && Date.now() - hit.at < this.options.workerTtlMs) return hit.worker
    const worker = await this.components.client.getWorker(accountId)
    this.workers.set(accountId, { worker, at: Date.now() })
    return worker
  }

  private async tryResolve (requestId: string): Promise<void> {
    if (!this.started) return
    const { client } = this.components
    const previous = await this.followed.submission(requestId)
    if (previous?.state === 'done') return
    const request = await this.request(requestId)
    if (request == null) return
    const stored = await this.followed.reveals(requestId)
    const { quorum: q } = request.redundancy
    if (findQuorum(stored, q, request.redundancy) == null) {
      if (hasDisagreement(stored)) await this.trySettleUnreachable(requestId, stored, request.redundancy)
      return
    }

    // check before: another resolver (or our own pre-crash self) may have resolved it already
    const view = await client.getRequest(requestId)
    if (!isPending(view)) {
      this.recheck.delete(requestId)
      this.quorumAt.delete(requestId)
      await this.finish(previous, requestId, { duplicate: previous?.state === 'pending' || previous?.state === 'failed' })
      return
    }
    const assignment = view!.assignment
    if (assignment == null) return
    if (assignment.phase !== 'revealing') {
      this.recheck.add(requestId) // reveals are early; the phase closes at close_at or with the last commit
      return
    }
    this.recheck.delete(requestId)
    // the contract refuses the whole call if any signer holds no commit, so only committed workers count
    const committed = new Set(assignment.commits.map(c => c.worker_id))
    const counted = stored.filter(a => committed.has(a.worker_id))
    const quorum = findQuorum(counted, q, request.redundancy)
    if (quorum == null) return
    // every committed reveal, or the reveals at hand once graceBlocks passed since the phase closed (chain heights,
    // so a slow node or a late dissenter does not change the rule)
    const due = phaseClosedAt(assignment, this.height) + this.options.graceBlocks
    if (counted.length < committed.size && this.height < due) {
      this.quorumAt.set(requestId, due) // onBlock re-evaluates when the grace period is over
      return
    }
    this.quorumAt.delete(requestId)
    await this.submit(requestId, quorum, previous)
  }

  /**
   * The reveals disagree: once they prove no quorum can form (unreachable.ts), settle_unreachable refunds the payer
   * now rather than at the yield timeout. Sent once per set of reveals; a refusal because the request closed
   * (another node settled or resolved it) is a duplicate.
   */
  private async trySettleUnreachable (requestId: string, stored: AttestationPayload[], { quorum, aggregation, fields }: Redundancy): Promise<void> {
    const { client } = this.components
    const view = await client.getRequest(requestId)
    if (!isPending(view) || view!.assignment == null) { this.recheck.delete(requestId); return }
    const sentInline = (a: AttestationPayload): boolean => (outputBytes(a)?.length ?? 0) < Math.min(this.options.inlineOutputBytes, MAX_SETTLE_INLINE_OUTPUT + 1)
    const proof = unreachableProof(stored, view!.assignment, { quorum, aggregation, fields, height: this.height, sentInline })
    // still reachable, or not provable yet (the phase is open, a committed worker may still reveal): look again each block
    if (proof == null) { this.recheck.add(requestId); return }
    this.recheck.delete(requestId)
    if (this.settling.get(requestId) === proof.length) return
    this.settling.set(requestId, proof.length)
    const reveals = proof.map(a => ({ worker_id: a.worker_id, salt: a.salt!, signature: a.signature, response: responseOf(a, sentInline(a)) }))
    try {
      const outcome = await client.settleUnreachable(requestId, reveals)
      await this.followed.putSubmission({ request_id: requestId, state: 'done', workers: [], attempts: 1, duplicates: 0, tx_hash: outcome.txHash, updated_ms: Date.now() })
      this.log.info({ requestId, reveals: proof.length, txHash: outcome.txHash }, 'quorum unreachable: settled early')
      this.emit('request:unreachable', { requestId, txHash: outcome.txHash })
    } catch (err) {
      if (err instanceof ChainError && err.code === 'CALL_REFUSED' && !await client.getRequest(requestId).then(isPending, () => true)) {
        await this.finish(undefined, requestId, { duplicate: true })
        return
      }
      this.log.warn({ err, requestId }, 'settle_unreachable refused')
    }
  }

  private async submit (requestId: string, quorum: QuorumOutcome, previous: StoredSubmission | undefined): Promise<void> {
    const { client, metrics } = this.components
    const store = this.followed
    const submission: StoredSubmission = {
      request_id: requestId, state: 'pending', workers: quorum.agreeing.map(a => a.worker_id),
      attempts: (previous?.attempts ?? 0) + 1, duplicates: previous?.duplicates ?? 0, updated_ms: Date.now()
    }
    await store.putSubmission(submission)
    for (const liar of quorum.disagreeing) {
      metrics?.attestations.inc({ outcome: 'disagree' })
      this.log.warn({ requestId, workerId: liar.worker_id }, 'worker disagrees with the quorum')
      this.emit('worker:disagreed', { requestId, workerId: liar.worker_id })
    }
    metrics?.attestations.inc({ outcome: 'agree' }, quorum.agreeing.length)

    const { output, response, reveals } = resolveArgs(quorum, this.options.inlineOutputBytes)
    const big = output.length >= this.options.inlineOutputBytes
    try {
      // big outputs: store the blob first (its storage paid by our deposit, the excess returned, refunded at the end)
      if (big) await client.submitExecutionOutput(requestId, Buffer.from(output).toString('base64'), blobDeposit(output.length))
      // an empty output_hash response for an empty output must name it inline
      const outcome = await client.resolveExecution(requestId, output.length === 0 ? { ...response, output_hash: undefined, output: '' } : response, reveals)
      await store.putSubmission({ ...submission, state: 'done', tx_hash: outcome.txHash, updated_ms: Date.now() })
      metrics?.resolveSubmits.inc({ outcome: 'ok' })
      this.log.info({ requestId, workers: submission.workers, txHash: outcome.txHash }, 'resolved')
      this.emit('request:submitted', { requestId, txHash: outcome.txHash, workers: submission.workers })
    } catch (err) {
      // check after: a refusal because someone else resolved first is a harmless duplicate
      // (a failed read counts as still pending: never call a failure a duplicate without the chain's word)
      if (err instanceof ChainError && err.code === 'CALL_REFUSED' && !await client.getRequest(requestId).then(isPending, () => true)) {
        await this.finish(submission, requestId, { duplicate: true })
        return
      }
      metrics?.resolveSubmits.inc({ outcome: 'error' })
      await store.putSubmission({ ...submission, state: 'failed', error: (err as Error).message, updated_ms: Date.now() })
      throw err
    }
  }

  private async finish (previous: StoredSubmission | undefined, requestId: string, { duplicate }: { duplicate: boolean }): Promise<void> {
    const base: StoredSubmission = previous ?? { request_id: requestId, state: 'done', workers: [], attempts: 0, duplicates: 0, updated_ms: Date.now() }
    await this.followed.putSubmission({ ...base, state: 'done', duplicates: base.duplicates + (duplicate ? 1 : 0), updated_ms: Date.now() })
    if (duplicate) {
      this.components.metrics?.resolveSubmits.inc({ outcome: 'duplicate' })
      this.log.info({ requestId }, 'already resolved on chain; counted as duplicate')
      this.emit('request:duplicate', { requestId })
    }
  }
}
