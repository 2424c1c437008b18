// One execution request as stored, and as emitted in `execution_requested` (the shape of protocol/request.ts
// ExecutionRequest, which workers check with validateExecutionRequest).
import {
  JValue, Obj, U128, fail, optStr, parseJson, read, readU64, remove, str, writeU64, stringify, u128Field, u64Field,
  utf8, write, boolean, field, obj
} from "../sdk";
import { Pricing } from "./config";

export const STATUS_PENDING = "pending";
export const STATUS_RESOLVED = "resolved";
export const STATUS_COMPLETED = "completed";
/** settle_unreachable showed no quorum can form: the callback settles it as a timeout */
export const STATUS_UNREACHABLE = "unreachable";

export class ExecRequest {
  id: u64 = 0;
  dataId: string = "";
  senderId: string = "";
  predecessorId: string = "";
  payerId: string = "";
  /** canonical JSON of a GitHub or WasmUrl source */
  source: string = "";
  projectId: string = "";
  versionKey: string = "";
  maxInstructions: u64 = 0;
  maxMemoryMb: u64 = 0;
  maxSeconds: u64 = 0;
  inputInState: bool = false;
  /** JSON or "" */
  secretsRef: string = "";
  responseFormat: string = "Text";
  replicas: u64 = 1;
  quorum: u64 = 1;
  aggregation: string = "identical";
  /** per_field: the spec's JSON (field-spec.ts), else "" */
  fields: string = "";
  /** JSON or "" */
  params: string = "";
  compileOnly: bool = false;
  blockHeight: u64 = 0;
  timestampNs: u64 = 0;
  seed: string = "";
  /** hex sha256 of input_data's utf8 bytes: bound into every digest */
  inputHash: string = "";
  /** bound into the digest and shown in the event (the config's network_id at request time) */
  networkId: string = "";
  deposit: U128 = U128.zero();
  /** the part of the deposit that pays for this request's state until it ends (refunded then) */
  storageLock: U128 = U128.zero();
  pricing: Pricing = new Pricing();
  status: string = STATUS_PENDING;

  /** The event/worker view. The input is inlined unless it lives in state and `withInput` is false. */
  toEventJson(withInput: bool): string {
    const o = new Obj()
      .num("request_id", this.id)
      .str("data_id", this.dataId)
      .str("sender_id", this.senderId)
      .str("predecessor_id", this.predecessorId)
      .str("payer_account_id", this.payerId)
      .raw("source", this.source);
    if (this.projectId.length > 0) o.str("project_id", this.projectId).str("version_key", this.versionKey);
    o.raw("resource_limits", new Obj()
      .num("max_instructions", this.maxInstructions)
      .num("max_memory_mb", this.maxMemoryMb)
      .num("max_execution_seconds", this.maxSeconds).done());
    if (this.inputInState) o.bool("input_data_in_state", true);
    if (!this.inputInState || withInput) o.str("input_data", loadInput(this.id));
    if (this.secretsRef.length > 0) o.raw("secrets_ref", this.secretsRef);
    o.str("response_format", this.responseFormat)
      .raw("redundancy", this.redundancyJson());
    if (this.params.length > 0) o.raw("params", this.params);
    return o.num("block_height", this.blockHeight)
      .big("timestamp_ns", this.timestampNs)
      .str("seed", this.seed)
      .str("network_id", this.networkId)
      .str("input_hash", this.inputHash)
      // yoctoNEAR as a decimal string (u128): protocol/request.ts checks it as `attached_deposit`
      .amount("attached_deposit", this.deposit)
      .done();
  }

  redundancyJson(): string {
    const o = new Obj().num("replicas", this.replicas).num("quorum", this.quorum).str("aggregation", this.aggregation);
    if (this.fields.length > 0) o.raw("fields", this.fields);
    return o.done();
  }

  toRecordJson(): string {
    return new Obj()
      .raw("request", this.toEventJson(false))
      .raw("pricing", this.pricing.toJson())
      .bool("compile_only", this.compileOnly)
      .amount("storage_lock", this.storageLock)
      .str("status", this.status)
      .done();
  }

  static fromRecord(v: JValue): ExecRequest {
    const q = obj(v, "request");
    const r = new ExecRequest();
    r.id = u64Field(q, "request_id");
    r.dataId = str(q, "data_id");
    r.senderId = str(q, "sender_id");
    r.predecessorId = str(q, "predecessor_id");
    r.payerId = str(q, "payer_account_id");
    r.source = stringify(field(q, "source"));
    r.projectId = optStr(q, "project_id", "");
    r.versionKey = optStr(q, "version_key", "");
    const limits = obj(q, "resource_limits");
    r.maxInstructions = u64Field(limits, "max_instructions");
    r.maxMemoryMb = u64Field(limits, "max_memory_mb");
    r.maxSeconds = u64Field(limits, "max_execution_seconds");
    r.inputInState = q.has("input_data_in_state");
    r.secretsRef = q.has("secrets_ref") ? stringify(field(q, "secrets_ref")) : "";
    r.responseFormat = str(q, "response_format");
    const red = obj(q, "redundancy");
    r.replicas = u64Field(red, "replicas");
    r.quorum = u64Field(red, "quorum");
    r.aggregation = str(red, "aggregation");
    r.fields = red.has("fields") ? stringify(field(red, "fields")) : "";
    r.params = q.has("params") ? stringify(field(q, "params")) : "";
    r.blockHeight = u64Field(q, "block_height");
    r.timestampNs = u64Field(q, "timestamp_ns");
    r.seed = str(q, "seed");
    r.networkId = str(q, "network_id");
    r.inputHash = str(q, "input_hash");
    r.storageLock = u128Field(v, "storage_lock");
    r.deposit = u128Field(q, "attached_deposit");
    r.pricing = Pricing.fromJson(obj(v, "pricing"));
    r.compileOnly = boolean(v, "compile_only");
    r.status = str(v, "status");
    return r;
  }
}

const NEXT_ID_KEY = "next_request_id";

/** The id of a new request: ids start at 1 and are never reused. */
export function issueRequestId(): u64 {
  const id = readU64(NEXT_ID_KEY, 1);
  writeU64(NEXT_ID_KEY, id + 1);
  return id;
}

function recordKey(id: u64): string { return "r:" + id.toString(); }
function inputKey(id: u64): string { return "in:" + id.toString(); }
function receiptKey(id: u64): string { return "rc:" + id.toString(); }

export function findRequest(id: u64): ExecRequest | null {
  const text = read(recordKey(id));
  return text == null ? null : ExecRequest.fromRecord(parseJson(utf8(text!)));
}

/** The receipt a finished request leaves (receipt.ts), or null. */
export function findReceipt(id: u64): string | null {
  return read(receiptKey(id));
}

export function saveReceipt(id: u64, json: string): void {
  write(receiptKey(id), json);
}

export function loadRequest(id: u64): ExecRequest {
  const r = findRequest(id);
  if (r == null) {
    const receipt = findReceipt(id);
    if (receipt != null) fail("request " + id.toString() + " is " + str(parseJson(utf8(receipt!)), "status") + ", not pending");
    fail("request " + id.toString() + " does not exist");
  }
  return r!;
}

/** A pending request, or why request `id` is no longer pending. */
export class PendingLookup {
  constructor(public request: ExecRequest | null, public whyNot: string) {}
}

/**
 * Request `id` while it is pending, or why not any more: resolved, unreachable, completed (its receipt) or
 * cancelled (nothing left). Another call or a timeout got there first, so a batch skips such an item. An id that
 * was never issued panics: no race makes it.
 */
export function lookupPending(id: u64): PendingLookup {
  if (id == 0 || id >= readU64(NEXT_ID_KEY, 1)) fail("request " + id.toString() + " does not exist");
  const r = findRequest(id);
  if (r != null) return new PendingLookup(r.status == STATUS_PENDING ? r : null, "request " + id.toString() + " is " + r.status + ", not pending");
  const receipt = findReceipt(id);
  if (receipt != null) return new PendingLookup(null, "request " + id.toString() + " is " + str(parseJson(utf8(receipt!)), "status") + ", not pending");
  return new PendingLookup(null, "request " + id.toString() + " does not exist any more (cancelled)");
}

export function saveRequest(r: ExecRequest): void {
  write(recordKey(r.id), r.toRecordJson());
}

export function saveInput(id: u64, input: string): void {
  write(inputKey(id), input);
}

export function loadInput(id: u64): string {
  const v = read(inputKey(id));
  return v == null ? "" : v!;
}

/** The open request's record and input (its assignment, resolution and blobs are freed by their own units). */
export function dropRequestRecord(id: u64): void {
  remove(inputKey(id));
  remove(recordKey(id));
}
