// resolve_execution: permissionless. Anyone holding Q agreeing reveals hands in the result and the reveals; the
// contract checks, for each, the committed slot, the commit (digest ‖ salt), the signature and the key, decides
// the quorum, slashes dissenters and withholders, then resumes the yield. Any refusal panics: nothing changes.
// resolveItem is the one path, shared with resolve_executions (batch.ts).
import {
  JValue, Obj, U128, arr, attachedDeposit, blockHeight, ed25519Verify, fail, field, fromBase64, fromHex, obj, onlyKeys,
  parseJson, predecessor, quote, sha256, str, toBase64, toHex, transfer, u64Of, utf8, yieldResume
} from "../sdk";
import { argsOf } from "./args";
import { MAX_ACCOUNT_ID, MAX_BATCH_ERROR_BYTES, MAX_BATCH_OUTPUT_BYTES, capped } from "./limits";
import { AttestedResult, DigestContext, ResultWithOutput, commitOf, hex32, parseAttested } from "./attestation";
import { Assignment, PHASE_COMMITTING, loadAssignment } from "./assignment";
import { findBlob, storeBlob } from "./blobs";
import { Config, loadConfig } from "./config";
import { MAX_REPLICAS, MAX_YIELD_PAYLOAD } from "./constants";
import { emit } from "./events";
import { outputFormatError } from "./output";
import { pendingRequests } from "./pending";
import { Outcome, Signed, decide } from "./quorum";
import { fieldSpecOf } from "./field-spec";
import { ExecRequest, STATUS_RESOLVED, lookupPending, saveRequest } from "./request";
import { Resolution, saveResolution } from "./resolution";
import { slashDissenters, slashWithholders } from "./slashing";
import { findWorker } from "./workers";

export function pendingRequest(a: JValue): ExecRequest {
  const found = lookupPending(u64Of(field(a, "request_id"), "request_id"));
  if (found.request == null) fail(found.whyNot);
  return found.request!;
}

/** A response as resolve takes it: strict keys, and no unattested quantity (time) anywhere. */
export function parseResponse(v: JValue): ResultWithOutput {
  onlyKeys(v, ["code_hash", "success", "output", "output_hash", "error", "resources_used", "transcript_hash"], "response");
  onlyKeys(obj(v, "resources_used"), ["instructions"], "resources_used");
  return parseAttested(v);
}

/** The output bytes of a result: inline, or the stored blob whose sha256 is the attested one; null if neither. */
function outputOf(r: ExecRequest, parsed: ResultWithOutput): Uint8Array | null {
  if (parsed.output != null) return parsed.output;
  return findBlob(r.id, toHex(parsed.result.outputHash));
}

/**
 * Checks one reveal (`item`'s salt and signature) of `workerId` for the result `own`; panics when the worker holds
 * no committed slot, the reveal does not open its commit or the signature does not verify with its registered key.
 * resolve_execution and reveal_result both verify reveals with this.
 */
export function verifyReveal(r: ExecRequest, asg: Assignment, ctx: DigestContext, workerId: string, item: JValue, own: ResultWithOutput): Signed {
  // only a committed slot counts: an unassigned worker, or one that never committed, signs for nothing
  const commit = asg.commitOf(workerId);
  if (commit == null) fail("signer " + workerId + " holds no committed slot of request " + r.id.toString());
  const worker = findWorker(workerId);
  if (worker == null) fail("signer " + workerId + " is not a registered worker");
  const digest = own.result.digest(ctx, workerId);
  if (commitOf(digest, hex32(str(item, "salt"), "salt")) != commit!.commit) fail("the reveal of " + workerId + " does not match its commit");
  const signature = fromBase64(str(item, "signature"));
  if (signature == null || signature!.length != 64) fail("signature of " + workerId + " must be 64 bytes in base64");
  if (!ed25519Verify(signature!, digest, worker!.keyBytes())) fail("invalid signature from " + workerId);
  return new Signed(workerId, own.result, outputOf(r, own));
}

/**
 * Checks every reveal; panics on a duplicate, a signer without a committed slot, a commit mismatch or a bad signature.
 * Without `main` (settle_unreachable) every reveal must carry its own response.
 */
export function verifyReveals(r: ExecRequest, asg: Assignment, items: JValue[], main: ResultWithOutput | null, networkId: string): Signed[] {
  if (items.length == 0) fail("too few agreeing reveals: none given");
  if (items.length > MAX_REPLICAS) fail("at most " + MAX_REPLICAS.toString() + " reveals");
  const ctx = DigestContext.of(r, networkId);
  const signed = new Array<Signed>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    onlyKeys(item, ["worker_id", "salt", "signature", "response"], "reveal");
    const workerId = capped(str(item, "worker_id"), MAX_ACCOUNT_ID, "worker_id");
    for (let j = 0; j < signed.length; j++) if (signed[j].workerId == workerId) fail("duplicate signer " + workerId);
    // a reveal without its own response reveals the main one
    if (!item.has("response") && main == null) fail("the reveal of " + workerId + " needs its response");
    const own = item.has("response") ? parseResponse(obj(item, "response")) : main!;
    signed.push(verifyReveal(r, asg, ctx, workerId, item, own));
  }
  return signed;
}

/** A WasmUrl source pins its code: a result claiming other code cannot win. */
function checkCode(r: ExecRequest, result: AttestedResult): void {
  if (!r.source.startsWith("{\"WasmUrl\"")) return;
  const pinned = str(obj(parseJson(utf8(r.source)), "WasmUrl"), "hash");
  if (toHex(result.codeHash) != pinned) fail("code_hash " + toHex(result.codeHash) + " is not the pinned WasmUrl hash " + pinned);
}

function minU64(a: u64, b: u64): u64 { return a < b ? a : b; }

/** A batched resolve checks and logs a bounded result (limits.ts); a bigger one goes alone, with resolve_execution. */
function checkBatched(r: ExecRequest, output: Uint8Array, error: string): void {
  const id = r.id.toString();
  if (output.length > MAX_BATCH_OUTPUT_BYTES) fail("request " + id + ": an output of " + output.length.toString() + " bytes is resolved alone (resolve_execution); a batch takes up to " + MAX_BATCH_OUTPUT_BYTES.toString());
  const logged = utf8(quote(error)).length - 2;
  if (logged > MAX_BATCH_ERROR_BYTES) fail("request " + id + ": an error of " + logged.toString() + " bytes as logged is resolved alone (resolve_execution); a batch takes up to " + MAX_BATCH_ERROR_BYTES.toString());
}

/** What the yield resumes with, and whether the inline output must be stored as a blob first. */
class Payload {
  constructor(public json: string, public storeOutput: bool) {}
}

/**
 * Where the callback finds the output: in the payload when it fits nearcore's 1024 bytes, else in a blob (the one
 * named by output_hash, or the inline output, stored once the yield is resumed and paid by the resolver's deposit).
 */
function payloadOf(r: ExecRequest, res: Resolution, output: Uint8Array, fromBlob: bool): Payload {
  // base64 only what can fit: encoding a big output just to measure it would waste gas
  if ((output.length + 2) / 3 * 4 + 64 <= MAX_YIELD_PAYLOAD) {
    const inline = new Obj().num("request_id", r.id).str("output", toBase64(output)).done();
    if (utf8(inline).length <= MAX_YIELD_PAYLOAD) return new Payload(inline, false);
  }
  res.outputHash = toHex(sha256(output));
  return new Payload(new Obj().num("request_id", r.id).str("output_hash", res.outputHash).done(), !fromBlob);
}

/**
 * Resolves one request from `a` (resolve_execution's arguments), paying a blob for an inline output too big for the
 * yield payload from `deposit` (the rest goes back to the predecessor). Returns why it was not taken when another
 * call or the height got there first: the request is no longer pending (resolved, settled, cancelled, completed) or
 * its yield timed out. Nothing changed then, and a batch skips the item. Any other refusal panics: a bad response,
 * reveal or quorum is the caller's to know; `batched` also refuses a result too big for a batch.
 */
export function resolveItem(a: JValue, config: Config, deposit: U128, batched: bool): string | null {
  const found = lookupPending(u64Of(field(a, "request_id"), "request_id"));
  if (found.request == null) return found.whyNot;
  const r = found.request!;
  const asg = loadAssignment(r.id);
  if (asg.phase(blockHeight()) == PHASE_COMMITTING) fail("the commit phase of request " + r.id.toString() + " is open until block " + asg.closeAt.toString() + " or " + r.replicas.toString() + " commits");
  const main = parseResponse(obj(a, "response"));
  const output = outputOf(r, main);
  if (output == null) fail("no stored output has the hash " + toHex(main.result.outputHash) + ": store it with submit_execution_output or send it inline");
  if (batched) checkBatched(r, output!, main.result.error);
  const signed = verifyReveals(r, asg, arr(a, "reveals"), main, config.networkId);
  const outcome: Outcome = decide(signed, r.quorum, r.aggregation, fieldSpecOf(r));
  if (outcome.winner.result.key() != main.result.key()) fail("the response does not match the result the quorum attested");
  checkCode(r, main.result);

  const res = new Resolution();
  res.success = main.result.success;
  res.error = main.result.error;
  // an attested count above the limit is capped: the payer never pays past max_instructions
  res.instructions = minU64(outcome.instructions, r.maxInstructions);
  res.workers = outcome.agreeing;
  res.resolverId = predecessor();
  res.codeHash = toHex(main.result.codeHash);
  if (res.success) {
    const invalid = outputFormatError(r.responseFormat, output!);
    if (invalid != null) { res.success = false; res.error = invalid!; }
  }
  const returned = res.success ? output! : new Uint8Array(0);
  const payload = payloadOf(r, res, returned, res.success && main.output == null);
  // resume before the first write: a yield that timed out is skipped with nothing changed
  if (!yieldResume(fromHex(r.dataId, 32)!, utf8(payload.json))) return "request " + r.id.toString() + " can no longer be resumed (its yield timed out)";
  if (payload.storeOutput) storeBlob(r.id, predecessor(), returned, deposit, res.outputHash);
  else if (!deposit.isZero()) transfer(predecessor(), deposit);
  slashDissenters(r.id, outcome.disagreeing, outcome.agreeing, config);
  slashWithholders(asg, r.payerId, config, false);
  saveResolution(r.id, res);
  r.status = STATUS_RESOLVED;
  saveRequest(r);
  pendingRequests().delete(r.id.toString());
  emit("execution_resolved", new Obj().num("request_id", r.id).raw("resolution", res.toJson()).done());
  return null;
}

/** The arguments of resolve_execution, and of each item of resolve_executions (a function: see pending.ts). */
export function resolveFields(): string[] { return ["request_id", "response", "reveals"]; }

/**
 * `resolve_execution{request_id, response, reveals}`, by anyone, payable (only to store an inline output too big
 * for the yield payload). `response{code_hash, success, output? | output_hash?, error?, resources_used{instructions},
 * transcript_hash?}`; each reveal `{worker_id, salt, signature, response?}`.
 */
export function resolve_execution(): void {
  const why = resolveItem(argsOf("resolve_execution", resolveFields()), loadConfig(), attachedDeposit(), false);
  if (why != null) fail(why!);
}
