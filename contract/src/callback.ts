// on_execution_response: runs once per request, when the yield is resumed (resolved or cancelled) or times out.
// It settles money exactly once and compacts the request to its receipt; every other path checks the status.
import { Obj, U128, field, fromBase64, optStr, parseJson, promiseResult, quote, returnString, transfer, u64Of, jsonArray } from "../sdk";
import { argsOf } from "./args";
import { loadAssignment } from "./assignment";
import { findBlob } from "./blobs";
import { loadConfig } from "./config";
import { emit } from "./events";
import { isBuilt } from "./execution";
import { requireSelf } from "./guards";
import { formatOutput } from "./output";
import { receiptFee, workFee } from "./pricing";
import { compactToReceipt } from "./receipt";
import { ExecRequest, STATUS_COMPLETED, STATUS_RESOLVED, STATUS_UNREACHABLE, findRequest } from "./request";
import { Resolution, findResolution } from "./resolution";
import { slashWithholders } from "./slashing";
import { addAmount, bump } from "./stats";
import { findWorker, saveWorker } from "./workers";

const PAYLOAD_REGISTER: u64 = 1;

const TIMED_OUT = "timed out: no quorum resolved the request before the yield timeout";
const UNREACHABLE = "quorum unreachable: the revealed results disagree so that no quorum can form";

function completedEvent(r: ExecRequest, res: Resolution | null, charged: U128, refunded: U128, timedOut: bool): void {
  const workers = res == null ? new Array<string>() : res!.workers;
  const ids = new Array<string>(workers.length);
  for (let i = 0; i < workers.length; i++) ids[i] = quote(workers[i]);
  emit("execution_completed", new Obj().num("request_id", r.id).str("sender_id", r.senderId)
    .str("payer_account_id", r.payerId).raw("code_source", r.source).bool("success", res != null && res!.success)
    .str("error_message", res != null ? res!.error : timedOut ? TIMED_OUT : UNREACHABLE)
    .raw("resources_used", res == null ? "{\"instructions\":0}" : res!.usedJson())
    .amount("payment_charged", charged).amount("payment_refunded", refunded)
    .str("resolver_id", res == null ? "" : res!.resolverId).raw("workers", jsonArray(ids)).bool("timed_out", timedOut).done());
}

/**
 * No quorum before the yield timeout, or none possible (settle_unreachable, which marked its reveals revealed): the
 * contract keeps the base fee and the receipt fee, primaries that never committed and committed workers that did not
 * reveal are slashed to the payer, the payer gets the rest of its deposit.
 */
function settleTimeout(r: ExecRequest): void {
  slashWithholders(loadAssignment(r.id), r.payerId, loadConfig(), true);
  const kept = r.pricing.baseFee.add(receiptFee());
  const refund = r.deposit.sub(kept);
  transfer(r.payerId, refund);
  addAmount("fees_kept", kept);
  addAmount("refunded", refund);
  const timedOut = r.status != STATUS_UNREACHABLE;
  bump(timedOut ? "timed_out" : "unreachable");
  completedEvent(r, null, kept, refund, timedOut);
  compactToReceipt(r, STATUS_COMPLETED, false, kept);
}

/**
 * The agreeing workers share the work fee equally, the resolver gets the resolve fee, the contract keeps the
 * receipt fee, the payer gets everything else (the division remainder and the storage lock included).
 */
function settleResolved(r: ExecRequest, res: Resolution): void {
  const work = workFee(r.pricing, res.instructions, r.maxInstructions, isBuilt(r.source), res.success, r.compileOnly);
  const n = <u64>res.workers.length;
  const share = work.div(n);
  const paid = share.mul(n);
  for (let i = 0; i < res.workers.length; i++) {
    transfer(res.workers[i], share);
    const w = findWorker(res.workers[i]);
    if (w != null) {
      w.completed++;
      w.earned = w.earned.add(share);
      saveWorker(w!);
    }
  }
  transfer(res.resolverId, r.pricing.resolveFee);
  const receipt = receiptFee();
  const charged = paid.add(r.pricing.resolveFee).add(receipt);
  const refund = r.deposit.sub(charged);
  transfer(r.payerId, refund);
  addAmount("paid_to_workers", paid);
  addAmount("resolve_fees", r.pricing.resolveFee);
  addAmount("fees_kept", receipt);
  addAmount("refunded", refund);
  bump(res.success ? "succeeded" : "failed");
  completedEvent(r, res, charged, refund, false);
  compactToReceipt(r, STATUS_COMPLETED, res.success, charged);
}

function resolvedOutput(r: ExecRequest, res: Resolution, payload: Uint8Array): Uint8Array {
  if (res.outputHash.length > 0) {
    const stored = findBlob(r.id, res.outputHash);
    return stored == null ? new Uint8Array(0) : stored!;
  }
  const decoded = fromBase64(optStr(parseJson(payload), "output", ""));
  return decoded == null ? new Uint8Array(0) : decoded!;
}

export function on_execution_response(): void {
  requireSelf();
  // a cancelled request is already gone; a completed one is a receipt
  const r = findRequest(u64Of(field(argsOf("on_execution_response", ["request_id"]), "request_id"), "request_id"));
  if (r == null || r!.status == STATUS_COMPLETED) {
    returnString("null");
    return;
  }
  const result = promiseResult(0, PAYLOAD_REGISTER);
  const res = r!.status == STATUS_RESOLVED ? findResolution(r!.id) : null;
  if (!result.ok() || res == null) {
    settleTimeout(r!);
    returnString("null");
    return;
  }
  // read before settling: settling frees the blobs
  const output = res!.success ? resolvedOutput(r!, res!, result.value) : new Uint8Array(0);
  settleResolved(r!, res!);
  returnString(res!.success ? formatOutput(r!.responseFormat, output) : "null");
}
