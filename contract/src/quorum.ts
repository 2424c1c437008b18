// Which revealed result wins, and who agreed (proofs in contract/README.md, "Aggregation").
//
// identical: reveals are grouped by result (code_hash, success, sha256(output), sha256(error), instructions,
//   transcript_hash); the biggest group (first seen on a tie) wins if it has at least Q members.
// median: the candidates are the successful reveals whose output is exactly one JSON number (strict grammar, no
//   whitespace, finite). With at least 2Q−1 candidates they are ordered by value (ties keep reveal order) and the
//   lower median, index ⌊(n−1)/2⌋, wins: its output is returned byte for byte. With f ≤ Q−1 liars both sides of
//   it hold an honest value, so it lies within the honest range. Instructions charged: the lower median of the
//   candidates' instructions. With fewer candidates the identical rule applies (Q equal failures, say).
// per_field: per-field.ts composes an object from the reveals' outputs, field by field; when it gives nothing the
//   identical rule applies, as for median.
import { fail } from "../sdk";
import { Outcome, Signed, insertSorted, numericValue } from "./signed";
import { FieldSpec } from "./field-spec";
import { perField } from "./per-field";

export { Outcome, Signed, numericValue } from "./signed";

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

/** `fields` is the request's spec when the aggregation is per_field, else null. */
export function decide(signed: Signed[], quorum: u64, aggregation: string, fields: FieldSpec | null): Outcome {
  if (aggregation == "median") {
    const m = median(signed, quorum);
    if (m != null) return m!;
  }
  if (aggregation == "per_field") {
    const m = perField(signed, quorum, fields!);
    if (m != null) return m!;
  }
  return identical(signed, quorum);
}
