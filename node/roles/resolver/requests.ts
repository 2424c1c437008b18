/**
 * The resolver's section of the store: the requests it follows, the reveals it collected (one per request and
 * worker) and its submissions. The order of writes is the resolver's crash safety: reveal stored → submission
 * `pending` stored → transaction → submission `done`. Only the resolver writes this section; the worker keeps its
 * own (roles/worker/jobs.ts), so a request the worker skipped is still followed here.
 */
import type { AttestationPayload } from '../../../protocol/index.js'
import { requestKey, type StoreSection, type StoreTable } from '../../store/index.js'

export interface FollowedRequest {
  /** decimal u64 */
  request_id: string
  /** the request object exactly as read from the event or the view (re-validated when loaded) */
  raw: unknown
  /** block height of the request (or at which this node first saw it) */
  seen_at: number
  /** `closed` once the chain resolved, completed or cancelled it; its reveals are dropped then */
  state: 'open' | 'closed'
  updated_ms: number
}

/** A submission of this resolver. `pending` is written before the transaction is sent. */
export interface StoredSubmission {
  request_id: string
  state: 'pending' | 'done' | 'failed'
  /** workers whose signatures went into the submission */
  workers: string[]
  tx_hash?: string
  attempts: number
  /** duplicate or already-resolved submissions seen for this request */
  duplicates: number
  updated_ms: number
  error?: string
}

export class ResolverRequests {
  private readonly requests: StoreTable<FollowedRequest>
  private readonly collected: StoreTable<AttestationPayload>
  private readonly submissions: StoreTable<StoredSubmission>

  constructor (private readonly section: StoreSection) {
    this.requests = section.table('requests')
    this.collected = section.table('reveals')
    this.submissions = section.table('submissions')
  }

  async get (requestId: string): Promise<FollowedRequest | undefined> { return await this.requests.get(requestKey(requestId)) }

  /** every request not yet closed, in id order (a restart evaluates them again) */
  async open (): Promise<FollowedRequest[]> { return (await this.requests.values()).filter(r => r.state === 'open') }

  /** follows a request; false when it was followed already */
  async add (request: { request_id: string, raw: unknown, seen_at: number }): Promise<boolean> {
    return await this.section.serial(async () => {
      if (await this.get(request.request_id) != null) return false
      await this.requests.put(requestKey(request.request_id), { ...request, state: 'open', updated_ms: Date.now() })
      return true
    })
  }

  /** the request closed on chain: `closed`, its reveals dropped (one write); returns the record it closed, if open */
  async close (requestId: string): Promise<FollowedRequest | undefined> {
    return await this.section.serial(async () => {
      const current = await this.get(requestId)
      if (current == null || current.state === 'closed') return undefined
      const prefix = `${requestKey(requestId)}/`
      await this.section.batch([
        this.requests.putOp(requestKey(requestId), { ...current, state: 'closed', updated_ms: Date.now() }),
        ...(await this.collected.keys(prefix)).map(key => this.collected.delOp(key))
      ])
      return current
    })
  }

  /** one reveal per (request, worker); false for a repeat */
  async addReveal (a: AttestationPayload): Promise<boolean> {
    return await this.section.serial(async () => {
      const key = `${requestKey(a.request_id)}/${a.worker_id}`
      if (await this.collected.get(key) != null) return false
      await this.collected.put(key, a)
      return true
    })
  }

  async reveals (requestId: string): Promise<AttestationPayload[]> { return await this.collected.values(`${requestKey(requestId)}/`) }

  async submission (requestId: string): Promise<StoredSubmission | undefined> { return await this.submissions.get(requestKey(requestId)) }
  async putSubmission (s: StoredSubmission): Promise<void> { await this.submissions.put(requestKey(s.request_id), s) }
}
