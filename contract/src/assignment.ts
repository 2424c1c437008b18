// Who may work on a request: R primaries and up to R backups, drawn by the contract itself at request time
// (bond-weighted, without replacement) from randomness the requester cannot know when it sends the request.
// Each primary owns slot i until `commit_deadline`; after it, backups take the unfilled slots first-come.
// At most R commits ever count; the commit phase closes when all R slots are committed or after `close_at`.
import {
  JValue, Obj, U128, blockHeight, boolean, concat, fail, field, jsonArray, parseJson, predecessor, quote, randomSeed, read,
  remove, returnString, sha256, str, u64Field, u64Of, u64le, utf8, write
} from "../sdk";
import { argsOf } from "./args";
import { hex32 } from "./attestation";
import { Config } from "./config";
import { REVEAL_BY_BLOCKS } from "./constants";
import { emit } from "./events";
import { PoolEntry, loadPool } from "./pool";
import { ExecRequest, lookupPending } from "./request";
import { findWorker } from "./workers";

const ASSIGN_DOMAIN = "outlayer-mesh/assign/v1";
export const PHASE_COMMITTING = "committing";
export const PHASE_REVEALING = "revealing";

export class Commit {
  /** the worker revealed this commit on chain (reveal_result): it is not slashed for withholding at a timeout */
  revealed: bool = false;

  constructor(public workerId: string, public slot: u64, public commit: string, public block: u64) {}

  toJson(): string {
    return new Obj().str("worker_id", this.workerId).num("slot", this.slot).str("commit", this.commit).num("block", this.block)
      .bool("revealed", this.revealed).done();
  }

  static fromJson(v: JValue): Commit {
    const c = new Commit(str(v, "worker_id"), u64Field(v, "slot"), str(v, "commit"), u64Field(v, "block"));
    c.revealed = boolean(v, "revealed");
    return c;
  }
}

function ids(v: JValue): string[] {
  const out = new Array<string>();
  for (let i = 0; i < v.items.length; i++) out.push(v.items[i].text);
  return out;
}

export function idsJson(list: string[]): string {
  const parts = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) parts[i] = quote(list[i]);
  return jsonArray(parts);
}

export class Assignment {
  requestId: u64 = 0;
  assigned: string[] = [];
  backups: string[] = [];
  /** last block a primary owns its slot */
  commitDeadline: u64 = 0;
  /** last block any commit is taken */
  closeAt: u64 = 0;
  /** last block reveal_result is taken (request block + REVEAL_BY_BLOCKS) */
  revealBy: u64 = 0;
  commits: Commit[] = [];
  /** workers already slashed for equivocation on this request */
  equivocated: string[] = [];

  phase(height: u64): string {
    return <u64>this.commits.length >= <u64>this.assigned.length || height > this.closeAt ? PHASE_REVEALING : PHASE_COMMITTING;
  }

  commitOf(workerId: string): Commit | null {
    for (let i = 0; i < this.commits.length; i++) if (this.commits[i].workerId == workerId) return this.commits[i];
    return null;
  }

  slotTaken(slot: u64): bool {
    for (let i = 0; i < this.commits.length; i++) if (this.commits[i].slot == slot) return true;
    return false;
  }

  /** Why primary `workerId` lost its slot (a backup took it after commit_deadline), or null. */
  slotLost(workerId: string): string | null {
    const primary = this.assigned.indexOf(workerId);
    if (primary < 0 || !this.slotTaken(<u64>primary)) return null;
    return "slot " + primary.toString() + " of " + workerId + " was taken by a backup after block " + this.commitDeadline.toString();
  }

  /** The slot `workerId` may commit into at `height` (a primary: its own, not lost), or a panic saying why not. */
  slotFor(workerId: string, height: u64): u64 {
    const primary = this.assigned.indexOf(workerId);
    // a late primary may still fill its own slot while no backup took it (slotLost)
    if (primary >= 0) return <u64>primary;
    if (!this.backups.includes(workerId)) fail(workerId + " is not assigned to request " + this.requestId.toString());
    if (height <= this.commitDeadline) fail("backups may commit from block " + (this.commitDeadline + 1).toString());
    for (let i = 0; i < this.assigned.length; i++) if (!this.slotTaken(<u64>i)) return <u64>i;
    fail("every slot of request " + this.requestId.toString() + " is committed");
    return 0;
  }

  /** Primaries that never committed: they withheld their slot. */
  withholders(): string[] {
    const out = new Array<string>();
    for (let i = 0; i < this.assigned.length; i++) if (this.commitOf(this.assigned[i]) == null) out.push(this.assigned[i]);
    return out;
  }

  /** Committed workers that did not reveal on chain: at a timeout they withheld their reveal. */
  unrevealed(): string[] {
    const out = new Array<string>();
    for (let i = 0; i < this.commits.length; i++) if (!this.commits[i].revealed) out.push(this.commits[i].workerId);
    return out;
  }

  commitsJson(): string {
    const parts = new Array<string>(this.commits.length);
    for (let i = 0; i < this.commits.length; i++) parts[i] = this.commits[i].toJson();
    return jsonArray(parts);
  }

  /** get_assignment, and the fields get_request adds. */
  viewFields(o: Obj, height: u64): Obj {
    return o.raw("assigned", idsJson(this.assigned)).raw("backups", idsJson(this.backups))
      .num("commit_deadline", this.commitDeadline).num("close_at", this.closeAt).num("reveal_by", this.revealBy)
      .raw("commits", this.commitsJson()).str("phase", this.phase(height));
  }

  toJson(): string {
    return new Obj().num("request_id", this.requestId).raw("assigned", idsJson(this.assigned)).raw("backups", idsJson(this.backups))
      .num("commit_deadline", this.commitDeadline).num("close_at", this.closeAt).num("reveal_by", this.revealBy)
      .raw("commits", this.commitsJson()).raw("equivocated", idsJson(this.equivocated)).done();
  }

  static fromJson(v: JValue): Assignment {
    const a = new Assignment();
    a.requestId = u64Field(v, "request_id");
    a.assigned = ids(field(v, "assigned"));
    a.backups = ids(field(v, "backups"));
    a.commitDeadline = u64Field(v, "commit_deadline");
    a.closeAt = u64Field(v, "close_at");
    a.revealBy = u64Field(v, "reveal_by");
    const commits = field(v, "commits").items;
    for (let i = 0; i < commits.length; i++) a.commits.push(Commit.fromJson(commits[i]));
    a.equivocated = ids(field(v, "equivocated"));
    return a;
  }
}

function key(id: u64): string { return "as:" + id.toString(); }

export function loadAssignment(id: u64): Assignment {
  const text = read(key(id));
  if (text == null) fail("request " + id.toString() + " has no assignment");
  return Assignment.fromJson(parseJson(utf8(text!)));
}

export function saveAssignment(a: Assignment): void {
  write(key(a.requestId), a.toJson());
}

export function dropAssignment(id: u64): void {
  remove(key(id));
}

/** A stream of u64s from sha256(seed ‖ u64le counter). */
export class Randomness {
  counter: u64 = 0;
  constructor(public seed: Uint8Array) {}
  next(): u64 {
    const h = sha256(concat([this.seed, u64le(this.counter++)]));
    let v: u64 = 0;
    for (let i = 7; i >= 0; i--) v = (v << 8) | <u64>h[i];
    return v;
  }
}

/** Bond in micro-NEAR (1e18 yocto) as a u64 weight: exact enough, and sums of MAX_POOL bonds stay below 2^64. */
function weightOf(bond: U128): u64 {
  const w = bond.div(1_000_000_000_000_000_000);
  return w.hi != 0 ? <u64>-1 / 1024 : w.lo;
}

/**
 * `count` distinct workers, each draw picking a remaining worker with probability bond / (remaining bonds).
 * The modulo bias is below total / 2^64.
 */
export function drawWorkers(pool: PoolEntry[], count: i32, rng: Randomness): string[] {
  const weights = new Array<u64>(pool.length);
  let total: u64 = 0;
  for (let i = 0; i < pool.length; i++) { weights[i] = weightOf(pool[i].bond); total += weights[i]; }
  const out = new Array<string>();
  while (out.length < count && total > 0) {
    let target = rng.next() % total;
    let pick = 0;
    while (target >= weights[pick]) { target -= weights[pick]; pick++; }
    out.push(pool[pick].workerId);
    total -= weights[pick];
    weights[pick] = 0;
  }
  return out;
}

/** Draws the request's assignment from random_seed() of the block that runs request_execution and the request id. */
export function assign(r: ExecRequest, config: Config, height: u64): Assignment {
  const all = loadPool();
  const eligible = new Array<PoolEntry>();
  for (let i = 0; i < all.length; i++) if (!all[i].bond.lt(config.minBond)) eligible.push(all[i]);
  const replicas = <i32>r.replicas;
  if (eligible.length < replicas) fail("only " + eligible.length.toString() + " eligible workers: " + replicas.toString() + " replicas need as many");
  const seed = sha256(concat([utf8(ASSIGN_DOMAIN), new Uint8Array(1), u64le(r.id), randomSeed()]));
  const drawn = drawWorkers(eligible, replicas * 2, new Randomness(seed));
  const a = new Assignment();
  a.requestId = r.id;
  a.assigned = drawn.slice(0, replicas);
  a.backups = drawn.slice(replicas);
  a.commitDeadline = height + config.commitWindowBlocks;
  a.closeAt = height + 2 * config.commitWindowBlocks;
  a.revealBy = height + REVEAL_BY_BLOCKS;
  saveAssignment(a);
  return a;
}

/**
 * Commits `commit` (hex32) of the registered worker `workerId` to request `requestId`. Returns why it was not taken
 * when another call or the height got there first: the request is no longer pending, the phase closed, the worker
 * already committed, a backup took its slot. Nothing changed then, and a batch skips the item. Panics on what the
 * caller knew when it sent the call (a request never issued, a worker not assigned, a backup before its block).
 */
export function commitItem(requestId: u64, commit: string, workerId: string): string | null {
  const found = lookupPending(requestId);
  if (found.request == null) return found.whyNot;
  const r = found.request!;
  const asg = loadAssignment(requestId);
  const height = blockHeight();
  if (asg.phase(height) != PHASE_COMMITTING) return "the commit phase of request " + requestId.toString() + " is closed";
  if (asg.commitOf(workerId) != null) return workerId + " already committed to request " + requestId.toString();
  const lost = asg.slotLost(workerId);
  if (lost != null) return lost;
  const slot = asg.slotFor(workerId, height);
  asg.commits.push(new Commit(workerId, slot, commit, height));
  saveAssignment(asg);
  emit("result_committed", new Obj().num("request_id", requestId).str("worker_id", workerId).num("slot", slot)
    .num("committed", <u64>asg.commits.length).num("replicas", r.replicas).bool("closed", asg.phase(height) != PHASE_COMMITTING).done());
  return null;
}

/** The predecessor, which must be a registered worker to commit. */
export function committingWorker(): string {
  const workerId = predecessor();
  if (findWorker(workerId) == null) fail(workerId + " is not a registered worker");
  return workerId;
}

/** A commit as an argument takes it: 64 hex characters (commitOf(digest, salt)). */
export function commitArg(a: JValue): string {
  const commit = str(a, "commit");
  hex32(commit, "commit");
  return commit;
}

/** `commit_result{request_id, commit}`: the predecessor commits to its result (hex of commitOf(digest, salt)). */
export function commit_result(): void {
  const a = argsOf("commit_result", ["request_id", "commit"]);
  const requestId = u64Of(field(a, "request_id"), "request_id");
  const commit = commitArg(a);
  const why = commitItem(requestId, commit, committingWorker());
  if (why != null) fail(why!);
}

export function get_assignment(): void {
  const id = u64Of(field(argsOf("get_assignment", ["request_id"]), "request_id"), "request_id");
  const text = read(key(id));
  if (text == null) { returnString("null"); return; }
  const asg = Assignment.fromJson(parseJson(utf8(text!)));
  returnString(asg.viewFields(new Obj().num("request_id", id), blockHeight()).done());
}
