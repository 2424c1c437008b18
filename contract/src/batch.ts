// Batched commits and resolves: one transaction commits a worker's results for many requests, or resolves many
// requests. AssemblyScript has no try/catch and a panic reverts the whole receipt, so the rule is per kind of
// refusal. An item that another call or the height got to first (the request is no longer pending, its commit
// phase closed, the worker already committed or lost its slot, the yield timed out) is skipped: event
// `batch_item_skipped{method, index, request_id, reason}`, nothing of it changed, the other items go on. An item the
// caller could have known was bad (its shape, hash, signature, assignment, quorum, a request never issued) refuses
// the whole batch with that item's message, and nothing changes. Each item runs the single method's own code.
import { JValue, Obj, U128, arr, attachedDeposit, fail, field, inputBytes, onlyKeys, u64Of } from "../sdk";
import { argsOf } from "./args";
import { commitArg, commitItem, committingWorker } from "./assignment";
import { loadConfig } from "./config";
import { emit } from "./events";
import { MAX_BATCH_ARGS_BYTES, MAX_BATCH_COMMITS, MAX_BATCH_RESOLVES } from "./limits";
import { resolveFields, resolveItem } from "./resolve";

/** `items` of a batch method: 1..max of them, in arguments of at most MAX_BATCH_ARGS_BYTES. */
function batchItems(method: string, max: i32): JValue[] {
  const size = inputBytes().length;
  if (size > MAX_BATCH_ARGS_BYTES) fail(method + " takes at most " + MAX_BATCH_ARGS_BYTES.toString() + " bytes of arguments, got " + size.toString());
  const items = arr(argsOf(method, ["items"]), "items");
  if (items.length == 0) fail(method + " needs at least one item");
  if (items.length > max) fail(method + " takes at most " + max.toString() + " items, got " + items.length.toString());
  return items;
}

function skipped(method: string, index: i32, requestId: u64, reason: string): void {
  emit("batch_item_skipped", new Obj().str("method", method).num("index", <u64>index).num("request_id", requestId).str("reason", reason).done());
}

/** `commit_results{items: [{request_id, commit}]}`: the predecessor commits for each item as commit_result would. */
export function commit_results(): void {
  const items = batchItems("commit_results", MAX_BATCH_COMMITS);
  const workerId = committingWorker();
  for (let i = 0; i < items.length; i++) {
    onlyKeys(items[i], ["request_id", "commit"], "item");
    const requestId = u64Of(field(items[i], "request_id"), "request_id");
    const why = commitItem(requestId, commitArg(items[i]), workerId);
    if (why != null) skipped("commit_results", i, requestId, why!);
  }
}

/**
 * `resolve_executions{items: [{request_id, response, reveals}]}`, by anyone: each item as resolve_execution would
 * take it. No deposit: resolve_execution refunds its deposit per call, which a batch would pay out once per item;
 * an inline output too big for the yield payload is stored first with submit_execution_output and named by hash.
 */
export function resolve_executions(): void {
  if (!attachedDeposit().isZero()) fail("resolve_executions takes no deposit: store a big output with submit_execution_output and name it by output_hash");
  const items = batchItems("resolve_executions", MAX_BATCH_RESOLVES);
  const config = loadConfig();
  for (let i = 0; i < items.length; i++) {
    onlyKeys(items[i], resolveFields(), "item");
    const why = resolveItem(items[i], config, U128.zero(), true);
    if (why != null) skipped("resolve_executions", i, u64Of(field(items[i], "request_id"), "request_id"), why!);
  }
}
