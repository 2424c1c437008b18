// resolve_execution: the operator hands in a result and the workers' signatures; the contract checks leases,
// signatures and the quorum itself, slashes dissenters, then resumes the yield. Any refusal panics, so a
// refused call changes nothing.
import {
  JValue, Obj, U128, arr, currentAccount, ed25519Verify, fail, field, fromBase64, obj, onlyKeys, str, toBase64,
  toHex, transfer, u64Field, u64Of, utf8, yieldResume, fromHex
} from "../sdk";
import { args } from "./args";
import { AttestedResult, attestationDigest, parseAttested } from "./attestation";
import { Config } from "./config";
import { MAX_COMPILATION_SECONDS, MAX_OUTPUT_BYTES, MAX_REPLICAS, MAX_YIELD_PAYLOAD } from "./constants";
import { emit } from "./events";
import { requireOperator } from "./guards";
import { findLease, loadLeases } from "./leases";
import { pendingRequests } from "./pending";
import { Outcome, Signed, decide } from "./quorum";
import { ExecRequest, STATUS_PENDING, STATUS_RESOLVED, loadOutput, loadRequest, saveOutput, saveRequest } from "./request";
import { Resolution, saveResolution } from "./resolution";
import { addAmount, bump } from "./stats";
import { findWorker, loadWorker, saveWorker } from "./workers";

function pendingRequest(a: JValue): ExecRequest {
  const r = loadRequest(u64Of(field(a, "request_id"), "request_id"));
  if (r.status != STATUS_PENDING) fail("request " + r.id.toString() + " is " + r.status + ", not pending");
  return r;
}

/** Checks every attestation; panics on a duplicate signer, a signer without a lease, or a bad signature. */
function verifyAttestations(r: ExecRequest, items: JValue[], main: AttestedResult): Signed[] {
  if (items.length == 0) fail("too few valid attestations: none given");
  if (items.length > MAX_REPLICAS) fail("at most " + MAX_REPLICAS.toString() + " attestations");
  const contract = currentAccount();
  const leases = loadLeases(r.id);
  const signed = new Array<Signed>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    onlyKeys(item, ["worker_id", "signature", "response"], "attestation");
    const workerId = str(item, "worker_id");
    for (let j = 0; j < signed.length; j++) if (signed[j].workerId == workerId) fail("duplicate signer " + workerId);
    const worker = findWorker(workerId);
    if (worker == null) fail("signer " + workerId + " is not a registered worker");
    if (findLease(leases, workerId) == null) fail("signer " + workerId + " holds no lease for request " + r.id.toString());
    // an attestation without its own response signs the main one
    const result = item.has("response") ? parseAttested(obj(item, "response"), null) : main;
    const digest = attestationDigest(contract, r.id, result);
    const signature = fromBase64(str(item, "signature"));
    if (signature == null || signature.length != 64) fail("signature of " + workerId + " must be 64 bytes in base64");
    if (!ed25519Verify(signature!, digest, worker!.keyBytes())) fail("invalid signature from " + workerId);
    signed.push(new Signed(workerId, result, toHex(digest)));
  }
  return signed;
}

/** Dissenters lose slash_share of their bond; it is split equally among the agreeing workers (remainder to the first). */
function slash(r: ExecRequest, outcome: Outcome, config: Config): void {
  let pool = U128.zero();
  for (let i = 0; i < outcome.disagreeing.length; i++) {
    const w = loadWorker(outcome.disagreeing[i]);
    const cut = w.bond.mul(config.slashShareBps).div(10_000);
    w.bond = w.bond.sub(cut);
    w.slashed = w.slashed.add(cut);
    w.disagreed++;
    saveWorker(w);
    pool = pool.add(cut);
    bump("disagreements");
    emit("worker_disagreed", new Obj().num("request_id", r.id).str("worker_id", w.accountId).amount("slashed", cut).done());
  }
  if (pool.isZero()) return;
  addAmount("slashed", pool);
  const n = <u64>outcome.agreeing.length;
  const share = pool.div(n);
  for (let i = 0; i < outcome.agreeing.length; i++) {
    const amount = i == 0 ? pool.sub(share.mul(n - 1)) : share;
    transfer(outcome.agreeing[i], amount);
  }
}

function minU64(a: u64, b: u64): u64 { return a < b ? a : b; }

export function resolve_execution(): void {
  const config = requireOperator();
  const a = args();
  onlyKeys(a, ["request_id", "response", "attestations"], "resolve_execution");
  const r = pendingRequest(a);
  const response = obj(a, "response");
  const stored = loadOutput(r.id);
  const main = parseAttested(response, stored);
  const signed = verifyAttestations(r, arr(a, "attestations"), main);
  const outcome = decide(signed, r.quorum, r.aggregation);
  if (toHex(attestationDigest(currentAccount(), r.id, main)) != outcome.winner.digest) {
    fail("the response does not match the result the quorum attested");
  }
  slash(r, outcome, config);

  const used = obj(response, "resources_used");
  const res = new Resolution();
  res.success = main.success;
  res.error = main.error;
  res.instructions = main.instructions;
  // time is not attested (it differs between honest machines): capped by the request's limits
  res.timeMs = minU64(u64Field(used, "time_ms"), r.maxSeconds * 1000);
  res.compileTimeMs = used.has("compile_time_ms") ? minU64(u64Field(used, "compile_time_ms"), MAX_COMPILATION_SECONDS * 1000) : 0;
  res.workers = outcome.agreeing;

  // base64 only what can fit the payload: encoding a big output just to measure it would waste gas
  const fits = (main.output.length + 2) / 3 * 4 + 64 <= MAX_YIELD_PAYLOAD;
  let payload = fits ? new Obj().num("request_id", r.id).str("output", toBase64(main.output)).done() : "";
  if (!fits || utf8(payload).length > MAX_YIELD_PAYLOAD) {
    res.outputInState = true;
    if (stored == null) saveOutput(r.id, main.output);
    payload = new Obj().num("request_id", r.id).bool("output_in_state", true).done();
  }
  saveResolution(r.id, res);
  r.status = STATUS_RESOLVED;
  saveRequest(r);
  pendingRequests().delete(r.id.toString());
  if (!yieldResume(fromHex(r.dataId, 32)!, utf8(payload))) fail("request " + r.id.toString() + " can no longer be resumed (its yield timed out)");
  emit("execution_resolved", new Obj().num("request_id", r.id).raw("resolution", res.toJson()).done());
}

/** OutLayer's two-step flow for big outputs: store the output first, then resolve without `output`. */
export function submit_execution_output(): void {
  requireOperator();
  const a = args();
  const r = pendingRequest(a);
  const output = fromBase64(str(a, "output"));
  if (output == null) fail("output must be base64");
  if (output!.length > MAX_OUTPUT_BYTES) fail("output is limited to " + MAX_OUTPUT_BYTES.toString() + " bytes");
  saveOutput(r.id, output!);
}
