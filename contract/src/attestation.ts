// Digest v2 (protocol/README.md "Attestation v2"), rebuilt here with the sha256 host function:
//   sha256("outlayer-mesh/attestation/v2" ‖ 0x00 ‖ u8 len(network_id) ‖ network_id ‖ u8 len(contract_id) ‖ contract_id
//          ‖ u64le request_id ‖ data_id ‖ input_hash ‖ seed ‖ u8 len(worker_id) ‖ worker_id
//          ‖ code_hash ‖ u8 success ‖ sha256(output) ‖ sha256(error utf8) ‖ u64le instructions ‖ transcript_hash)
// and the commit a worker puts on chain before any result is public:
//   commit = sha256("outlayer-mesh/commit/v1" ‖ 0x00 ‖ digest ‖ salt)
import {
  JValue, Obj, boolean, concat, currentAccount, fail, field, fromBase64, fromHex, optStr, returnString, sha256, str,
  toHex, u64Field, u64Of, u64le, utf8
} from "../sdk";
import { argsOf } from "./args";
import { MAX_ACCOUNT_ID, capped } from "./limits";
import { loadConfig } from "./config";
import { MAX_ERROR_BYTES, MAX_OUTPUT_BYTES } from "./constants";
import { ExecRequest, findRequest } from "./request";

const DIGEST_DOMAIN = "outlayer-mesh/attestation/v2";
const COMMIT_DOMAIN = "outlayer-mesh/commit/v1";
/** sha256(""): the transcript hash of a run that made no I/O */
export const EMPTY_TRANSCRIPT_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** The part of the digest every agreeing worker shares (everything after worker_id). */
export class AttestedResult {
  constructor(
    public codeHash: Uint8Array, public success: bool, public outputHash: Uint8Array, public errorHash: Uint8Array,
    public error: string, public instructions: u64, public transcriptHash: Uint8Array
  ) {}

  private tailBytes(): Uint8Array {
    const flag = new Uint8Array(1);
    flag[0] = this.success ? 1 : 0;
    return concat([this.codeHash, flag, this.outputHash, this.errorHash, u64le(this.instructions), this.transcriptHash]);
  }

  /** Equal keys ⇔ the results agree (the `identical` rule). */
  key(): string {
    return toHex(sha256(this.tailBytes()));
  }

  digest(ctx: DigestContext, workerId: string): Uint8Array {
    return sha256(concat([ctx.prefix, shortText(workerId, "worker id"), this.tailBytes()]));
  }
}

function shortText(text: string, what: string): Uint8Array {
  const bytes = utf8(text);
  if (bytes.length == 0 || bytes.length > 64) fail(what + " must be 1..64 bytes");
  const len = new Uint8Array(1);
  len[0] = <u8>bytes.length;
  return concat([len, bytes]);
}

export function hex32(text: string, what: string): Uint8Array {
  const bytes = fromHex(text, 32);
  if (bytes == null) fail(what + " must be 64 lowercase hex characters");
  return bytes!;
}

/** The request-bound prefix of every digest of one request, built once per resolve. */
export class DigestContext {
  prefix: Uint8Array;
  constructor(networkId: string, contractId: string, requestId: u64, dataId: Uint8Array, inputHash: Uint8Array, seed: Uint8Array) {
    this.prefix = concat([utf8(DIGEST_DOMAIN), new Uint8Array(1), shortText(networkId, "network id"), shortText(contractId, "contract id"),
      u64le(requestId), dataId, inputHash, seed]);
  }

  static of(r: ExecRequest, networkId: string): DigestContext {
    return new DigestContext(networkId, currentAccount(), r.id, hex32(r.dataId, "data_id"), hex32(r.inputHash, "input_hash"), hex32(r.seed, "seed"));
  }
}

export function commitOf(digest: Uint8Array, salt: Uint8Array): string {
  return toHex(sha256(concat([utf8(COMMIT_DOMAIN), new Uint8Array(1), digest, salt])));
}

/** A result with its output bytes, when they are at hand. */
export class ResultWithOutput {
  constructor(public result: AttestedResult, public output: Uint8Array | null) {}
}

function checkError(error: string): void {
  if (utf8(error).length > MAX_ERROR_BYTES) fail("error is limited to " + MAX_ERROR_BYTES.toString() + " bytes");
}

function instructionsOf(v: JValue): u64 {
  return v.has("resources_used") ? u64Field(field(v, "resources_used"), "instructions") : u64Field(v, "instructions");
}

/**
 * `{code_hash, success, output? (base64) | output_hash? (hex), error?, instructions | resources_used{instructions},
 * transcript_hash?}`. An output given by hash must be looked up by the caller (`output` is then null).
 */
export function parseAttested(v: JValue): ResultWithOutput {
  const success = boolean(v, "success");
  let output: Uint8Array | null = null;
  let outputHash: Uint8Array;
  if (v.has("output")) {
    if (v.has("output_hash")) fail("give output or output_hash, not both");
    output = fromBase64(optStr(v, "output", ""));
    if (output == null) fail("output must be base64");
    if (output!.length > MAX_OUTPUT_BYTES) fail("output is limited to " + MAX_OUTPUT_BYTES.toString() + " bytes");
    outputHash = sha256(output!);
  } else if (v.has("output_hash")) {
    outputHash = hex32(str(v, "output_hash"), "output_hash");
  } else {
    output = new Uint8Array(0);
    outputHash = sha256(output!);
  }
  const error = optStr(v, "error", "");
  checkError(error);
  const transcript = hex32(optStr(v, "transcript_hash", EMPTY_TRANSCRIPT_HASH), "transcript_hash");
  const result = new AttestedResult(hex32(str(v, "code_hash"), "code_hash"), success, outputHash, sha256(utf8(error)), error, instructionsOf(v), transcript);
  return new ResultWithOutput(result, output);
}

/** The hashed form report_equivocation takes: `{code_hash, success, output_hash, error_hash, instructions, transcript_hash}`. */
export function parseHashedResult(v: JValue): AttestedResult {
  return new AttestedResult(hex32(str(v, "code_hash"), "code_hash"), boolean(v, "success"), hex32(str(v, "output_hash"), "output_hash"),
    hex32(str(v, "error_hash"), "error_hash"), "", u64Field(v, "instructions"), hex32(str(v, "transcript_hash"), "transcript_hash"));
}

function hexArg(a: JValue, key: string, fallback: string): Uint8Array {
  return hex32(optStr(a, key, fallback), key);
}

/**
 * View: the digest a worker must sign here, and its commit for a salt. The request's data_id, input_hash and
 * seed are taken from the request when it is open; `data_id`, `input_hash`, `seed` (hex) override them.
 * `{request_id, worker_id, code_hash, success, output | output_hash, error?, instructions, transcript_hash?, salt?}`
 */
export function get_attestation_digest(): void {
  const a = argsOf("get_attestation_digest", [
    "request_id", "worker_id", "code_hash", "success", "output", "output_hash", "error", "instructions", "resources_used",
    "transcript_hash", "salt", "data_id", "input_hash", "seed"
  ]);
  const requestId = u64Of(field(a, "request_id"), "request_id");
  const r = findRequest(requestId);
  const ctx = new DigestContext(loadConfig().networkId, currentAccount(), requestId,
    hexArg(a, "data_id", r == null ? "" : r!.dataId), hexArg(a, "input_hash", r == null ? "" : r!.inputHash), hexArg(a, "seed", r == null ? "" : r!.seed));
  const digest = parseAttested(a).result.digest(ctx, capped(str(a, "worker_id"), MAX_ACCOUNT_ID, "worker_id"));
  const out = new Obj().str("digest", toHex(digest));
  if (a.has("salt")) out.str("commit", commitOf(digest, hex32(str(a, "salt"), "salt")));
  returnString(out.done());
}
