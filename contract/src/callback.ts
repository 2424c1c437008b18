// on_execution_response: runs once per request, when the yield is resumed (resolved or cancelled) or times out.
// It settles money exactly once: the status moves to `completed` here, and every other path checks it.
import {
  Obj, U128, field, fromBase64, fromUtf8, isJson, jsonArray, optStr, parseJson, promiseResult, quote,
  returnString, toBase64, transfer, u64Of
} from "../sdk";
import { args } from "./args";
import { emit } from "./events";
import { requireSelf } from "./guards";
import { pendingRequests } from "./pending";
import { executionCost } from "./pricing";
import {
  ExecRequest, STATUS_CANCELLED, STATUS_COMPLETED, STATUS_RESOLVED, dropRequestData, loadOutput, loadRequest, saveRequest
} from "./request";
import { Resolution, findResolution } from "./resolution";
import { addAmount, bump } from "./stats";
import { findWorker, saveWorker } from "./workers";

const PAYLOAD_REGISTER: u64 = 1;

function formatOutput(format: string, output: Uint8Array): string {
  if (format == "Bytes") return quote(toBase64(output));
  if (format == "Json" && isJson(output)) return fromUtf8(output);
  return quote(fromUtf8(output));
}

function completedEvent(r: ExecRequest, success: bool, error: string, used: string, charged: U128, refunded: U128, workers: string[], timedOut: bool): void {
  const ids = new Array<string>(workers.length);
  for (let i = 0; i < workers.length; i++) ids[i] = quote(workers[i]);
  emit("execution_completed", new Obj().num("request_id", r.id).str("sender_id", r.senderId)
    .str("payer_account_id", r.payerId).raw("code_source", r.source).bool("success", success)
    .str("error_message", error).raw("resources_used", used).amount("payment_charged", charged)
    .amount("payment_refunded", refunded).raw("workers", jsonArray(ids)).bool("timed_out", timedOut).done());
}

function finish(r: ExecRequest): void {
  r.status = STATUS_COMPLETED;
  saveRequest(r);
  pendingRequests().delete(r.id.toString());
  dropRequestData(r.id);
  bump("completed");
}

/** No quorum before the yield timeout: the contract keeps the base fee, the payer gets the rest. */
function settleTimeout(r: ExecRequest): void {
  const kept = r.pricing.baseFee.min(r.deposit);
  const refund = r.deposit.sub(kept);
  transfer(r.payerId, refund);
  addAmount("fees_kept", kept);
  addAmount("refunded", refund);
  bump("timed_out");
  completedEvent(r, false, "timed out: no quorum resolved the request before the yield timeout",
    "{\"instructions\":0,\"time_ms\":0,\"compile_time_ms\":0}", kept, refund, [], true);
  finish(r);
}

/** Pays the agreeing workers equally out of the charge and refunds the rest (including the division remainder). */
function settleResolved(r: ExecRequest, res: Resolution): void {
  const cost = res.success && !r.compileOnly
    ? executionCost(r.pricing, res.instructions, res.timeMs, res.compileTimeMs)
    : r.pricing.baseFee;
  const charged = cost.min(r.deposit);
  const n = <u64>res.workers.length;
  const share = charged.div(n);
  const paid = share.mul(n);
  const refund = r.deposit.sub(paid);
  for (let i = 0; i < res.workers.length; i++) {
    transfer(res.workers[i], share);
    const w = findWorker(res.workers[i]);
    if (w != null) {
      w.completed++;
      w.earned = w.earned.add(share);
      saveWorker(w!);
    }
  }
  transfer(r.payerId, refund);
  addAmount("paid_to_workers", paid);
  addAmount("refunded", refund);
  bump(res.success ? "succeeded" : "failed");
  completedEvent(r, res.success, res.error, res.usedJson(), paid, refund, res.workers, false);
}

function resolvedOutput(r: ExecRequest, res: Resolution, payload: Uint8Array): Uint8Array {
  if (res.outputInState) {
    const stored = loadOutput(r.id);
    return stored == null ? new Uint8Array(0) : stored!;
  }
  const decoded = fromBase64(optStr(parseJson(payload), "output", ""));
  return decoded == null ? new Uint8Array(0) : decoded!;
}

export function on_execution_response(): void {
  requireSelf();
  const r = loadRequest(u64Of(field(args(), "request_id"), "request_id"));
  if (r.status == STATUS_COMPLETED || r.status == STATUS_CANCELLED) {
    returnString("null");
    return;
  }
  const result = promiseResult(0, PAYLOAD_REGISTER);
  const res = r.status == STATUS_RESOLVED ? findResolution(r.id) : null;
  if (!result.ok() || res == null) {
    settleTimeout(r);
    returnString("null");
    return;
  }
  const output = resolvedOutput(r, res!, result.value);
  settleResolved(r, res!);
  finish(r);
  returnString(res!.success ? formatOutput(r.responseFormat, output) : "null");
}
