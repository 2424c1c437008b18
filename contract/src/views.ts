// Read-only methods.
import { JValue, Obj, blockHeight, field, jsonArray, obj, onlyKeys, optBool, optU64, quote, returnString, u64Of } from "../sdk";
import { argsOf } from "./args";
import { loadConfig } from "./config";
import {
  DEFAULT_EXECUTION_SECONDS, DEFAULT_INSTRUCTIONS, DEFAULT_MEMORY_MB, MAX_COMPILATION_SECONDS, MAX_EXECUTION_SECONDS,
  MAX_INSTRUCTIONS, MAX_MEMORY_MB, MAX_REPLICAS
} from "./constants";
import { loadAssignment } from "./assignment";
import { withAssignment } from "./execution";
import { MAX_PENDING_PAGE } from "./limits";
import { pendingRequests } from "./pending";
import { worstCaseCost } from "./pricing";
import { ExecRequest, findReceipt, findRequest, loadRequest } from "./request";
import { resolutionJson } from "./resolution";
import { statsJson } from "./stats";

/** The event shape plus status, the assignment (assigned, backups, commits, phase) and, once resolved, the resolution. */
function requestView(r: ExecRequest, withInput: bool): string {
  const event = withAssignment(r.toEventJson(withInput), loadAssignment(r.id), blockHeight());
  // one join: the event may hold a 256 KiB input, and each `+` would copy it again
  return [event.substring(0, event.length - 1), ",\"status\":", quote(r.status), ",\"storage_lock\":", quote(r.storageLock.toString()),
    ",\"resolution\":", resolutionJson(r.id), "}"].join("");
}

/** An open request in full; a finished one as its receipt `{request_id, status, success, payer_account_id, payment_charged}`. */
export function get_request(): void {
  const id = u64Of(field(argsOf("get_request", ["request_id"]), "request_id"), "request_id");
  const r = findRequest(id);
  if (r != null) { returnString(requestView(r!, true)); return; }
  const receipt = findReceipt(id);
  returnString(receipt == null ? "null" : receipt!);
}

/** Big inputs are left out (input_data_in_state: true); fetch them with get_request. */
export function get_pending_requests(): void {
  const a = argsOf("get_pending_requests", ["from_index", "limit"]);
  const limit = optU64(a, "limit", MAX_PENDING_PAGE);
  const ids = pendingRequests().page(optU64(a, "from_index", 0), limit < MAX_PENDING_PAGE ? limit : MAX_PENDING_PAGE);
  const out = new Array<string>(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = requestView(loadRequest(U64.parseInt(ids[i])), false);
  returnString(jsonArray(out));
}

export function get_pricing(): void {
  argsOf("get_pricing", []);
  returnString(loadConfig().pricing.toJson());
}

export function get_config(): void {
  argsOf("get_config", []);
  returnString(loadConfig().toJson());
}

function limitsOf(a: JValue, key: string, fallback: u64): u64 {
  if (!a.has("resource_limits")) return fallback;
  const l = obj(a, "resource_limits");
  onlyKeys(l, ["max_instructions", "max_memory_mb", "max_execution_seconds"], "resource_limits");
  return optU64(l, key, fallback);
}

/**
 * `{resource_limits?, params?, source?}` → the most a request with these limits can be charged (a yocto string).
 * The deposit must cover it plus the request's storage lock (refunded). Without a source the compile fee is included.
 */
export function estimate_execution_cost(): void {
  const a = argsOf("estimate_execution_cost", ["resource_limits", "params", "source"]);
  const compileOnly = a.has("params") && optBool(obj(a, "params"), "compile_only", false);
  const built = !(a.has("source") && field(a, "source").has("WasmUrl"));
  const cost = worstCaseCost(loadConfig().pricing, limitsOf(a, "max_instructions", DEFAULT_INSTRUCTIONS), built, compileOnly);
  returnString(quote(cost.toString()));
}

export function get_max_limits(): void {
  argsOf("get_max_limits", []);
  returnString(new Obj().num("max_instructions", MAX_INSTRUCTIONS).num("max_execution_seconds", MAX_EXECUTION_SECONDS)
    .num("max_compilation_seconds", MAX_COMPILATION_SECONDS).num("max_memory_mb", MAX_MEMORY_MB)
    .num("max_replicas", <u64>MAX_REPLICAS).num("default_instructions", DEFAULT_INSTRUCTIONS)
    .num("default_memory_mb", DEFAULT_MEMORY_MB).num("default_execution_seconds", DEFAULT_EXECUTION_SECONDS).done());
}

export function get_stats(): void {
  argsOf("get_stats", []);
  returnString(statsJson());
}
