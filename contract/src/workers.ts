// Workers: bonded accounts with a registered ed25519 key that sign attestations.
import {
  IndexedSet, JValue, Obj, U128, attachedDeposit, blockHeight, fail, fromBase58, jsonArray, optU64, parseJson,
  predecessor, read, remove, requireAccountId, returnString, str, transfer, u128Field, u64Field, utf8, write
} from "../sdk";
import { argsOf } from "./args";
import { loadConfig } from "./config";
import { emit } from "./events";
import { requireNotPaused } from "./guards";
import { poolAdmit, poolUpdate } from "./pool";
import { bump } from "./stats";

function workerIndex(): IndexedSet {
  return new IndexedSet("wl");
}

export class Worker {
  accountId: string = "";
  publicKey: string = "";
  bond: U128 = U128.zero();
  active: bool = true;
  registeredAt: u64 = 0;
  unregisteredAt: u64 = 0;
  completed: u64 = 0;
  disagreed: u64 = 0;
  earned: U128 = U128.zero();
  slashed: U128 = U128.zero();

  toJson(): string {
    return new Obj().str("account_id", this.accountId).str("public_key", this.publicKey)
      .amount("bond", this.bond).str("status", this.active ? "active" : "unregistered")
      .num("registered_at", this.registeredAt).num("unregistered_at", this.unregisteredAt)
      .num("completed", this.completed).num("disagreed", this.disagreed)
      .amount("earned", this.earned).amount("slashed", this.slashed).done();
  }

  static fromJson(v: JValue): Worker {
    const w = new Worker();
    w.accountId = str(v, "account_id");
    w.publicKey = str(v, "public_key");
    w.bond = u128Field(v, "bond");
    w.active = str(v, "status") == "active";
    w.registeredAt = u64Field(v, "registered_at");
    w.unregisteredAt = u64Field(v, "unregistered_at");
    w.completed = u64Field(v, "completed");
    w.disagreed = u64Field(v, "disagreed");
    w.earned = u128Field(v, "earned");
    w.slashed = u128Field(v, "slashed");
    return w;
  }

  /** The raw 32-byte key, checked at registration. */
  keyBytes(): Uint8Array {
    return decodePublicKey(this.publicKey);
  }
}

export function decodePublicKey(text: string): Uint8Array {
  if (!text.startsWith("ed25519:")) fail("public_key must look like ed25519:<base58>");
  const bytes = fromBase58(text.substring(8));
  if (bytes == null || bytes.length != 32) fail("public_key must be a 32-byte ed25519 key in base58");
  return bytes!;
}

export function findWorker(id: string): Worker | null {
  const text = read("w:" + id);
  return text == null ? null : Worker.fromJson(parseJson(utf8(text!)));
}

export function loadWorker(id: string): Worker {
  const w = findWorker(id);
  if (w == null) fail(id + " is not a registered worker");
  return w!;
}

export function saveWorker(w: Worker): void {
  write("w:" + w.accountId, w.toJson());
}

/** A public key belongs to one worker only: "pk:<key>" names its owner. */
function keyOwner(key: string): string | null {
  return read("pk:" + key);
}

/**
 * Cuts `bps` of the worker's bond (slashing), saves it and drops it from the pool when it falls below min_bond.
 * Returns the amount cut, which the caller sends on.
 */
export function slashBond(w: Worker, bps: u64, minBond: U128): U128 {
  const cut = w.bond.mul(bps).div(10_000);
  w.bond = w.bond.sub(cut);
  w.slashed = w.slashed.add(cut);
  saveWorker(w);
  poolUpdate(w.accountId, w.bond, w.active && !w.bond.lt(minBond));
  return cut;
}

export function register_worker(): void {
  const config = loadConfig();
  requireNotPaused(config);
  const key = str(argsOf("register_worker", ["public_key"]), "public_key");
  decodePublicKey(key);
  const id = predecessor();
  const deposit = attachedDeposit();
  const existing = findWorker(id);
  // an active worker may top up its bond (e.g. after a slash) with the same key
  if (existing != null && existing.active && existing.publicKey != key) fail(id + " is already a registered worker with another key: unregister first");
  const owner = keyOwner(key);
  if (owner != null && owner! != id) fail("public key " + key + " is already registered by " + owner!);
  const w = existing != null ? existing! : new Worker();
  if (existing != null && existing.publicKey != key) remove("pk:" + existing.publicKey);
  write("pk:" + key, id);
  w.bond = w.bond.add(deposit);
  if (w.bond.lt(config.minBond)) fail("the bond must be at least " + config.minBond.toString() + " yocto, got " + w.bond.toString());
  if (!w.active || existing == null) w.registeredAt = blockHeight();
  w.accountId = id;
  w.publicKey = key;
  w.active = true;
  w.unregisteredAt = 0;
  saveWorker(w);
  poolAdmit(id, w.bond);
  if (workerIndex().add(id)) bump("workers_registered");
  emit("worker_registered", new Obj().str("worker_id", id).str("public_key", key).amount("bond", w.bond).done());
}

export function unregister_worker(): void {
  argsOf("unregister_worker", []);
  const w = loadWorker(predecessor());
  if (!w.active) fail(w.accountId + " is already unregistered");
  w.active = false;
  w.unregisteredAt = blockHeight();
  saveWorker(w);
  poolUpdate(w.accountId, w.bond, false);
  const cooldown = loadConfig().bondCooldownBlocks;
  emit("worker_unregistered", new Obj().str("worker_id", w.accountId).num("bond_available_at", w.unregisteredAt + cooldown).done());
}

export function withdraw_bond(): void {
  argsOf("withdraw_bond", []);
  const w = loadWorker(predecessor());
  if (w.active) fail("unregister_worker first, then wait for the cool-down");
  const availableAt = w.unregisteredAt + loadConfig().bondCooldownBlocks;
  if (blockHeight() < availableAt) fail("the bond can be withdrawn from block " + availableAt.toString());
  if (w.bond.isZero()) fail("no bond left to withdraw");
  const amount = w.bond;
  w.bond = U128.zero();
  saveWorker(w);
  transfer(w.accountId, amount);
  emit("bond_withdrawn", new Obj().str("worker_id", w.accountId).amount("amount", amount).done());
}

export function get_worker(): void {
  const id = requireAccountId(str(argsOf("get_worker", ["account_id"]), "account_id"), "account_id");
  const text = read("w:" + id);
  returnString(text == null ? "null" : text!);
}

export function list_workers(): void {
  const a = argsOf("list_workers", ["from_index", "limit"]);
  const ids = workerIndex().page(optU64(a, "from_index", 0), optU64(a, "limit", 100));
  const out = new Array<string>();
  for (let i = 0; i < ids.length; i++) {
    const text = read("w:" + ids[i]);
    if (text != null) out.push(text!);
  }
  returnString(jsonArray(out));
}
