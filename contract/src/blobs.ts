// Output blobs: outputs too big to inline, stored per request under their sha256 and paid by whoever stores them
// (the bytes they add, at nearcore's storage price). A resolve names one by output_hash; the contract checks the
// hash itself, so a blob nobody attested can never reach a caller. All blobs of a request are freed, and their
// deposits refunded to the uploaders, when the request ends.
import { Obj, U128, attachedDeposit, blockHeight, fail, field, fromBase64, predecessor, read, readBytes, remove, sha256, str, storageUsage, toHex, transfer, u64Of, write, writeBytes } from "../sdk";
import { argsOf } from "./args";
import { PHASE_COMMITTING, loadAssignment } from "./assignment";
import { MAX_BLOBS, MAX_OUTPUT_BYTES } from "./constants";
import { emit } from "./events";
import { STATUS_PENDING, loadRequest } from "./request";
import { addAmount, subAmount } from "./stats";
import { storageCost } from "./storage-fee";

class BlobEntry {
  constructor(public owner: string, public hash: string, public paid: U128) {}
}

function indexKey(id: u64): string { return "obl:" + id.toString(); }
function blobKey(id: u64, hash: string): string { return "ob:" + id.toString() + ":" + hash; }

function loadIndex(id: u64): BlobEntry[] {
  const out = new Array<BlobEntry>();
  const text = read(indexKey(id));
  if (text == null) return out;
  const items = text!.split(";");
  for (let i = 0; i < items.length; i++) {
    const parts = items[i].split(":");
    out.push(new BlobEntry(parts[0], parts[1], U128.parse(parts[2])!));
  }
  return out;
}

function saveIndex(id: u64, entries: BlobEntry[]): void {
  const parts = new Array<string>(entries.length);
  for (let i = 0; i < entries.length; i++) parts[i] = entries[i].owner + ":" + entries[i].hash + ":" + entries[i].paid.toString();
  write(indexKey(id), parts.join(";"));
}

/**
 * Stores `bytes` for request `id`, paid from `deposit` by `owner` (the excess is returned); returns the sha256 hex
 * (`knownHash` when the caller already hashed them: hashing 256 KiB again costs ~6 Tgas).
 * A blob already stored under the same hash is reused at no cost.
 */
export function storeBlob(id: u64, owner: string, bytes: Uint8Array, deposit: U128, knownHash: string = ""): string {
  const hash = knownHash.length > 0 ? knownHash : toHex(sha256(bytes));
  const entries = loadIndex(id);
  for (let i = 0; i < entries.length; i++) {
    if (entries[i].hash == hash) {
      if (!deposit.isZero()) transfer(owner, deposit);
      return hash;
    }
  }
  if (entries.length >= MAX_BLOBS) fail("request " + id.toString() + " already holds " + MAX_BLOBS.toString() + " output blobs");
  const before = storageUsage();
  writeBytes(blobKey(id, hash), bytes);
  // the index entry is measured with a placeholder of the longest amount, then rewritten with the real one
  entries.push(new BlobEntry(owner, hash, U128.parse("340282366920938463463374607431768211455")!));
  saveIndex(id, entries);
  const grown = storageUsage() - before;
  const cost = storageCost(grown);
  if (deposit.lt(cost)) fail("attached deposit " + deposit.toString() + " does not cover the storage of " + grown.toString() + " bytes: " + cost.toString() + " yocto needed");
  entries[entries.length - 1].paid = cost;
  saveIndex(id, entries);
  addAmount("blob_deposits", cost);
  if (cost.lt(deposit)) transfer(owner, deposit.sub(cost));
  emit("output_stored", new Obj().num("request_id", id).str("output_hash", hash).num("bytes", <u64>bytes.length)
    .str("owner_id", owner).amount("storage_cost", cost).done());
  return hash;
}

export function findBlob(id: u64, hash: string): Uint8Array | null {
  return readBytes(blobKey(id, hash));
}

/** Frees every blob of the request and refunds each uploader what it paid. */
export function freeBlobs(id: u64): void {
  const entries = loadIndex(id);
  for (let i = 0; i < entries.length; i++) {
    remove(blobKey(id, entries[i].hash));
    transfer(entries[i].owner, entries[i].paid);
    subAmount("blob_deposits", entries[i].paid);
  }
  remove(indexKey(id));
}

/**
 * `submit_execution_output{request_id, output}` (base64), payable: anyone stores an output for a resolve to name by
 * output_hash. Only once the commit phase closed, so an output cannot be copied into a commit.
 */
export function submit_execution_output(): void {
  const a = argsOf("submit_execution_output", ["request_id", "output"]);
  const r = loadRequest(u64Of(field(a, "request_id"), "request_id"));
  if (r.status != STATUS_PENDING) fail("request " + r.id.toString() + " is " + r.status + ", not pending");
  const asg = loadAssignment(r.id);
  if (asg.phase(blockHeight()) == PHASE_COMMITTING) fail("outputs may be stored once the commit phase of request " + r.id.toString() + " closed");
  const output = fromBase64(str(a, "output"));
  if (output == null) fail("output must be base64");
  if (output!.length > MAX_OUTPUT_BYTES) fail("output is limited to " + MAX_OUTPUT_BYTES.toString() + " bytes");
  storeBlob(r.id, predecessor(), output!, attachedDeposit());
}
