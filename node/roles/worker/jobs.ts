/**
 * The worker's section of the store: one job per request it considered, and its own reveal until the request
 * closes. Every state change is a named transition here, written before the side effect it enables:
 *
 *   seen → working → attested (reveal stored with it, atomically) → committed → revealed → resolved
 *   any open state → skipped (note) · working | attested → seen (note: retried on reconciliation) · any → resolved
 *
 * The I/O transcript of a run (names and body hashes, never values: protocol/transcript.ts) is written with the
 * reveal and kept as long as the job, for the explorer: the chain holds only its hash.
 *
 * Only the worker writes this section; the resolver keeps its own (roles/resolver/requests.ts).
 */
import type { AttestationPayload, TranscriptEntry } from '../../../protocol/index.js'
import { requestKey, StoreError, type StoreOp, type StoreSection, type StoreTable } from '../../store/index.js'

/** Where a request stands for this worker. */
export type JobState = 'seen' | 'working' | 'attested' | 'committed' | 'revealed' | 'skipped' | 'resolved'

/** why a job was skipped or its last attempt failed: a WorkerErrorCode, ArtifactErrorCode or ChainErrorCode */
export interface JobNote { code: string, message: string }

export interface Job {
  /** decimal u64 */
  request_id: string
  /** the request object exactly as read from the event or the view (re-validated when loaded) */
  raw: unknown
  state: JobState
  /** block height at which this worker first saw it */
  seen_at: number
  /** why it was skipped or its last attempt failed, for status output */
  note?: JobNote
  /** when `state` last changed (ms since epoch) */
  updated_ms: number
}

interface MoveOptions { ops?: (job: Job) => StoreOp[], note?: JobNote, unknownIsFine?: boolean }

const OPEN: ReadonlySet<JobState> = new Set(['seen', 'working', 'attested', 'committed', 'revealed'])

export class WorkerJobs {
  private readonly jobs: StoreTable<Job>
  private readonly results: StoreTable<AttestationPayload>
  private readonly transcripts: StoreTable<TranscriptEntry[]>

  constructor (private readonly section: StoreSection) {
    this.jobs = section.table('jobs')
    this.results = section.table('results')
    this.transcripts = section.table('transcripts')
  }

  async get (requestId: string): Promise<Job | undefined> { return await this.jobs.get(requestKey(requestId)) }

  /** this worker's own reveal, kept from `attested` until the request closes */
  async result (requestId: string): Promise<AttestationPayload | undefined> { return await this.results.get(requestKey(requestId)) }

  /** the I/O transcript of this worker's run, when it made outside I/O */
  async transcript (requestId: string): Promise<TranscriptEntry[] | undefined> { return await this.transcripts.get(requestKey(requestId)) }

  /** every job not yet `resolved` or `skipped`, in id order */
  async open (): Promise<Job[]> { return (await this.jobs.values()).filter(j => OPEN.has(j.state)) }

  /** a request seen for the first time is `seen`; returns false when it was known already */
  async add (job: { request_id: string, raw: unknown, seen_at: number }): Promise<boolean> {
    return await this.section.serial(async () => {
      if (await this.get(job.request_id) != null) return false
      await this.jobs.put(requestKey(job.request_id), { ...job, state: 'seen', updated_ms: Date.now() })
      return true
    })
  }

  async working (requestId: string): Promise<void> { await this.move(requestId, () => 'working') }

  /** the reveal and the state in one write: stored before the commit is sent, so a crash after it keeps the reveal */
  async attested (reveal: AttestationPayload, transcript: readonly TranscriptEntry[] = []): Promise<void> {
    const key = requestKey(reveal.request_id)
    await this.move(reveal.request_id, () => 'attested', {
      ops: job => [this.results.putOp(key, reveal), this.jobs.putOp(key, job), ...(transcript.length > 0 ? [this.transcripts.putOp(key, [...transcript])] : [])]
    })
  }

  async committed (requestId: string): Promise<void> { await this.move(requestId, () => 'committed') }

  /** committed → revealed; true when this call made the move (the first reveal of this job) */
  async revealed (requestId: string): Promise<boolean> {
    let moved = false
    await this.move(requestId, s => { moved = s === 'committed'; return moved ? 'revealed' : undefined })
    return moved
  }

  async skipped (requestId: string, note: JobNote): Promise<void> { await this.move(requestId, () => 'skipped', { note }) }

  /** a local or passing failure: a job that was running goes back to `seen`, with the reason, for reconciliation */
  async retryLater (requestId: string, note: JobNote): Promise<void> {
    await this.move(requestId, s => s === 'working' || s === 'attested' ? 'seen' : undefined, { note })
  }

  /** the request closed on chain: `resolved`, and the reveal dropped; false when unknown or already resolved */
  async resolved (requestId: string): Promise<boolean> {
    let moved = false
    await this.move(requestId, s => { moved = s !== 'resolved'; return moved ? 'resolved' : undefined }, {
      unknownIsFine: true, ops: job => [this.jobs.putOp(requestKey(job.request_id), job), this.results.delOp(requestKey(requestId))]
    })
    return moved
  }

  /**
   * Read-modify-write of one job, alone in the section. `next` gives the new state from the current one
   * (undefined: no change); `ops` the writes that land with it (default: the job alone). A job that is not there
   * is STORE_CORRUPT (every job is added before it moves), unless `unknownIsFine`.
   */
  private async move (requestId: string, next: (state: JobState) => JobState | undefined, { ops, note, unknownIsFine = false }: MoveOptions = {}): Promise<void> {
    await this.section.serial(async () => {
      const current = await this.get(requestId)
      if (current == null) {
        if (unknownIsFine) return
        throw new StoreError('STORE_CORRUPT', `job ${requestId} is not in the worker's store`)
      }
      const state = next(current.state)
      if (state == null) return
      const job: Job = { ...current, state, updated_ms: Date.now(), ...(note != null ? { note } : {}) }
      await this.section.batch(ops != null ? ops(job) : [this.jobs.putOp(requestKey(requestId), job)])
    })
  }
}
