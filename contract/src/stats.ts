// Running totals for get_stats.
import { Obj, U128, read, write, readU64, writeU64 } from "../sdk";

export function bump(name: string): void {
  writeU64("st:" + name, readU64("st:" + name, 0) + 1);
}

export function addAmount(name: string, amount: U128): void {
  write("st:" + name, current(name).add(amount).toString());
}

function current(name: string): U128 {
  const v = read("st:" + name);
  return v == null ? U128.zero() : U128.parse(v!)!;
}

export function statsJson(): string {
  const COUNTERS = ["requests", "completed", "succeeded", "failed", "timed_out", "unreachable", "cancelled", "workers_registered", "disagreements", "withheld", "withholding_excused", "equivocations"];
  const AMOUNTS = ["paid_to_workers", "refunded", "fees_kept", "slashed", "resolve_fees", "slashed_kept", "deposits_held", "blob_deposits"];
  const o = new Obj();
  for (let i = 0; i < COUNTERS.length; i++) o.num(COUNTERS[i], readU64("st:" + COUNTERS[i], 0));
  for (let i = 0; i < AMOUNTS.length; i++) o.amount(AMOUNTS[i], current(AMOUNTS[i]));
  return o.done();
}

export function subAmount(name: string, amount: U128): void {
  write("st:" + name, current(name).sub(amount).toString());
}
