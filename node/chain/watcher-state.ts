/**
 * The chain watcher's section of the store: the block cursor, and the requests it saw open (first height seen),
 * which reconciliation closes once they leave the pending view. Only the watcher writes here; the roles keep
 * their own records (roles/worker/jobs.ts, roles/resolver/requests.ts), so a request one role skipped is still
 * closed for the others.
 */
import { requestKey, type StoreSection, type StoreTable } from '../store/index.js'

export interface OpenRequest {
  request_id: string
  /** block height at which the watcher first saw it */
  seen_at: number
}

export class WatcherState {
  private readonly meta: StoreTable<number>
  private readonly open: StoreTable<OpenRequest>

  constructor (private readonly section: StoreSection) {
    this.meta = section.table('meta')
    this.open = section.table('open')
  }

  async cursor (): Promise<number | undefined> { return await this.meta.get('cursor') }
  async setCursor (height: number): Promise<void> { await this.meta.put('cursor', height) }

  /** remembers a request seen open, at the first height it was seen; repeats change nothing */
  async seen (requestId: string, height: number): Promise<void> {
    await this.section.serial(async () => {
      if (await this.open.get(requestKey(requestId)) == null) await this.open.put(requestKey(requestId), { request_id: requestId, seen_at: height })
    })
  }

  async closed (requestId: string): Promise<void> { await this.open.del(requestKey(requestId)) }

  /** every request seen open and not closed since, in id order */
  async openRequests (): Promise<OpenRequest[]> { return await this.open.values() }
}
