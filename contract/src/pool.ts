// The eligible pool: active workers with bond ≥ min_bond, kept as one compact value ("id:bond,id:bond") so the
// assignment reads it in one storage read. At most MAX_POOL entries: a full pool admits a worker only with a
// bigger bond than its smallest entry, which it evicts (the evicted worker stays registered and may re-enter
// by topping up its bond with register_worker). Bounded gas: every draw costs O(MAX_POOL × draws).
import { U128, fail, read, write } from "../sdk";
import { MAX_POOL } from "./constants";

const KEY = "pool";

export class PoolEntry {
  constructor(public workerId: string, public bond: U128) {}
}

export function loadPool(): PoolEntry[] {
  const text = read(KEY);
  const out = new Array<PoolEntry>();
  if (text == null || text!.length == 0) return out;
  const items = text!.split(",");
  for (let i = 0; i < items.length; i++) {
    const colon = items[i].indexOf(":");
    out.push(new PoolEntry(items[i].substring(0, colon), U128.parse(items[i].substring(colon + 1))!));
  }
  return out;
}

function savePool(pool: PoolEntry[]): void {
  const parts = new Array<string>(pool.length);
  for (let i = 0; i < pool.length; i++) parts[i] = pool[i].workerId + ":" + pool[i].bond.toString();
  write(KEY, parts.join(","));
}

function indexOf(pool: PoolEntry[], id: string): i32 {
  for (let i = 0; i < pool.length; i++) if (pool[i].workerId == id) return i;
  return -1;
}

/** Puts the worker in the pool (or updates its bond); a full pool evicts its smallest bond if this one is bigger. */
export function poolAdmit(id: string, bond: U128): void {
  const pool = loadPool();
  const at = indexOf(pool, id);
  if (at >= 0) {
    pool[at].bond = bond;
  } else if (pool.length < MAX_POOL) {
    pool.push(new PoolEntry(id, bond));
  } else {
    let smallest = 0;
    for (let i = 1; i < pool.length; i++) if (pool[i].bond.lt(pool[smallest].bond)) smallest = i;
    if (!pool[smallest].bond.lt(bond)) fail("the worker pool is full (" + MAX_POOL.toString() + "): a bond above " + pool[smallest].bond.toString() + " is needed");
    pool[smallest] = new PoolEntry(id, bond);
  }
  savePool(pool);
}

/** After a slash or unregister: updates the bond, or removes the worker when it is no longer eligible. */
export function poolUpdate(id: string, bond: U128, eligible: bool): void {
  const pool = loadPool();
  const at = indexOf(pool, id);
  if (at < 0) return;
  if (eligible) pool[at].bond = bond;
  else pool.splice(at, 1);
  savePool(pool);
}
