// Which attested result wins, and who agreed.
//
// identical: attestations are grouped by their digest (success, output, error, instructions); the biggest group
//   (first seen on a tie) wins if it has at least Q members.
// median: the candidates are the successful attestations whose output, with ASCII whitespace trimmed, is one JSON
//   number. With at least Q candidates, they are ordered by numeric value (ties keep attestation order) and the
//   lower median wins: the element at index floor((n-1)/2). The winner is one attested output, byte for byte, so
//   its signature covers exactly what the contract returns. All candidates agree; the others disagree. With
//   fewer than Q numeric candidates the identical rule applies (e.g. Q workers reporting the same failure).
import { fail, fromUtf8 } from "../sdk";
import { AttestedResult } from "./attestation";

export class Signed {
  constructor(public workerId: string, public result: AttestedResult, public digest: string) {}
}

export class Outcome {
  constructor(public winner: Signed, public agreeing: string[], public disagreeing: string[]) {}
}

function isSpace(c: i32): bool { return c == 32 || c == 9 || c == 10 || c == 13; }
function isDigit(c: i32): bool { return c >= 48 && c <= 57; }

/** The output as a JSON number, or NaN. */
export function numericValue(output: Uint8Array): f64 {
  let start = 0, end = output.length;
  while (start < end && isSpace(output[start])) start++;
  while (end > start && isSpace(output[end - 1])) end--;
  let i = start;
  if (i < end && output[i] == 45) i++;
  const intStart = i;
  while (i < end && isDigit(output[i])) i++;
  if (i == intStart) return NaN;
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
  return parseFloat(fromUtf8(output.subarray(start, end)));
}

function identical(signed: Signed[], quorum: u64): Outcome {
  let best = 0, bestCount = 0;
  for (let i = 0; i < signed.length; i++) {
    let count = 0;
    for (let j = 0; j < signed.length; j++) if (signed[j].digest == signed[i].digest) count++;
    if (count > bestCount) { best = i; bestCount = count; }
  }
  if (<u64>bestCount < quorum) fail("too few valid attestations: " + bestCount.toString() + " agree, the quorum is " + quorum.toString());
  const agreeing = new Array<string>(), disagreeing = new Array<string>();
  for (let i = 0; i < signed.length; i++) {
    if (signed[i].digest == signed[best].digest) agreeing.push(signed[i].workerId);
    else disagreeing.push(signed[i].workerId);
  }
  return new Outcome(signed[best], agreeing, disagreeing);
}

function median(signed: Signed[], quorum: u64): Outcome | null {
  const candidates = new Array<i32>();
  const values = new Array<f64>();
  for (let i = 0; i < signed.length; i++) {
    if (!signed[i].result.success) continue;
    const v = numericValue(signed[i].result.output);
    if (isNaN(v)) continue;
    // insertion keeps equal values in attestation order
    candidates.push(i);
    values.push(v);
    let pos = candidates.length - 1;
    while (pos > 0 && values[pos - 1] > v) {
      candidates[pos] = candidates[pos - 1];
      values[pos] = values[pos - 1];
      pos--;
    }
    candidates[pos] = i;
    values[pos] = v;
  }
  if (<u64>candidates.length < quorum) return null;
  const winner = signed[candidates[(candidates.length - 1) / 2]];
  const agreeing = new Array<string>(), disagreeing = new Array<string>();
  for (let i = 0; i < signed.length; i++) {
    if (candidates.includes(i)) agreeing.push(signed[i].workerId);
    else disagreeing.push(signed[i].workerId);
  }
  return new Outcome(winner, agreeing, disagreeing);
}

export function decide(signed: Signed[], quorum: u64, aggregation: string): Outcome {
  if (aggregation == "median") {
    const m = median(signed, quorum);
    if (m != null) return m!;
  }
  return identical(signed, quorum);
}
