/**
 * NodeStore on level (classic-level, LevelDB). Every write is appended to LevelDB's log and flushed to the OS
 * before the promise resolves, so it survives the process being killed (kill -9); not a machine crash.
 * A section is the sublevel `<owner>`, a table the sublevel `<owner>!<table>` inside it.
 */
import { Level } from 'level'
import { StoreError } from './errors.js'
import type { NodeStore, SectionName, StoreOp, StoreSection, StoreTable } from './index.js'

/**
 * The layout's version, kept under `store!format`. 2: one section per owner (chain, worker, resolver).
 * A store written by an older node (format 1: shared `requests`, `meta`, `results` … sublevels) is refused with
 * STORE_FORMAT, never read as if it were empty.
 */
export const STORE_FORMAT = 2

type Db = Level<string, unknown>
/** level's batch operation on a sublevel (`sublevel` makes one root batch write into several sublevels atomically) */
type BatchOp = { type: 'put', sublevel: unknown, key: string, value: unknown } | { type: 'del', sublevel: unknown, key: string }
interface Op extends StoreOp { op: BatchOp }

export async function openStore (path: string): Promise<NodeStore> {
  const db: Db = new Level<string, unknown>(path, { valueEncoding: 'json' })
  await db.open()
  try {
    await checkFormat(db, path)
  } catch (err) {
    await db.close()
    throw err
  }
  const guard = (): void => {
    if (db.status !== 'open') throw new StoreError('STORE_CLOSED', 'the store is closed')
  }
  const sections = new Map<SectionName, StoreSection>()
  /** every sublevel handed out: level closes them with the database, and they are opened again with it */
  const subs: Array<{ open: () => Promise<void> }> = []

  const section = (name: SectionName): StoreSection => {
    const hit = sections.get(name)
    if (hit != null) return hit
    const root = db.sublevel<string, unknown>(name, { valueEncoding: 'json' })
    subs.push(root)
    let queue: Promise<unknown> = Promise.resolve()
    const tables = new Map<string, StoreTable<unknown>>()
    const made: StoreSection = {
      name,
      table: <V>(tableName: string): StoreTable<V> => {
        const known = tables.get(tableName)
        if (known != null) return known as StoreTable<V>
        const sub = root.sublevel<string, V>(tableName, { valueEncoding: 'json' })
        subs.push(sub)
        const range = (prefix?: string): { gte?: string, lt?: string } => prefix == null ? {} : { gte: prefix, lt: `${prefix}\xff` }
        const op = (o: BatchOp): StoreOp => { const made: Op = { kind: 'store-op', op: o }; return made }
        const table: StoreTable<V> = {
          get: async (key) => { guard(); return await sub.get(key) },
          put: async (key, value) => { guard(); await sub.put(key, value) },
          del: async (key) => { guard(); await sub.del(key) },
          values: async (prefix) => { guard(); return await sub.values(range(prefix)).all() },
          keys: async (prefix) => { guard(); return await sub.keys(range(prefix)).all() },
          putOp: (key, value) => op({ type: 'put', sublevel: sub, key, value }),
          delOp: (key) => op({ type: 'del', sublevel: sub, key })
        }
        tables.set(tableName, table as StoreTable<unknown>)
        return table
      },
      batch: async (ops) => { guard(); await db.batch(ops.map(o => (o as Op).op) as never) },
      serial: async <T>(fn: () => Promise<T>): Promise<T> => {
        const next = queue.then(fn, fn)
        queue = next.catch(() => undefined)
        return await next
      }
    }
    sections.set(name, made)
    return made
  }

  return {
    section,
    open: async () => {
      if (db.status === 'open') return
      await db.open()
      for (const sub of subs) await sub.open()
    },
    close: async () => { if (db.status === 'open') await db.close() }
  }
}

/** A new store gets the current format; a store with another one, or none but data in it, is refused. */
async function checkFormat (db: Db, path: string): Promise<void> {
  const meta = db.sublevel<string, number>('store', { valueEncoding: 'json' })
  const format = await meta.get('format')
  if (format === STORE_FORMAT) return
  const empty = format == null && (await db.keys({ limit: 1 }).all()).length === 0
  if (empty) { await meta.put('format', STORE_FORMAT); return }
  throw new StoreError('STORE_FORMAT', `${path} was written by ${format == null ? 'an older node (store format 1)' : `store format ${format}`}; ` +
    `this node reads format ${STORE_FORMAT} only. Stop the node, move that directory away and start again: the node ` +
    'reads its open requests back from the chain (nothing on chain is lost; a keystore share and the artifacts are kept beside it, not in it)')
}
