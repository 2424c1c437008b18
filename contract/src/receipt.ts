// Ending a request: everything it stored is freed (record, input, assignment and commits, resolution, blobs with
// their uploaders' deposits), its storage lock is refunded with the payer's refund, and only a receipt of at most
// RECEIPT_BYTES stays, paid by the request's receipt fee. A cancelled request leaves no receipt.
import { Obj, U128 } from "../sdk";
import { dropAssignment } from "./assignment";
import { freeBlobs } from "./blobs";
import { pendingRequests } from "./pending";
import { ExecRequest, dropRequestRecord, saveReceipt } from "./request";
import { dropResolution } from "./resolution";
import { subAmount } from "./stats";

function freeRequest(r: ExecRequest): void {
  dropRequestRecord(r.id);
  dropAssignment(r.id);
  dropResolution(r.id);
  freeBlobs(r.id);
  pendingRequests().delete(r.id.toString());
  subAmount("deposits_held", r.deposit);
}

/** Frees the request and leaves `{request_id, status, success, payer_account_id, payment_charged}`. */
export function compactToReceipt(r: ExecRequest, status: string, success: bool, charged: U128): void {
  freeRequest(r);
  saveReceipt(r.id, new Obj().num("request_id", r.id).str("status", status).bool("success", success)
    .str("payer_account_id", r.payerId).amount("payment_charged", charged).done());
}

export function eraseCancelled(r: ExecRequest): void {
  freeRequest(r);
}
