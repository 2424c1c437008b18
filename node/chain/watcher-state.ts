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

export interface WatcherState {
  cursor: () => Promise<number | undefined>
  setCursor: (height: number) => Promise<void>
  /** remembers a request seen open, at the first height it was seen; repeats change nothing */
  seen: (requestId: string, height: number) => Promise<void>
  closed: (requestId: string) => Promise<void>
  /** every request seen open and not closed since, in id order */
  openRequests: () => Promise<OpenRequest[]>
}

export function watcherState (section: StoreSection): WatcherState {
  const meta: StoreTable<number> = section.table('meta')
  const open: StoreTable<OpenRequest> = section.table('open')
  return {
    cursor: async () => await meta.get('cursor'),
    setCursor: async (height) => { await meta.put('cursor', height) },
    seen: async (requestId, height) => {
      await section.serial(async () => {
        if (await open.get(requestKey(requestId)) == null) await open.put(requestKey(requestId), { request_id: requestId, seen_at: height })
      })
    },
    closed: async (requestId) => { await open.del(requestKey(requestId)) },
    openRequests: async () => await open.values()
  }
}
