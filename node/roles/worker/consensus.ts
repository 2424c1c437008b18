/**
 * The node half of consensus-on-responses (protocol/response-vote.ts; the executor half is sandbox/exec/http/
 * consensus.ts). A run whose request names `params.response_consensus` (identical, median or per_field) gets a round
 * from open(): for its n-th outside response the round gossips this worker's vote and waits for the others', and
 *
 *  - a vote counts only if its envelope's signer is the registered key of the worker it names, and that worker
 *    is one of the request's primaries (the contract's assignment `assigned`, never the requester's choice);
 *  - per (request, worker, index) the first vote counts; a different later one is ignored and logged as
 *    equivocation (an equal one is a duplicate);
 *  - identical: agreed once one digest has ≥ Q votes (Q > R/2, so it is unique and the same for every replica
 *    that sees it, whichever votes it saw first); all R primaries voted and no digest at Q → { ok: false };
 *  - median, per_field: decided once all R primaries voted, never on fewer (the median rule needs 2Q−1 ≥ R
 *    candidates anyway, and a rule over a subset would depend on which votes arrived first), by protocol/
 *    aggregation.ts over the bodies the votes carry (2xx only); no agreement → { ok: false };
 *  - { ok: false } is a refusal the guest sees and the result attests, the same on every replica; the deadline
 *    passing (a replica silent) → agree() throws: a local failure.
 *
 * Votes that arrive before this worker's run opens its round (a faster replica) wait in a buffer bounded in
 * bytes overall and per signer (p2p admits only registered signers, and only for requests that exist). When the
 * overall bound is reached the signer holding the most loses its oldest vote first, so a flooder (or a coalition
 * of them) evicts itself before it can evict a signer that holds less, i.e. an honest replica's few early votes.
 */
import { base64 } from '@scure/base'
import {
  MAX_RESPONSE_VOTE_BODY_BYTES, callHash, responseDigest, sha256Hex,
  type Envelope, type ExecutionRequest, type ResponseConsensusMode, type ResponseVotePayload
} from '../../../protocol/index.js'
import type { AgreedResponse, ResponseAgreement } from '../../../sandbox/exec/index.js'
import type { OutlayerClient } from '../../chain/index.js'
import type { Logger } from '../../log.js'
import type { Metrics } from '../../metrics.js'
import type { MeshNode } from '../../p2p/index.js'
import { decideResponse, type Decision } from './decide-response.js'

/** What became of a vote; fixed, so safe as a metric label. */
export type VoteOutcome =
  | 'accepted' | 'buffered' | 'duplicate'
  | 'equivocation' | 'not_assigned' | 'wrong_key' | 'other_contract' | 'too_many' | 'dropped'

export interface ResponseConsensusOptions {
  /** how long one exchange waits for agreement before the run fails locally @default 30 s */
  timeoutMs: number
  /** bytes of early votes kept for rounds not open yet @default 32 MiB */
  maxBufferedBytes: number
  /** of those, bytes one signer may hold, so one registered key cannot evict everyone else's early votes @default 4 MiB (a dozen full-size votes) */
  maxBufferedBytesPerSender: number
  /** votes one worker may cast in one round (the executor's cap on requests per run is 16) @default 64 */
  maxVotesPerWorker: number
}

export const DEFAULT_RESPONSE_CONSENSUS: ResponseConsensusOptions = { timeoutMs: 30_000, maxBufferedBytes: 32 * 1024 * 1024, maxBufferedBytesPerSender: 4 * 1024 * 1024, maxVotesPerWorker: 64 }

export interface ResponseConsensusComponents {
  client: Pick<OutlayerClient, 'contractId' | 'accountId' | 'getWorker'>
  gossip: Pick<MeshNode, 'publish' | 'on'>
  logger: Logger
  metrics?: Metrics
}

/** A round: the executor's hook for one run, closed when the run ends. */
export interface ConsensusRound extends ResponseAgreement { close: () => void }

interface Vote { payload: ResponseVotePayload, sender: string }

/** what the early-vote buffer holds now (tests, status) */
export interface BufferUsage { bytes: number, votes: number, requests: number, bySender: Record<string, number> }

/**
 * A buffered vote's heap, for the caps: its body (base64, one byte a character) plus what the rest costs. Measured
 * 2.1 KB of heap per small vote for a request of its own (the payload's strings, the vote and its Set entries);
 * it was 512, which let 32 MiB of accounted small votes take 131 MiB.
 */
const VOTE_OVERHEAD_BYTES = 2560
const sizeOf = (v: Vote): number => VOTE_OVERHEAD_BYTES + (v.payload.body?.length ?? 0)
/** recently closed rounds whose late votes are dropped, not buffered */
const CLOSED_KEPT = 256

export class ResponseConsensus {
  private readonly rounds = new Map<string, Round>()
  /** early votes by request, and the same votes by signer (both in arrival order) */
  private readonly buffered = new Map<string, Set<Vote>>()
  private readonly bufferedBySender = new Map<string, { bytes: number, votes: Set<Vote> }>()
  private bufferedBytes = 0
  private readonly closed = new Set<string>()
  private readonly counts: Partial<Record<VoteOutcome, number>> = {}
  private off: (() => void) | undefined
  private readonly log: Logger

  constructor (private readonly components: ResponseConsensusComponents, private readonly options: ResponseConsensusOptions = DEFAULT_RESPONSE_CONSENSUS) {
    this.log = components.logger.child({ module: 'response-consensus' })
  }

  start (): void {
    this.off ??= this.components.gossip.on('response_vote', (payload, envelope) => { this.receive(payload, envelope) })
  }

  stop (): void {
    this.off?.()
    this.off = undefined
    for (const round of this.rounds.values()) round.close()
    this.buffered.clear()
    this.bufferedBySender.clear()
    this.bufferedBytes = 0
  }

  /** how many votes ended each way (tests, status) */
  stats (): Partial<Record<VoteOutcome, number>> { return { ...this.counts } }

  bufferUsage (): BufferUsage {
    let votes = 0
    for (const list of this.buffered.values()) votes += list.size
    const bySender = Object.fromEntries([...this.bufferedBySender].map(([sender, held]) => [sender, held.bytes]))
    return { bytes: this.bufferedBytes, votes, requests: this.buffered.size, bySender }
  }

  /** A round for this worker's run of the request under `mode`; `signal` ends its waits (the request closed, the node stops). */
  open (request: ExecutionRequest, mode: ResponseConsensusMode, signal?: AbortSignal): ConsensusRound {
    const id = request.request_id.toString()
    this.rounds.get(id)?.close()
    this.closed.delete(id)
    const round = new Round({
      request,
      mode,
      contractId: this.components.client.contractId,
      me: this.components.client.accountId,
      options: this.options,
      keyOf: async (worker) => (await this.components.client.getWorker(worker))?.public_key ?? null,
      publish: async (vote) => { await this.components.gossip.publish('response_vote', vote) },
      count: (outcome) => { this.count(outcome) },
      log: this.log,
      signal,
      onClose: () => {
        if (this.rounds.get(id) === round) this.rounds.delete(id)
        this.closed.add(id)
        if (this.closed.size > CLOSED_KEPT) this.closed.delete(this.closed.values().next().value as string)
      }
    })
    this.rounds.set(id, round)
    const early = [...this.buffered.get(id) ?? []]
    for (const v of early) { this.unbuffer(v); round.offer(v) }
    return round
  }

  private receive (payload: ResponseVotePayload, envelope: Envelope<'response_vote'>): void {
    if (payload.contract_id !== this.components.client.contractId) { this.count('other_contract'); return }
    const vote = { payload, sender: envelope.sender }
    const round = this.rounds.get(payload.request_id)
    if (round != null) { round.offer(vote); return }
    if (this.closed.has(payload.request_id)) { this.count('dropped'); return }
    this.buffer(vote)
  }

  private buffer (vote: Vote): void {
    const size = sizeOf(vote)
    const held = this.bufferedBySender.get(vote.sender)?.bytes ?? 0
    if (held + size > this.options.maxBufferedBytesPerSender || size > this.options.maxBufferedBytes) { this.count('dropped'); return }
    while (this.bufferedBytes + size > this.options.maxBufferedBytes) {
      const oldest = this.largestHolder().votes.values().next().value as Vote
      this.unbuffer(oldest)
      this.count('dropped')
    }
    const id = vote.payload.request_id
    const list = this.buffered.get(id) ?? new Set<Vote>()
    this.buffered.set(id, list.add(vote))
    const mine = this.bufferedBySender.get(vote.sender) ?? { bytes: 0, votes: new Set<Vote>() }
    this.bufferedBySender.set(vote.sender, mine)
    mine.votes.add(vote)
    mine.bytes += size
    this.bufferedBytes += size
    this.count('buffered')
  }

  /** the signer holding the most buffered bytes (ties: the one that started holding first) */
  private largestHolder (): { bytes: number, votes: Set<Vote> } {
    let largest: { bytes: number, votes: Set<Vote> } | undefined
    for (const held of this.bufferedBySender.values()) if (largest == null || held.bytes > largest.bytes) largest = held
    return largest as { bytes: number, votes: Set<Vote> }
  }

  /** takes a vote out of the buffer (both indexes) */
  private unbuffer (vote: Vote): void {
    const size = sizeOf(vote)
    this.bufferedBytes -= size
    const list = this.buffered.get(vote.payload.request_id)
    list?.delete(vote)
    if (list?.size === 0) this.buffered.delete(vote.payload.request_id)
    const held = this.bufferedBySender.get(vote.sender)
    if (held == null) return
    held.votes.delete(vote)
    held.bytes -= size
    if (held.votes.size === 0) this.bufferedBySender.delete(vote.sender)
  }

  private count (outcome: VoteOutcome): void {
    this.counts[outcome] = (this.counts[outcome] ?? 0) + 1
    this.components.metrics?.responseVotes.inc({ outcome })
  }
}

interface RoundArgs {
  request: ExecutionRequest
  mode: ResponseConsensusMode
  contractId: string
  me: string
  options: ResponseConsensusOptions
  /** a worker's registered signing key, null when it is not registered */
  keyOf: (workerId: string) => Promise<string | null>
  publish: (vote: ResponseVotePayload) => Promise<void>
  count: (outcome: VoteOutcome) => void
  log: Logger
  signal: AbortSignal | undefined
  onClose: () => void
}

class Round implements ConsensusRound {
  private readonly id: string
  private readonly assigned: ReadonlySet<string>
  private readonly replicas: number
  private readonly quorum: number
  /** index → worker → its first vote */
  private readonly votes = new Map<number, Map<string, ResponseVotePayload>>()
  private readonly perWorker = new Map<string, number>()
  private readonly keys = new Map<string, Promise<string | null>>()
  private readonly waiting = new Set<() => void>()
  /** a vote's key check runs asynchronously; votes of one round are taken in arrival order */
  private queue: Promise<void> = Promise.resolve()
  private ended = false

  constructor (private readonly args: RoundArgs) {
    const { request } = args
    this.id = request.request_id.toString()
    this.assigned = new Set(request.assigned ?? [])
    this.replicas = this.assigned.size
    this.quorum = request.redundancy.quorum
    // the primaries' keys are read now, not when their first vote is already waiting
    for (const worker of this.assigned) if (worker !== args.me) void this.keyOf(worker).catch(() => {})
  }

  /** Takes a vote from gossip (or the buffer) after the key and assignment checks. */
  offer (vote: Vote): void {
    this.queue = this.queue.then(async () => { await this.take(vote) })
      .catch(err => { this.args.log.warn({ err, requestId: this.id }, 'vote not checked') })
  }

  private async take ({ payload, sender }: Vote): Promise<void> {
    const worker = payload.worker_id
    if (!this.assigned.has(worker)) { this.refuse('not_assigned', payload, sender); return }
    if (await this.keyOf(worker) !== sender) { this.refuse('wrong_key', payload, sender); return }
    this.record(payload)
  }

  /** the registered key, read once per round (a failed read is tried again, up to three times) */
  private async keyOf (worker: string): Promise<string | null> {
    for (let attempt = 1; ; attempt++) {
      let key = this.keys.get(worker)
      if (key == null) this.keys.set(worker, key = this.args.keyOf(worker))
      try {
        return await key
      } catch (err) {
        this.keys.delete(worker)
        if (attempt >= 3) throw err
        await new Promise(resolve => setTimeout(resolve, 200 * attempt))
      }
    }
  }

  private refuse (outcome: VoteOutcome, payload: ResponseVotePayload, sender: string): void {
    this.args.count(outcome)
    this.args.log.debug({ requestId: this.id, worker: payload.worker_id, index: payload.index, sender, outcome }, 'response vote refused')
  }

  /** first vote per (worker, index) wins */
  private record (payload: ResponseVotePayload): void {
    const { worker_id: worker, index } = payload
    const at = this.votes.get(index) ?? new Map<string, ResponseVotePayload>()
    this.votes.set(index, at)
    const first = at.get(worker)
    if (first != null) {
      if (first.digest === payload.digest) { this.args.count('duplicate'); return }
      this.args.count('equivocation')
      this.args.log.warn({ requestId: this.id, worker, index, first: first.digest, second: payload.digest }, 'equivocation: a second, different response vote (ignored)')
      return
    }
    const cast = this.perWorker.get(worker) ?? 0
    if (cast >= this.args.options.maxVotesPerWorker) { this.args.count('too_many'); return }
    this.perWorker.set(worker, cast + 1)
    // a body is kept once per digest: a second carrier of the same bytes adds nothing
    const carried = [...at.values()].some(v => v.digest === payload.digest && v.body != null)
    at.set(worker, carried ? { ...payload, body: undefined } : payload)
    if (worker !== this.args.me) this.args.count('accepted')
    for (const wake of [...this.waiting]) wake()
  }

  async agree ({ index, method, url, own }: Parameters<ResponseAgreement['agree']>[0]): Promise<Decision> {
    const fields = { call_sha256: callHash(method, url), status: own.status, content_type: own.contentType, body_sha256: sha256Hex(own.body) }
    const digest = responseDigest(fields)
    const { content_type: contentType, ...rest } = fields
    const vote: ResponseVotePayload = {
      contract_id: this.args.contractId,
      request_id: this.id,
      worker_id: this.args.me,
      index,
      ...rest,
      ...(contentType != null ? { content_type: contentType } : {}),
      ...(own.body.length <= MAX_RESPONSE_VOTE_BODY_BYTES ? { body: base64.encode(own.body) } : {}),
      digest
    }
    // our own vote counts like anyone's (a backup's does not: it is not among the primaries)
    if (this.assigned.has(this.args.me)) this.queue = this.queue.then(() => { this.record(vote) })
    await this.queue
    this.args.publish(vote).catch(err => { this.args.log.warn({ err, requestId: this.id, index }, 'response vote not gossiped') })
    const deadline = Date.now() + this.args.options.timeoutMs
    for (;;) {
      if (this.ended || this.args.signal?.aborted === true) throw new Error(`response ${index} of request ${this.id}: the run ended before agreement`)
      const decision = this.decide(index, digest, own)
      if (decision != null) return decision
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`response ${index} of request ${this.id}: no agreement within ${this.args.options.timeoutMs} ms (${this.votes.get(index)?.size ?? 0} of ${this.replicas} votes)`)
      await this.wait(left)
    }
  }

  /** agreed, refused, or null: wait for more votes (decide-response.ts) */
  private decide (index: number, digest: string, own: AgreedResponse): Decision | null {
    const votes = [...(this.votes.get(index)?.values() ?? [])]
    return decideResponse({ votes, own: { digest, response: own }, replicas: this.replicas, quorum: this.quorum, mode: this.args.mode, index, requestId: this.id })
  }

  private async wait (ms: number): Promise<void> {
    await new Promise<void>(resolve => {
      const done = (): void => {
        clearTimeout(timer)
        this.waiting.delete(done)
        this.args.signal?.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.waiting.add(done)
      this.args.signal?.addEventListener('abort', done)
    })
  }

  close (): void {
    if (this.ended) return
    this.ended = true
    for (const wake of [...this.waiting]) wake()
    this.args.onClose()
  }
}
