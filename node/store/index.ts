/**
 * The node's durable state: one level database per node, split into one section per owner (the chain watcher, the
 * worker, the resolver), each its own sublevel. A section's records and their transitions belong to its owner
 * (chain/watcher-state.ts, roles/worker/jobs.ts, roles/resolver/requests.ts); this unit only opens the database,
 * checks its format, hands out sections and refuses use after close. Two things stay files on purpose: the
 * keystore share (roles/keystore/share-store.ts: a sealed secret that must outlive a store reset) and wasm
 * artifacts (sandbox/builder's content-addressed store: blobs up to the store cap, verified on every read). Every write is on disk before
 * the side effect it guards, so that after a kill -9 the node resumes with no double submission and no lost result.
 *
 *   const store = await openStore(join(dataDir, 'store'))
 *   const jobs = store.section('worker').table<Job>('jobs')
 *   await jobs.put(requestKey(id), job)
 */
export { openStore, STORE_FORMAT } from './level-store.js'
export { StoreError, type StoreErrorCode } from './errors.js'

/** The owners of a section; each sees only its own. */
export type SectionName = 'chain' | 'worker' | 'resolver'

/** One write of a batch (made by a table's `putOp`/`delOp`), committed with the others or not at all. */
export interface StoreOp { readonly kind: 'store-op' }

/** A sublevel of JSON values under string keys, in key order. */
export interface StoreTable<V> {
  get: (key: string) => Promise<V | undefined>
  put: (key: string, value: V) => Promise<void>
  del: (key: string) => Promise<void>
  /** values whose key starts with `prefix` (every value when omitted), in key order */
  values: (prefix?: string) => Promise<V[]>
  keys: (prefix?: string) => Promise<string[]>
  putOp: (key: string, value: V) => StoreOp
  delOp: (key: string) => StoreOp
}

export interface StoreSection {
  readonly name: SectionName
  /** a table of this section (its own sublevel inside the section's) */
  table: <V>(name: string) => StoreTable<V>
  /** writes to several tables of this section at once: all land or none */
  batch: (ops: StoreOp[]) => Promise<void>
  /** runs `fn` alone among this section's serial calls: read-modify-write without lost updates */
  serial: <T>(fn: () => Promise<T>) => Promise<T>
}

export interface NodeStore {
  section: (name: SectionName) => StoreSection
  /** re-opens a closed store (a node started again after stop); idempotent */
  open: () => Promise<void>
  /** idempotent; any use after it fails with StoreError STORE_CLOSED */
  close: () => Promise<void>
}

/** Request ids are u64: zero-padded so that key order is numeric order. */
export const requestKey = (requestId: string): string => requestId.padStart(20, '0')
