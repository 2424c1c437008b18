// report_equivocation: anyone who holds two valid signatures of one worker over two different digest-v2 results of
// one open request shows both; the worker loses equivocation_share of its bond, once per request. The slashed
// amount stays in the contract (stats slashed_kept): paying it to the reporter would let a worker report itself.
import { JValue, Obj, ed25519Verify, fail, field, fromBase64, obj, onlyKeys, str, u64Of } from "../sdk";
import { argsOf } from "./args";
import { MAX_ACCOUNT_ID, capped } from "./limits";
import { AttestedResult, DigestContext, parseHashedResult } from "./attestation";
import { loadAssignment, saveAssignment } from "./assignment";
import { loadConfig } from "./config";
import { emit } from "./events";
import { loadRequest } from "./request";
import { addAmount, bump } from "./stats";
import { Worker, loadWorker, slashBond } from "./workers";

const SIGNED_KEYS = ["code_hash", "success", "output_hash", "error_hash", "instructions", "transcript_hash", "signature"];

function checkSigned(v: JValue, ctx: DigestContext, w: Worker): AttestedResult {
  onlyKeys(v, SIGNED_KEYS, "signed result");
  const result = parseHashedResult(v);
  const signature = fromBase64(str(v, "signature"));
  if (signature == null || signature!.length != 64) fail("signature must be 64 bytes in base64");
  if (!ed25519Verify(signature!, result.digest(ctx, w.accountId), w.keyBytes())) fail("invalid signature from " + w.accountId);
  return result;
}

/**
 * `report_equivocation{request_id, worker_id, a, b}`, each of a and b
 * `{code_hash, success, output_hash, error_hash, instructions, transcript_hash, signature}` (hex hashes, base64 signature).
 */
export function report_equivocation(): void {
  const a = argsOf("report_equivocation", ["request_id", "worker_id", "a", "b"]);
  const r = loadRequest(u64Of(field(a, "request_id"), "request_id"));
  const config = loadConfig();
  const w = loadWorker(capped(str(a, "worker_id"), MAX_ACCOUNT_ID, "worker_id"));
  const ctx = DigestContext.of(r, config.networkId);
  const first = checkSigned(obj(a, "a"), ctx, w);
  const second = checkSigned(obj(a, "b"), ctx, w);
  if (first.key() == second.key()) fail("both signatures cover the same result");
  const asg = loadAssignment(r.id);
  if (asg.equivocated.includes(w.accountId)) fail(w.accountId + " was already slashed for equivocating on request " + r.id.toString());
  asg.equivocated.push(w.accountId);
  saveAssignment(asg);
  const cut = slashBond(w, config.equivocationShareBps, config.minBond);
  addAmount("slashed_kept", cut);
  bump("equivocations");
  emit("worker_equivocated", new Obj().num("request_id", r.id).str("worker_id", w.accountId).amount("slashed", cut).done());
}
