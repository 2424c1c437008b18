/** Keeps a MemStore in level: everything is read back at open, each block writes what changed in one batch. */
import { Level } from 'level'
import { fromBase64, toBase64 } from './codec.js'
import type { MemStore } from './store.js'

const SEP = '\u0000'

/** JSON that round-trips the types the state holds: bigint and Uint8Array. */
function replacer (_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return { $n: value.toString() }
  if (value instanceof Uint8Array) return { $b: toBase64(value) }
  return value
}
function reviver (_key: string, value: unknown): unknown {
  if (value != null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>
    if (typeof o.$n === 'string' && Object.keys(o).length === 1) return BigInt(o.$n)
    if (typeof o.$b === 'string' && Object.keys(o).length === 1) return fromBase64(o.$b)
  }
  return value
}

export class LevelPersistence {
  private readonly db: Level<string, string>
  constructor (dir: string) {
    this.db = new Level<string, string>(dir, { valueEncoding: 'utf8' })
  }

  async loadInto (store: MemStore): Promise<number> {
    await this.db.open()
    let n = 0
    for await (const [k, v] of this.db.iterator()) {
      const i = k.indexOf(SEP)
      store.load(k.slice(0, i), k.slice(i + 1), JSON.parse(v, reviver))
      n++
    }
    return n
  }

  async flush (store: MemStore): Promise<void> {
    const ops = store.takeDirty().map(e => e.value === undefined
      ? { type: 'del' as const, key: e.space + SEP + e.key }
      : { type: 'put' as const, key: e.space + SEP + e.key, value: JSON.stringify(e.value, replacer) })
    if (ops.length > 0) await this.db.batch(ops)
  }

  async close (): Promise<void> {
    await this.db.close()
  }
}
