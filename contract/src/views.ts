// Read-only methods.
import { JValue, Obj, field, jsonArray, obj, onlyKeys, optBool, optU64, quote, returnString, u64Of } from "../sdk";
import { argsOf } from "./args";
import { loadConfig } from "./config";
import {
  DEFAULT_EXECUTION_SECONDS, DEFAULT_INSTRUCTIONS, DEFAULT_MEMORY_MB, MAX_COMPILATION_SECONDS, MAX_EXECUTION_SECONDS,
  MAX_INSTRUCTIONS, MAX_MEMORY_MB, MAX_REPLICAS
} from "./constants";
import { leasesJson, loadLeases } from "./leases";
import { MAX_PENDING_PAGE } from "./limits";
import { pendingRequests } from "./pending";
import { worstCaseCost } from "./pricing";
import { ExecRequest, findRequest, loadRequest } from "./request";
import { resolutionJson } from "./resolution";
import { statsJson } from "./stats";

/** The event shape plus status, leases and (once resolved) the resolution. */
function requestView(r: ExecRequest, withInput: bool): string {
  const event = r.toEventJson(withInput);
  // one join: the event may hold a 10 KiB input, and each `+` would copy it again
  return [event.substring(0, event.length - 1), ",\"status\":", quote(r.status), ",\"leases\":", leasesJson(loadLeases(r.id)),
    ",\"resolution\":", resolutionJson(r.id), "}"].join("");
}

export function get_request(): void {
  const r = findRequest(u64Of(field(argsOf("get_request", ["request_id"]), "request_id"), "request_id"));
  returnString(r == null ? "null" : requestView(r!, true));
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

/** The worst-case cost, which the deposit of request_execution must cover (a yocto amount as a JSON string). */
export function estimate_execution_cost(): void {
  const a = argsOf("estimate_execution_cost", ["resource_limits", "params"]);
  const compileOnly = a.has("params") && optBool(obj(a, "params"), "compile_only", false);
  const cost = worstCaseCost(loadConfig().pricing, limitsOf(a, "max_instructions", DEFAULT_INSTRUCTIONS),
    limitsOf(a, "max_execution_seconds", DEFAULT_EXECUTION_SECONDS), compileOnly);
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
