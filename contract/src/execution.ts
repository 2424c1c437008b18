// request_execution: OutLayer's call shape plus `redundancy`; yields until a quorum resolves it or 200 blocks pass.
import {
  JValue, Obj, attachedDeposit, blockHeight, blockTimestamp, concat, fail, field, obj, onlyKeys,
  optBool, optStr, optU64, predecessor, prepaidGas, quote, TGAS, randomSeed, requireAccountId, returnPromise, sha256,
  signer, str, stringify, toHex, u64le, utf8, yieldCreate, u64Field, storageUsage, U128
} from "../sdk";
import { argsOf } from "./args";
import { loadConfig } from "./config";
import {
  CALLBACK_GAS, CALLBACK_METHOD, DATA_ID_REGISTER, MIN_REQUEST_GAS, DEFAULT_EXECUTION_SECONDS, DEFAULT_INSTRUCTIONS,
  DEFAULT_MEMORY_MB, INLINE_INPUT_BYTES, MAX_EXECUTION_SECONDS, MAX_INSTRUCTIONS, MAX_MEMORY_MB, MAX_REPLICAS,
  COMMIT_ALLOWANCE_BYTES, RESOLUTION_ALLOWANCE_BYTES
} from "./constants";
import { emit } from "./events";
import { MAX_INPUT_BYTES, MAX_PARAMS_BYTES } from "./limits";
import { requireNotPaused } from "./guards";
import { pendingRequests } from "./pending";
import { worstCaseCost } from "./pricing";
import { resolveProjectSource } from "./projects";
import { ExecRequest, issueRequestId, saveInput, saveRequest } from "./request";
import { concreteSource, projectRef } from "./source";
import { addAmount, bump } from "./stats";
import { storageCost } from "./storage-fee";
import { Assignment, assign } from "./assignment";
import { parseFieldSpec } from "./field-spec";

const SEED_DOMAIN = "outlayer-mesh/seed/v1";

/** seed = sha256("outlayer-mesh/seed/v1" ‖ 0x00 ‖ u64le request_id ‖ random_seed()) — protocol/README.md */
function executionSeed(requestId: u64): string {
  const zero = new Uint8Array(1);
  return toHex(sha256(concat([utf8(SEED_DOMAIN), zero, u64le(requestId), randomSeed()])));
}

function parseLimits(r: ExecRequest, a: JValue): void {
  r.maxInstructions = DEFAULT_INSTRUCTIONS;
  r.maxMemoryMb = DEFAULT_MEMORY_MB;
  r.maxSeconds = DEFAULT_EXECUTION_SECONDS;
  if (!a.has("resource_limits")) return;
  const l = obj(a, "resource_limits");
  onlyKeys(l, ["max_instructions", "max_memory_mb", "max_execution_seconds"], "resource_limits");
  r.maxInstructions = optU64(l, "max_instructions", DEFAULT_INSTRUCTIONS);
  r.maxMemoryMb = optU64(l, "max_memory_mb", DEFAULT_MEMORY_MB);
  r.maxSeconds = optU64(l, "max_execution_seconds", DEFAULT_EXECUTION_SECONDS);
  if (r.maxInstructions < 1 || r.maxInstructions > MAX_INSTRUCTIONS) fail("max_instructions must be 1.." + MAX_INSTRUCTIONS.toString());
  if (r.maxMemoryMb < 1 || r.maxMemoryMb > MAX_MEMORY_MB) fail("max_memory_mb must be 1.." + MAX_MEMORY_MB.toString());
  if (r.maxSeconds < 1 || r.maxSeconds > MAX_EXECUTION_SECONDS) fail("max_execution_seconds must be 1.." + MAX_EXECUTION_SECONDS.toString());
}

function parseRedundancy(r: ExecRequest, a: JValue): void {
  if (!a.has("redundancy")) return;
  const red = obj(a, "redundancy");
  onlyKeys(red, ["replicas", "quorum", "aggregation", "fields"], "redundancy");
  r.replicas = u64Field(red, "replicas");
  r.quorum = optU64(red, "quorum", r.replicas / 2 + 1);
  r.aggregation = optStr(red, "aggregation", "identical");
  if (r.replicas < 1 || r.replicas > <u64>MAX_REPLICAS) fail("redundancy.replicas must be 1.." + MAX_REPLICAS.toString());
  if (r.quorum > r.replicas || r.quorum * 2 <= r.replicas) fail("redundancy.quorum must be > replicas/2 and <= replicas");
  if (r.aggregation != "identical" && r.aggregation != "median" && r.aggregation != "per_field") fail("redundancy.aggregation must be identical, median or per_field");
  if ((r.aggregation == "per_field") != red.has("fields")) fail("redundancy.fields is given with, and only with, aggregation per_field");
  const spec = r.aggregation == "per_field" ? parseFieldSpec(field(red, "fields")) : null;
  if (spec != null) r.fields = spec.toJson();
  // the median rule needs 2Q−1 numeric reveals to keep fewer than Q liars inside the honest range (contract/README.md)
  const needsMedian = r.aggregation == "median" || (spec != null && spec.hasMedian());
  if (needsMedian && 2 * r.quorum - 1 > r.replicas) fail("median needs replicas >= 2*quorum-1");
}

function parseSecretsRef(r: ExecRequest, a: JValue): void {
  if (!a.has("secrets_ref")) return;
  const s = obj(a, "secrets_ref");
  onlyKeys(s, ["profile", "account_id"], "secrets_ref");
  const profile = str(s, "profile");
  if (profile.length < 1 || profile.length > 64) fail("secrets_ref.profile must be 1..64 characters");
  const account = requireAccountId(str(s, "account_id"), "secrets_ref.account_id");
  r.secretsRef = new Obj().str("profile", profile).str("account_id", account).done();
}

function parseParams(r: ExecRequest, a: JValue): void {
  if (!a.has("params")) return;
  const p = obj(a, "params");
  r.compileOnly = optBool(p, "compile_only", false);
  optBool(p, "force_rebuild", false);
  r.params = stringify(p);
  if (r.params.length > MAX_PARAMS_BYTES) fail("params must be at most " + MAX_PARAMS_BYTES.toString() + " bytes as JSON");
}

function parseSource(r: ExecRequest, a: JValue): void {
  const source = field(a, "source");
  const ref = projectRef(source);
  if (ref == null) {
    r.source = concreteSource(source);
    return;
  }
  const resolved = resolveProjectSource(ref.projectId, ref.versionKey);
  r.source = resolved.source;
  r.projectId = ref.projectId;
  r.versionKey = resolved.versionKey;
}

/** GitHub sources are built by the workers: such requests pay the fixed compile fee. */
export function isBuilt(source: string): bool {
  return source.startsWith("{\"GitHub\"");
}

/**
 * The request pays for its state from its deposit: what it wrote now plus an allowance for its commits and
 * resolution, refunded when it ends (receipt.ts). The deposit must cover the worst-case charge and this lock.
 */
function lockStorage(r: ExecRequest, usageBefore: u64, charge: U128): void {
  const bytes = storageUsage() - usageBefore + r.replicas * COMMIT_ALLOWANCE_BYTES + RESOLUTION_ALLOWANCE_BYTES;
  r.storageLock = storageCost(bytes);
  const needed = charge.add(r.storageLock);
  if (r.deposit.lt(needed)) fail("attached deposit " + r.deposit.toString() + " does not cover the worst-case cost " + charge.toString() + " plus the storage lock " + r.storageLock.toString() + " (" + bytes.toString() + " bytes, refunded): " + needed.toString() + " needed");
  saveRequest(r);
}

/** The event (or view) of a request with its assignment fields. */
export function withAssignment(eventJson: string, asg: Assignment, height: u64): string {
  const fields = asg.viewFields(new Obj(), height).done();
  // one join: the event may hold a big inline input, and each `+` would copy it again
  return [eventJson.substring(0, eventJson.length - 1), ",", fields.substring(1)].join("");
}

export function request_execution(): void {
  const config = loadConfig();
  requireNotPaused(config);
  // the yield reserves CALLBACK_GAS for the callback out of this call's gas: say so plainly instead of running out
  if (prepaidGas() < MIN_REQUEST_GAS) fail("attach at least " + (MIN_REQUEST_GAS / TGAS).toString() + " Tgas: the callback alone reserves " + (CALLBACK_GAS / TGAS).toString());
  const a = argsOf("request_execution", ["source", "resource_limits", "input_data", "secrets_ref", "response_format", "payer_account_id", "params", "redundancy"]);

  const r = new ExecRequest();
  parseSource(r, a);
  parseLimits(r, a);
  parseRedundancy(r, a);
  parseSecretsRef(r, a);
  parseParams(r, a);
  r.responseFormat = optStr(a, "response_format", "Text");
  if (r.responseFormat != "Bytes" && r.responseFormat != "Text" && r.responseFormat != "Json") fail("response_format must be Bytes, Text or Json");
  const input = optStr(a, "input_data", "");
  if (utf8(input).length > MAX_INPUT_BYTES) fail("input_data must be at most " + MAX_INPUT_BYTES.toString() + " bytes");
  if (r.compileOnly && input.length > 0) fail("a compile-only request takes no input_data");

  r.senderId = signer();
  r.predecessorId = predecessor();
  r.payerId = requireAccountId(optStr(a, "payer_account_id", r.predecessorId), "payer_account_id");
  r.pricing = config.pricing;
  r.networkId = config.networkId;
  r.deposit = attachedDeposit();
  const required = worstCaseCost(r.pricing, r.maxInstructions, isBuilt(r.source), r.compileOnly);
  if (r.deposit.lt(required)) fail("attached deposit " + r.deposit.toString() + " does not cover the worst-case cost " + required.toString());

  r.id = issueRequestId();
  // weight 1: the callback also gets all the gas this call leaves unused, for returning big outputs
  const y = yieldCreate(CALLBACK_METHOD, new Obj().num("request_id", r.id).done(), CALLBACK_GAS, 1, DATA_ID_REGISTER);
  r.dataId = toHex(y.dataId);
  r.blockHeight = blockHeight();
  r.timestampNs = blockTimestamp();
  r.seed = executionSeed(r.id);
  r.inputHash = toHex(sha256(utf8(input)));
  // the event must fit one 16 KiB log line: big (or escape-heavy) inputs stay in state
  r.inputInState = utf8(input).length >= INLINE_INPUT_BYTES || utf8(quote(input)).length > INLINE_INPUT_BYTES + 2;
  const usageBefore = storageUsage();
  saveInput(r.id, input);
  saveRequest(r);
  pendingRequests().add(r.id.toString());
  const asg = assign(r, config, r.blockHeight);
  lockStorage(r, usageBefore, required);
  bump("requests");
  addAmount("deposits_held", r.deposit);

  emit("execution_requested", withAssignment(r.toEventJson(false), asg, r.blockHeight));
  returnPromise(y.promise);
}
