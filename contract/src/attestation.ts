// The bytes a worker signs (protocol/README.md "Attestation"), rebuilt here with the sha256 host function:
//   sha256("outlayer-mesh/attestation/v1" ‖ 0x00 ‖ u8 len(contract_id) ‖ contract_id ‖ u64le request_id
//          ‖ u8 success ‖ sha256(output) ‖ sha256(error utf8) ‖ u64le instructions)
import { JValue, Obj, concat, fail, fromBase64, optStr, sha256, toHex, u64Field, u64le, utf8, boolean, field, returnString, currentAccount, u64Of } from "../sdk";
import { args } from "./args";
import { MAX_ERROR_BYTES, MAX_OUTPUT_BYTES } from "./constants";

const DOMAIN = "outlayer-mesh/attestation/v1";

export class AttestedResult {
  private outputHash: Uint8Array | null = null;
  constructor(public success: bool, public output: Uint8Array, public error: string, public instructions: u64) {}

  /** sha256(output), computed once: the main response is digested once per attestation that signs it. */
  outputDigest(): Uint8Array {
    if (this.outputHash == null) this.outputHash = sha256(this.output);
    return this.outputHash!;
  }
}

export function attestationDigest(contractId: string, requestId: u64, r: AttestedResult): Uint8Array {
  const contract = utf8(contractId);
  if (contract.length == 0 || contract.length > 64) fail("contract id must be 1..64 bytes");
  const len = new Uint8Array(1);
  len[0] = <u8>contract.length;
  const success = new Uint8Array(1);
  success[0] = r.success ? 1 : 0;
  return sha256(concat([
    utf8(DOMAIN), new Uint8Array(1), len, contract, u64le(requestId), success,
    r.outputDigest(), sha256(utf8(r.error)), u64le(r.instructions)
  ]));
}

/** `{success, output? (base64), error?, instructions | resources_used.instructions}`; a missing output means `fallbackOutput`. */
export function parseAttested(v: JValue, fallbackOutput: Uint8Array | null): AttestedResult {
  const success = boolean(v, "success");
  let output: Uint8Array;
  if (v.has("output")) {
    const decoded = fromBase64(optStr(v, "output", ""));
    if (decoded == null) fail("output must be base64");
    output = decoded!;
  } else {
    output = fallbackOutput != null ? fallbackOutput! : new Uint8Array(0);
  }
  if (output.length > MAX_OUTPUT_BYTES) fail("output is limited to " + MAX_OUTPUT_BYTES.toString() + " bytes");
  const error = optStr(v, "error", "");
  if (utf8(error).length > MAX_ERROR_BYTES) fail("error is limited to " + MAX_ERROR_BYTES.toString() + " bytes");
  const instructions = v.has("resources_used") ? u64Field(field(v, "resources_used"), "instructions") : u64Field(v, "instructions");
  return new AttestedResult(success, output, error, instructions);
}

/** View for nodes and tests: the digest this deployment expects a worker to sign. */
export function get_attestation_digest(): void {
  const a = args();
  const requestId = u64Of(field(a, "request_id"), "request_id");
  const r = parseAttested(a, null);
  returnString(new Obj().str("digest", toHex(attestationDigest(currentAccount(), requestId, r))).done());
}
