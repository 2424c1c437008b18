// Storage: raw get/set, and prefixed collections (a map of strings, a counter, an indexed set).
import * as env from "./env";
import { fromUtf8, ptr, utf8 } from "./bytes";
import { SCRATCH, readRegister } from "./context";

export function hasKey(key: string): bool {
  const k = utf8(key);
  return env.storage_has_key(<u64>k.length, ptr(k)) == 1;
}

export function readBytes(key: string): Uint8Array | null {
  const k = utf8(key);
  if (env.storage_read(<u64>k.length, ptr(k), SCRATCH) == 0) return null;
  return readRegister(SCRATCH);
}

export function writeBytes(key: string, value: Uint8Array): void {
  const k = utf8(key);
  env.storage_write(<u64>k.length, ptr(k), <u64>value.length, ptr(value), SCRATCH);
}

export function read(key: string): string | null {
  const v = readBytes(key);
  return v == null ? null : fromUtf8(v!);
}

export function write(key: string, value: string): void {
  writeBytes(key, utf8(value));
}

export function remove(key: string): bool {
  const k = utf8(key);
  return env.storage_remove(<u64>k.length, ptr(k), SCRATCH) == 1;
}

export function readU64(key: string, fallback: u64): u64 {
  const v = read(key);
  return v == null ? fallback : U64.parseInt(v!);
}

export function writeU64(key: string, value: u64): void {
  write(key, value.toString());
}

export const MAX_PAGE: u64 = 100;

/** String values under `prefix + key`. */
export class PrefixedMap {
  constructor(public prefix: string) {}
  key(k: string): string { return this.prefix + k; }
  get(k: string): string | null { return read(this.key(k)); }
  set(k: string, v: string): void { write(this.key(k), v); }
  has(k: string): bool { return hasKey(this.key(k)); }
  delete(k: string): bool { return remove(this.key(k)); }
}

/**
 * An ordered set of string ids with O(1) insert and remove (swap-remove), so views can page through it:
 * `<prefix>n` count, `<prefix>i:<pos>` id, `<prefix>p:<id>` position.
 */
export class IndexedSet {
  constructor(public prefix: string) {}

  size(): u64 { return readU64(this.prefix + "n", 0); }

  contains(id: string): bool { return hasKey(this.prefix + "p:" + id); }

  at(pos: u64): string {
    const v = read(this.prefix + "i:" + pos.toString());
    return v == null ? "" : v!;
  }

  add(id: string): bool {
    if (this.contains(id)) return false;
    const n = this.size();
    write(this.prefix + "i:" + n.toString(), id);
    writeU64(this.prefix + "p:" + id, n);
    writeU64(this.prefix + "n", n + 1);
    return true;
  }

  delete(id: string): bool {
    const posText = read(this.prefix + "p:" + id);
    if (posText == null) return false;
    const pos = U64.parseInt(posText!);
    const last = this.size() - 1;
    if (pos != last) {
      const moved = this.at(last);
      write(this.prefix + "i:" + pos.toString(), moved);
      writeU64(this.prefix + "p:" + moved, pos);
    }
    remove(this.prefix + "i:" + last.toString());
    remove(this.prefix + "p:" + id);
    writeU64(this.prefix + "n", last);
    return true;
  }

  /** ids in [from, from + limit); `limit` is capped at MAX_PAGE so a view stays within its gas */
  page(from: u64, limit: u64): string[] {
    const out = new Array<string>();
    const n = this.size();
    if (limit > MAX_PAGE) limit = MAX_PAGE;
    for (let i = from; i < n && i < from + limit; i++) out.push(this.at(i));
    return out;
  }
}
