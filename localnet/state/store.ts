/**
 * The chain's state as named spaces of key → value. Values are treated as immutable: writers replace them,
 * so an Overlay can stack writes over a parent and a failed receipt just drops its overlay.
 */
const DELETED = Symbol('deleted')
type Slot = unknown | typeof DELETED

export interface StateReader {
  get<T> (space: string, key: string): T | undefined
  /** every live key of a space, in byte (hex/utf8) order */
  keys (space: string): string[]
}
export interface StateWriter extends StateReader {
  set (space: string, key: string, value: unknown): void
  del (space: string, key: string): void
}

export interface DirtyEntry { space: string, key: string, value: unknown | undefined }

/** The committed state; remembers what changed since the last `takeDirty` for persistence. */
export class MemStore implements StateWriter {
  private readonly spaces = new Map<string, Map<string, unknown>>()
  private dirty = new Map<string, Set<string>>()
  /** set by the chain while it produces a block, to keep recent states readable */
  journal: { touch (space: string, key: string, old: unknown): void } | undefined
  /** counts every write (set, del, load): what was read at one version is still true while it stays the same */
  version = 0

  get<T> (space: string, key: string): T | undefined {
    return this.spaces.get(space)?.get(key) as T | undefined
  }

  keys (space: string): string[] {
    return [...(this.spaces.get(space)?.keys() ?? [])].sort()
  }

  set (space: string, key: string, value: unknown): void {
    this.version++
    this.journal?.touch(space, key, this.get(space, key))
    let m = this.spaces.get(space)
    if (m == null) { m = new Map(); this.spaces.set(space, m) }
    m.set(key, value)
    this.markDirty(space, key)
  }

  del (space: string, key: string): void {
    this.version++
    const m = this.spaces.get(space)
    if (m?.has(key) === true) this.journal?.touch(space, key, m.get(key))
    if (m?.delete(key) === true) {
      if (m.size === 0) this.spaces.delete(space)
      this.markDirty(space, key)
    }
  }

  /** Loads without marking dirty (used when reading the level copy back). */
  load (space: string, key: string, value: unknown): void {
    this.version++
    let m = this.spaces.get(space)
    if (m == null) { m = new Map(); this.spaces.set(space, m) }
    m.set(key, value)
    this.dirty.get(space)?.delete(key)
  }

  takeDirty (): DirtyEntry[] {
    const out: DirtyEntry[] = []
    for (const [space, keys] of this.dirty) {
      for (const key of keys) out.push({ space, key, value: this.get(space, key) })
    }
    this.dirty = new Map()
    return out
  }

  private markDirty (space: string, key: string): void {
    let s = this.dirty.get(space)
    if (s == null) { s = new Set(); this.dirty.set(space, s) }
    s.add(key)
  }
}

/** Writes stacked on a parent; `commit` applies them, dropping the overlay discards them. */
export class Overlay implements StateWriter {
  private readonly writes = new Map<string, Map<string, Slot>>()
  constructor (readonly parent: StateWriter) {}

  get<T> (space: string, key: string): T | undefined {
    const w = this.writes.get(space)
    if (w?.has(key) === true) {
      const v = w.get(key)
      return v === DELETED ? undefined : v as T
    }
    return this.parent.get<T>(space, key)
  }

  keys (space: string): string[] {
    const base = this.parent.keys(space)
    const w = this.writes.get(space)
    if (w == null) return base
    const set = new Set(base)
    for (const [k, v] of w) { if (v === DELETED) set.delete(k); else set.add(k) }
    return [...set].sort()
  }

  set (space: string, key: string, value: unknown): void {
    this.slot(space).set(key, value)
  }

  del (space: string, key: string): void {
    this.slot(space).set(key, DELETED)
  }

  commit (): void {
    for (const [space, w] of this.writes) {
      for (const [k, v] of w) { if (v === DELETED) this.parent.del(space, k); else this.parent.set(space, k, v) }
    }
    this.writes.clear()
  }

  private slot (space: string): Map<string, Slot> {
    let w = this.writes.get(space)
    if (w == null) { w = new Map(); this.writes.set(space, w) }
    return w
  }
}
