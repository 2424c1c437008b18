// Cancelling a request that never resolved: by its predecessor once it is stale, or by the owner at any time.
// Everything is refunded; the yield is resumed so the caller's promise finishes now (the callback sees `cancelled`).
import { Obj, blockTimestamp, fail, field, fromHex, predecessor, transfer, u64Of, utf8, yieldResume } from "../sdk";
import { args } from "./args";
import { loadConfig } from "./config";
import { emit } from "./events";
import { requireOwner } from "./guards";
import { eraseCancelled } from "./receipt";
import { ExecRequest, STATUS_PENDING, STATUS_RESOLVED, loadRequest } from "./request";
import { addAmount, bump } from "./stats";

/** `alsoResolved`: the owner may also cancel a resolved request whose callback never settled (e.g. it failed). */
function cancel(r: ExecRequest, by: string, alsoResolved: bool): void {
  const open = r.status == STATUS_PENDING || (alsoResolved && r.status == STATUS_RESOLVED);
  if (!open) fail("request " + r.id.toString() + " is " + r.status + " and cannot be cancelled");
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
  const r = loadRequest(u64Of(field(args(), "request_id"), "request_id"));
  const caller = predecessor();
  if (caller != r.predecessorId) fail("only " + r.predecessorId + ", who made the request, may cancel it");
  const staleAt = r.timestampNs + loadConfig().staleSeconds * 1_000_000_000;
  if (blockTimestamp() < staleAt) fail("request " + r.id.toString() + " is not stale yet: it may be cancelled from timestamp " + staleAt.toString());
  cancel(r, caller, false);
}

export function emergency_cancel_execution(): void {
  requireOwner();
  cancel(loadRequest(u64Of(field(args(), "request_id"), "request_id")), predecessor(), true);
}
