// Which revealed result wins, and who agreed (proofs in contract/README.md, "Aggregation").
//
// identical: reveals are grouped by result (code_hash, success, sha256(output), sha256(error), instructions,
//   transcript_hash); the biggest group (first seen on a tie) wins if it has at least Q members.
// median: the candidates are the successful reveals whose output is exactly one JSON number (strict grammar, no
//   whitespace, finite). With at least 2Q−1 candidates they are ordered by value (ties keep reveal order) and the
//   lower median, index ⌊(n−1)/2⌋, wins: its output is returned byte for byte. With f ≤ Q−1 liars both sides of
//   it hold an honest value, so it lies within the honest range. Instructions charged: the lower median of the
//   candidates' instructions. With fewer candidates the identical rule applies (Q equal failures, say).
import { fail, fromUtf8 } from "../sdk";
import { AttestedResult } from "./attestation";

export class Signed {
  constructor(public workerId: string, public result: AttestedResult, public output: Uint8Array | null) {}
}

export class Outcome {
  constructor(public winner: Signed, public instructions: u64, public agreeing: string[], public disagreeing: string[]) {}
}

const MAX_NUMBER_BYTES = 64;
function isDigit(c: i32): bool { return c >= 48 && c <= 57; }

/** The output as a JSON number (RFC 8259 grammar, nothing around it), or NaN. */
export function numericValue(output: Uint8Array): f64 {
  const end = output.length;
  if (end == 0 || end > MAX_NUMBER_BYTES) return NaN;
  let i = 0;
  if (output[i] == 45) i++;
  if (i >= end) return NaN;
  if (output[i] == 48) {
    i++;
  } else {
    const intStart = i;
    while (i < end && isDigit(output[i])) i++;
    if (i == intStart) return NaN;
  }
  if (i < end && output[i] == 46) {
    i++;
    const fracStart = i;
    while (i < end && isDigit(output[i])) i++;
    if (i == fracStart) return NaN;
  }
  if (i < end && (output[i] == 101 || output[i] == 69)) {
    i++;
    if (i < end && (output[i] == 43 || output[i] == 45)) i++;
    const expStart = i;
    while (i < end && isDigit(output[i])) i++;
    if (i == expStart) return NaN;
  }
  if (i != end) return NaN;
  const v = parseFloat(fromUtf8(output));
  return isFinite(v) ? v : NaN;
}

function identical(signed: Signed[], quorum: u64): Outcome {
  let best = 0, bestCount = 0;
  const keys = new Array<string>(signed.length);
  for (let i = 0; i < signed.length; i++) keys[i] = signed[i].result.key();
  for (let i = 0; i < signed.length; i++) {
    let count = 0;
    for (let j = 0; j < signed.length; j++) if (keys[j] == keys[i]) count++;
    if (count > bestCount) { best = i; bestCount = count; }
  }
  if (<u64>bestCount < quorum) fail("too few agreeing reveals: " + bestCount.toString() + " agree, the quorum is " + quorum.toString());
  const agreeing = new Array<string>(), disagreeing = new Array<string>();
  for (let i = 0; i < signed.length; i++) {
    if (keys[i] == keys[best]) agreeing.push(signed[i].workerId);
    else disagreeing.push(signed[i].workerId);
  }
  return new Outcome(signed[best], signed[best].result.instructions, agreeing, disagreeing);
}

/** Insertion into `order` (indices into signed) keeping `values` ascending; equal values keep their order. */
function insertSorted<T>(order: i32[], values: T[], index: i32, value: T): void {
  order.push(index);
  values.push(value);
  let pos = order.length - 1;
  while (pos > 0 && values[pos - 1] > value) {
    order[pos] = order[pos - 1];
    values[pos] = values[pos - 1];
    pos--;
  }
  order[pos] = index;
  values[pos] = value;
}

function median(signed: Signed[], quorum: u64): Outcome | null {
  const byValue = new Array<i32>(), values = new Array<f64>();
  const byInstructions = new Array<i32>(), instructions = new Array<u64>();
  for (let i = 0; i < signed.length; i++) {
    const s = signed[i];
    if (!s.result.success || s.output == null) continue;
    const v = numericValue(s.output!);
    if (isNaN(v)) continue;
    insertSorted<f64>(byValue, values, i, v);
    insertSorted<u64>(byInstructions, instructions, i, s.result.instructions);
  }
  const n = byValue.length;
  if (<u64>n < 2 * quorum - 1) return null;
  const mid = (n - 1) / 2;
  const agreeing = new Array<string>(), disagreeing = new Array<string>();
  for (let i = 0; i < signed.length; i++) {
    if (byValue.includes(i)) agreeing.push(signed[i].workerId);
    else disagreeing.push(signed[i].workerId);
  }
  return new Outcome(signed[byValue[mid]], instructions[mid], agreeing, disagreeing);
}

export function decide(signed: Signed[], quorum: u64, aggregation: string): Outcome {
  if (aggregation == "median") {
    const m = median(signed, quorum);
    if (m != null) return m!;
  }
  return identical(signed, quorum);
}
