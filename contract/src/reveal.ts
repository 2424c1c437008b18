// reveal_result: the on-chain fallback of a gossip reveal. A committed worker whose reveal no resolve used (the
// other slot holders withheld theirs, or no resolver took it) shows it here, so a yield timeout does not slash it
// for withholding; committed workers that did not are slashed withhold_share at the timeout (slashing.ts).
// Permissionless: validity is the signature and the commit, so anyone may send a worker's reveal for it (that only
// protects the worker). Taken while the phase is revealing (nothing is public before it closed) and until reveal_by,
// which leaves a resolve time to use it: the event carries the reveal in the form resolve_execution takes.
import { Obj, blockHeight, fail, obj, str, toHex } from "../sdk";
import { argsOf } from "./args";
import { AttestedResult, DigestContext } from "./attestation";
import { PHASE_COMMITTING, loadAssignment, saveAssignment } from "./assignment";
import { loadConfig } from "./config";
import { emit } from "./events";
import { MAX_ACCOUNT_ID, capped } from "./limits";
import { parseResponse, pendingRequest, verifyReveal } from "./resolve";

/** The result as a reveal's `response` of resolve_execution (the output named by its hash). */
function responseJson(result: AttestedResult): string {
  return new Obj().str("code_hash", toHex(result.codeHash)).bool("success", result.success)
    .str("output_hash", toHex(result.outputHash)).str("error", result.error)
    .raw("resources_used", new Obj().num("instructions", result.instructions).done())
    .str("transcript_hash", toHex(result.transcriptHash)).done();
}

/**
 * `reveal_result{request_id, worker_id, salt, signature, response}`, by anyone: the reveal of `worker_id` is
 * checked exactly as resolve_execution checks one and recorded on its commit (`revealed` becomes true: every
 * commit carries the mark from the start, inside the request's storage lock, so this adds no byte).
 * Event `result_revealed{request_id, worker_id, slot, salt, signature, response}`.
 */
export function reveal_result(): void {
  const a = argsOf("reveal_result", ["request_id", "worker_id", "salt", "signature", "response"]);
  const r = pendingRequest(a);
  const asg = loadAssignment(r.id);
  const height = blockHeight();
  if (asg.phase(height) == PHASE_COMMITTING) fail("the commit phase of request " + r.id.toString() + " is open until block " + asg.closeAt.toString() + " or " + r.replicas.toString() + " commits: nothing is revealed before it closed");
  if (height > asg.revealBy) fail("request " + r.id.toString() + " took reveals until block " + asg.revealBy.toString());
  const workerId = capped(str(a, "worker_id"), MAX_ACCOUNT_ID, "worker_id");
  const commit = asg.commitOf(workerId);
  if (commit != null && commit!.revealed) fail(workerId + " already revealed its result of request " + r.id.toString() + " on chain");
  const own = parseResponse(obj(a, "response"));
  verifyReveal(r, asg, DigestContext.of(r, loadConfig().networkId), workerId, a, own);
  commit!.revealed = true;
  saveAssignment(asg);
  emit("result_revealed", new Obj().num("request_id", r.id).str("worker_id", workerId).num("slot", commit!.slot)
    .str("salt", str(a, "salt")).str("signature", str(a, "signature")).raw("response", responseJson(own.result)).done());
}
