// settle_unreachable: permissionless. Anyone who shows that the revealed results disagree so much that no quorum
// can form any more ends the request now instead of at the yield timeout, with exactly the timeout's settlement
// (callback.ts settleTimeout). The rule (contract/README.md, "Quorum unreachable"), with C commits, the given
// reveals S (each checked by verifyReveal, as resolve_execution checks them) and M = C − |S| commits not in S:
//   - the commit phase is closed (an open slot could still be filled by anyone's result);
//   - identical: the largest group of equal results in S plus M stays below Q;
//   - median: also the possible candidates in S (successful, numeric or output not uploaded) plus M stay below 2Q−1;
//   - per_field: also no resolve could pass that rule (per-field.ts perFieldReachable, outputs not uploaded and M
//     counting as anything);
//   - until reveal_by, every committed worker that did not reveal on chain is in S (it may still reveal, so a
//     settle that left it out would slash it for a reveal it can still make, or let it escape that slash).
// Each commit stays fixed to one result, so S and M bound every resolve that could still come.
import { Obj, blockHeight, fail, fromHex, predecessor, utf8, yieldResume, arr } from "../sdk";
import { argsOf } from "./args";
import { MAX_SETTLE_INLINE_OUTPUT } from "./limits";
import { Assignment, PHASE_COMMITTING, loadAssignment, saveAssignment } from "./assignment";
import { loadConfig } from "./config";
import { emit } from "./events";
import { pendingRequests } from "./pending";
import { Signed, numericValue } from "./quorum";
import { ExecRequest, STATUS_UNREACHABLE, saveRequest } from "./request";
import { pendingRequest, verifyReveals } from "./resolve";
import { fieldSpecOf } from "./field-spec";
import { perFieldReachable } from "./per-field";

/** The size of the largest group of equal results. */
function largestGroup(signed: Signed[]): i32 {
  let best = 0;
  for (let i = 0; i < signed.length; i++) {
    let count = 0;
    for (let j = 0; j < signed.length; j++) if (signed[j].result.key() == signed[i].result.key()) count++;
    if (count > best) best = count;
  }
  return best;
}

/** Reveals that are, or could become once their output is uploaded, candidates of the median rule. */
function possibleCandidates(signed: Signed[]): i32 {
  let n = 0;
  for (let i = 0; i < signed.length; i++) {
    const s = signed[i];
    if (s.result.success && (s.output == null || !isNaN(numericValue(s.output!)))) n++;
  }
  return n;
}

function requireUnreachable(r: ExecRequest, asg: Assignment, signed: Signed[]): void {
  const missing = <u64>(asg.commits.length - signed.length);
  const best = <u64>largestGroup(signed);
  if (best + missing >= r.quorum) fail("a quorum is still reachable: " + best.toString() + " agree and " + missing.toString() + " committed workers have not revealed, the quorum is " + r.quorum.toString());
  if (r.aggregation == "median") {
    const candidates = <u64>possibleCandidates(signed);
    if (candidates + missing >= 2 * r.quorum - 1) fail("a median is still reachable: " + candidates.toString() + " numeric reveals and " + missing.toString() + " committed workers have not revealed, the median needs " + (2 * r.quorum - 1).toString());
  }
  if (r.aggregation == "per_field" && perFieldReachable(signed, missing, r.quorum, fieldSpecOf(r)!)) fail("a per_field result is still reachable: every field may still agree with " + missing.toString() + " committed workers not revealed");
}

/** Until reveal_by a committed worker may still reveal on chain: the settle must show its reveal, or wait. */
function requireRevealsShown(asg: Assignment, signed: Signed[], height: u64): void {
  if (height > asg.revealBy) return;
  for (let i = 0; i < asg.commits.length; i++) {
    const c = asg.commits[i];
    let shown = c.revealed;
    for (let j = 0; !shown && j < signed.length; j++) shown = signed[j].workerId == c.workerId;
    if (!shown) fail(c.workerId + " committed and may reveal until block " + asg.revealBy.toString() + ": show its reveal, or settle after that");
  }
}

/**
 * `settle_unreachable{request_id, reveals}`, by anyone; each reveal `{worker_id, salt, signature, response}` as in
 * resolve_execution. Marks the shown reveals revealed (they are on chain now, so the timeout's no_reveal slash
 * spares them), sets the request `unreachable` (no resolve, reveal or cancel is taken any more) and resumes the
 * yield; the callback settles it as a timeout with the error `quorum unreachable: …`.
 * Event `execution_unreachable{request_id, settled_by, reveals, largest_group, committed}`.
 */
export function settle_unreachable(): void {
  const a = argsOf("settle_unreachable", ["request_id", "reveals"]);
  const r = pendingRequest(a);
  const asg = loadAssignment(r.id);
  const height = blockHeight();
  if (asg.phase(height) == PHASE_COMMITTING) fail("the commit phase of request " + r.id.toString() + " is open until block " + asg.closeAt.toString() + " or " + r.replicas.toString() + " commits: an open slot may still join a quorum");
  const signed = verifyReveals(r, asg, arr(a, "reveals"), null, loadConfig().networkId);
  for (let i = 0; i < signed.length; i++) {
    const out = signed[i].output;
    if (out != null && out.length > MAX_SETTLE_INLINE_OUTPUT) fail("the reveal of " + signed[i].workerId + " shows a " + out.length.toString() + "-byte output inline: name outputs over " + MAX_SETTLE_INLINE_OUTPUT.toString() + " bytes by output_hash");
  }
  requireUnreachable(r, asg, signed);
  requireRevealsShown(asg, signed, height);
  for (let i = 0; i < signed.length; i++) asg.commitOf(signed[i].workerId)!.revealed = true;
  saveAssignment(asg);
  r.status = STATUS_UNREACHABLE;
  saveRequest(r);
  pendingRequests().delete(r.id.toString());
  if (!yieldResume(fromHex(r.dataId, 32)!, utf8(new Obj().num("request_id", r.id).bool("unreachable", true).done()))) fail("request " + r.id.toString() + " can no longer be resumed (its yield timed out)");
  emit("execution_unreachable", new Obj().num("request_id", r.id).str("settled_by", predecessor()).num("reveals", <u64>signed.length)
    .num("largest_group", <u64>largestGroup(signed)).num("committed", <u64>asg.commits.length).done());
}
