// Cancelling a pending request: by its predecessor once it is stale, or by the owner at any time. Everything is
// refunded; the yield is resumed so the caller's promise finishes now (the callback sees `cancelled`). A resolved
// request is never cancelled: its workers were paid or slashed by the resolve, and its callback settles the deposit.
import { Obj, blockTimestamp, fail, field, fromHex, predecessor, transfer, u64Of, utf8, yieldResume } from "../sdk";
import { argsOf } from "./args";
import { loadConfig } from "./config";
import { emit } from "./events";
import { requireOwner } from "./guards";
import { eraseCancelled } from "./receipt";
import { ExecRequest, STATUS_PENDING, loadRequest } from "./request";
import { addAmount, bump } from "./stats";

function cancel(r: ExecRequest, by: string): void {
  if (r.status != STATUS_PENDING) fail("request " + r.id.toString() + " is " + r.status + " and cannot be cancelled");
  // frees all its state (blob deposits go back to their uploaders); no receipt stays
  eraseCancelled(r);
  transfer(r.payerId, r.deposit);
  addAmount("refunded", r.deposit);
  bump("cancelled");
  emit("execution_cancelled", new Obj().num("request_id", r.id).str("cancelled_by", by).amount("refunded", r.deposit).done());
  // false when the yield already timed out or was resumed; its callback then finds the request cancelled and does nothing
  yieldResume(fromHex(r.dataId, 32)!, utf8(new Obj().num("request_id", r.id).bool("cancelled", true).done()));
}

export function cancel_stale_execution(): void {
  const r = loadRequest(u64Of(field(argsOf("cancel_stale_execution", ["request_id"]), "request_id"), "request_id"));
  const caller = predecessor();
  if (caller != r.predecessorId) fail("only " + r.predecessorId + ", who made the request, may cancel it");
  const staleAt = r.timestampNs + loadConfig().staleSeconds * 1_000_000_000;
  if (blockTimestamp() < staleAt) fail("request " + r.id.toString() + " is not stale yet: it may be cancelled from timestamp " + staleAt.toString());
  cancel(r, caller);
}

export function emergency_cancel_execution(): void {
  requireOwner();
  cancel(loadRequest(u64Of(field(argsOf("emergency_cancel_execution", ["request_id"]), "request_id"), "request_id")), predecessor());
}
