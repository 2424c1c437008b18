// Leases: a registered worker claims one of the R slots of a request; a slot frees when its lease expires.
import { JValue, Obj, blockHeight, fail, jsonArray, parseJson, predecessor, read, returnString, str, u64Field, u64Of, utf8, write, field } from "../sdk";
import { args } from "./args";
import { loadConfig } from "./config";
import { emit } from "./events";
import { requireNotPaused } from "./guards";
import { STATUS_PENDING, loadRequest } from "./request";
import { loadWorker } from "./workers";

export class Lease {
  constructor(public workerId: string, public claimedAt: u64, public expiresAt: u64) {}

  activeAt(height: u64): bool { return this.expiresAt > height; }

  toJson(): string {
    return new Obj().str("worker_id", this.workerId).num("claimed_at", this.claimedAt).num("expires_at", this.expiresAt).done();
  }

  static fromJson(v: JValue): Lease {
    return new Lease(str(v, "worker_id"), u64Field(v, "claimed_at"), u64Field(v, "expires_at"));
  }
}

function key(requestId: u64): string { return "l:" + requestId.toString(); }

/** Every lease ever claimed for the request, one per worker (a renewed lease replaces the worker's old one). */
export function loadLeases(requestId: u64): Lease[] {
  const text = read(key(requestId));
  const out = new Array<Lease>();
  if (text == null) return out;
  const items = parseJson(utf8(text!)).items;
  for (let i = 0; i < items.length; i++) out.push(Lease.fromJson(items[i]));
  return out;
}

export function leasesJson(leases: Lease[]): string {
  const parts = new Array<string>(leases.length);
  for (let i = 0; i < leases.length; i++) parts[i] = leases[i].toJson();
  return jsonArray(parts);
}

export function findLease(leases: Lease[], workerId: string): Lease | null {
  for (let i = 0; i < leases.length; i++) if (leases[i].workerId == workerId) return leases[i];
  return null;
}

export function claim_lease(): void {
  const config = loadConfig();
  requireNotPaused(config);
  const requestId = u64Of(field(args(), "request_id"), "request_id");
  const r = loadRequest(requestId);
  if (r.status != STATUS_PENDING) fail("request " + requestId.toString() + " is " + r.status + ", not pending");
  const worker = loadWorker(predecessor());
  if (!worker.active) fail(worker.accountId + " is unregistered and cannot claim leases");
  if (worker.bond.lt(config.minBond)) fail(worker.accountId + "'s bond is below min_bond: top it up with register_worker");

  const height = blockHeight();
  const leases = loadLeases(requestId);
  let active: u64 = 0;
  for (let i = 0; i < leases.length; i++) if (leases[i].activeAt(height)) active++;
  const own = findLease(leases, worker.accountId);
  if (own != null && own.activeAt(height)) fail(worker.accountId + " already holds a lease for request " + requestId.toString());
  if (active >= r.replicas) fail("all " + r.replicas.toString() + " leases of request " + requestId.toString() + " are taken");

  const expiresAt = height + config.leaseBlocks;
  if (own != null) {
    own.claimedAt = height;
    own.expiresAt = expiresAt;
  } else {
    leases.push(new Lease(worker.accountId, height, expiresAt));
  }
  write(key(requestId), leasesJson(leases));
  emit("lease_claimed", new Obj().num("request_id", requestId).str("worker_id", worker.accountId)
    .num("claimed_at", height).num("expires_at", expiresAt).num("active_leases", active + 1).num("replicas", r.replicas).done());
}

export function get_leases(): void {
  const requestId = u64Of(field(args(), "request_id"), "request_id");
  returnString(leasesJson(loadLeases(requestId)));
}
