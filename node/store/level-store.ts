/**
 * NodeStore on level (classic-level, LevelDB). Every write is appended to LevelDB's log and flushed to the OS
 * before the promise resolves, so it survives the process being killed (kill -9); not a machine crash.
 */
import { Level } from 'level'
import type { AttestationPayload } from '../../protocol/index.js'
import { StoreError } from './errors.js'
import type { NodeStore, RequestState, StoredLease, StoredRequest, StoredSubmission } from './index.js'

/** Request ids are u64: zero-padded so that key order is numeric order. */
const idKey = (requestId: string): string => requestId.padStart(20, '0')
const OPEN_STATES: ReadonlySet<RequestState> = new Set(['seen', 'working', 'attested', 'committed', 'revealed'])

export async function openStore (path: string): Promise<NodeStore> {
  const db = new Level<string, unknown>(path, { valueEncoding: 'json' })
  await db.open()
  const sub = <V>(name: string) => db.sublevel<string, V>(name, { valueEncoding: 'json' })
  const meta = sub<number>('meta')
  const requests = sub<StoredRequest>('requests')
  const leases = sub<StoredLease>('leases')
  const results = sub<AttestationPayload>('results')
  const attestations = sub<AttestationPayload>('attestations')
  const submissions = sub<StoredSubmission>('submissions')

  const guard = (): void => {
    if (db.status !== 'open') throw new StoreError('STORE_CLOSED', 'the store is closed')
  }
  // Serialises read-modify-write per request, so concurrent handlers never lose an update.
  let chain: Promise<unknown> = Promise.resolve()
  const serial = async <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn)
    chain = next.catch(() => undefined)
    return await next
  }

  const store: NodeStore = {
    getCursor: async () => { guard(); return await meta.get('cursor') },
    setCursor: async (height) => { guard(); await meta.put('cursor', height) },

    getRequest: async (id) => { guard(); return await requests.get(idKey(id)) },
    addRequest: async (request) => serial(async () => {
      guard()
      if (await requests.get(idKey(request.request_id)) != null) return false
      await requests.put(idKey(request.request_id), { state: 'seen', ...request, updated_ms: Date.now() })
      return true
    }),
    setRequestState: async (id, state, note) => serial(async () => {
      guard()
      const current = await requests.get(idKey(id))
      if (current == null) throw new StoreError('STORE_CORRUPT', `request ${id} is not in the store`)
      await requests.put(idKey(id), { ...current, state, updated_ms: Date.now(), ...(note != null ? { note } : {}) })
    }),
    openRequests: async () => {
      guard()
      const out: StoredRequest[] = []
      for await (const value of requests.values()) if (OPEN_STATES.has(value.state)) out.push(value)
      return out
    },

    putLease: async (lease) => { guard(); await leases.put(idKey(lease.request_id), lease) },
    getLease: async (id) => { guard(); return await leases.get(idKey(id)) },
    leases: async () => { guard(); return await leases.values().all() },

    putResult: async (result) => { guard(); await results.put(idKey(result.request_id), result) },
    getResult: async (id) => { guard(); return await results.get(idKey(id)) },

    addAttestation: async (a) => serial(async () => {
      guard()
      const key = `${idKey(a.request_id)}/${a.worker_id}`
      if (await attestations.get(key) != null) return false
      await attestations.put(key, a)
      return true
    }),
    attestations: async (id) => {
      guard()
      const prefix = `${idKey(id)}/`
      return await attestations.values({ gte: prefix, lt: `${prefix}\xff` }).all()
    },

    putSubmission: async (s) => { guard(); await submissions.put(idKey(s.request_id), s) },
    getSubmission: async (id) => { guard(); return await submissions.get(idKey(id)) },

    forget: async (id) => {
      guard()
      const prefix = `${idKey(id)}/`
      const keys = await attestations.keys({ gte: prefix, lt: `${prefix}\xff` }).all()
      await attestations.batch(keys.map(key => ({ type: 'del' as const, key })))
      await results.del(idKey(id))
    },
    open: async () => { if (db.status !== 'open') await db.open() },
    close: async () => { if (db.status === 'open') await db.close() }
  }
  return store
}
