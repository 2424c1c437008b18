// per_field (contract/README.md "Aggregation", protocol/aggregation.ts `aggregatePerField`): the candidates are the
// successful reveals whose output is one JSON object of at most MAX_PER_FIELD_OUTPUT bytes, with no escape in a
// top-level key and no named field twice, from the most common code_hash among them (first seen on a tie). Each
// value is taken as its compact raw text (whitespace outside strings removed), so nothing is decoded or formatted:
//   median:    the values that are one strict JSON number (numericValue); with at least 2Q−1 of them the lower
//              median by value (ties keep reveal order) wins, byte for byte. Agreeing: those with a number.
//   identical: the biggest group of equal texts, at least Q of them. Agreeing: its members.
//   mode:      the biggest group among the candidates that have the field (at least Q have it; ties: the
//              smallest text, bytewise). Agreeing: every candidate that has the field.
// A candidate agrees when it agrees on every field; at least Q must. The output is `{"name":text,...}` in name
// order, the instructions charged the lower median of the agreeing candidates'. Any field without agreement, or
// fewer than Q agreeing, and the rule gives nothing (quorum.ts then applies the identical rule).
import { bytesEqual, compactJson, concat, fromHex, objectMembers, quote, RawMember, sha256, toHex, utf8 } from "../sdk";
import { AttestedResult, EMPTY_TRANSCRIPT_HASH } from "./attestation";
import { FieldSpec, RULE_IDENTICAL, RULE_MEDIAN, RULE_MODE } from "./field-spec";
import { MAX_PER_FIELD_OUTPUT } from "./limits";
import { Outcome, Signed, insertSorted, numericValue } from "./signed";

/** -1, 0 or 1 as `a` sorts before, with or after `b`, byte by byte. */
function compareBytes(a: Uint8Array, b: Uint8Array): i32 {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length == b.length ? 0 : a.length < b.length ? -1 : 1;
}

function nameIndex(output: Uint8Array, m: RawMember, spec: FieldSpec): i32 {
  const len = m.keyEnd - m.keyStart;
  for (let f = 0; f < spec.names.length; f++) {
    const name = spec.names[f];
    if (name.length != len) continue;
    let same = true;
    for (let k = 0; same && k < len; k++) same = <i32>output[m.keyStart + k] == name.charCodeAt(k);
    if (same) return f;
  }
  return -1;
}

/** The compact text of each named field (null where absent), or null when the output is no candidate. */
export function fieldValues(output: Uint8Array, spec: FieldSpec): Array<Uint8Array | null> | null {
  if (output.length > MAX_PER_FIELD_OUTPUT) return null;
  const members = objectMembers(output);
  if (members == null) return null;
  const values = new Array<Uint8Array | null>(spec.names.length);
  for (let i = 0; i < members!.length; i++) {
    const m = members![i];
    // an escaped key could spell a named field another way: such an output is no candidate
    for (let k = m.keyStart; k < m.keyEnd; k++) if (output[k] == 92) return null;
    const f = nameIndex(output, m, spec);
    if (f < 0) continue;
    if (values[f] != null) return null;
    values[f] = compactJson(output, m.valueStart, m.valueEnd);
  }
  return values;
}

class Candidate {
  constructor(public signed: Signed, public values: Array<Uint8Array | null>) {}
}

function candidatesOf(signed: Signed[], spec: FieldSpec): Candidate[] {
  const all = new Array<Candidate>();
  const codes = new Array<string>();
  for (let i = 0; i < signed.length; i++) {
    const s = signed[i];
    if (!s.result.success || s.output == null) continue;
    const values = fieldValues(s.output!, spec);
    if (values == null) continue;
    all.push(new Candidate(s, values!));
    codes.push(toHex(s.result.codeHash));
  }
  // one program: the most common code_hash among them, the first seen on a tie
  let best = 0, bestCount = 0;
  for (let i = 0; i < codes.length; i++) {
    let count = 0;
    for (let j = 0; j < codes.length; j++) if (codes[j] == codes[i]) count++;
    if (count > bestCount) { best = i; bestCount = count; }
  }
  const kept = new Array<Candidate>();
  for (let i = 0; i < all.length; i++) if (codes[i] == codes[best]) kept.push(all[i]);
  return kept;
}

/** Into `order`: the candidates whose field f is one strict JSON number, by value (ties keep reveal order). */
function numbersOf(cands: Candidate[], f: i32, order: i32[]): void {
  const values = new Array<f64>();
  for (let c = 0; c < cands.length; c++) {
    const text = cands[c].values[f];
    if (text == null) continue;
    const v = numericValue(text!);
    if (!isNaN(v)) insertSorted<f64>(order, values, c, v);
  }
}

/** The candidate holding field f's most common text (ties: the smallest text), or -1 when none has it. */
function commonest(cands: Candidate[], f: i32, counts: i32[]): i32 {
  let best = -1, bestCount = 0;
  for (let c = 0; c < cands.length; c++) {
    const text = cands[c].values[f];
    if (text == null) { counts.push(0); continue; }
    let count = 0;
    for (let d = 0; d < cands.length; d++) {
      const other = cands[d].values[f];
      if (other != null && bytesEqual(other!, text!)) count++;
    }
    counts.push(count);
    if (count > bestCount || (count == bestCount && compareBytes(text!, cands[best].values[f]!) < 0)) { best = c; bestCount = count; }
  }
  return best;
}

function present(cands: Candidate[], f: i32): u64 {
  let n: u64 = 0;
  for (let c = 0; c < cands.length; c++) if (cands[c].values[f] != null) n++;
  return n;
}

/** Field f's agreed text (and `agree[c] = false` for a candidate that does not agree on it), or null. */
function agreeOn(cands: Candidate[], f: i32, rule: string, quorum: u64, agree: bool[]): Uint8Array | null {
  if (rule == RULE_MEDIAN) {
    const order = new Array<i32>();
    numbersOf(cands, f, order);
    if (<u64>order.length < 2 * quorum - 1) return null;
    for (let c = 0; c < cands.length; c++) if (!order.includes(c)) agree[c] = false;
    return cands[order[(order.length - 1) / 2]].values[f];
  }
  const counts = new Array<i32>();
  const best = commonest(cands, f, counts);
  if (best < 0) return null;
  const text = cands[best].values[f]!;
  if (rule == RULE_IDENTICAL && <u64>counts[best] < quorum) return null;
  if (rule == RULE_MODE && present(cands, f) < quorum) return null;
  for (let c = 0; c < cands.length; c++) {
    const own = cands[c].values[f];
    if (own == null || (rule == RULE_IDENTICAL && !bytesEqual(own!, text))) agree[c] = false;
  }
  return text;
}

/** The per_field outcome, or null when the rule gives nothing. */
export function perField(signed: Signed[], quorum: u64, spec: FieldSpec): Outcome | null {
  const cands = candidatesOf(signed, spec);
  if (<u64>cands.length < quorum) return null;
  const agree = new Array<bool>(cands.length);
  for (let c = 0; c < cands.length; c++) agree[c] = true;
  const parts = new Array<Uint8Array>();
  for (let f = 0; f < spec.names.length; f++) {
    const text = agreeOn(cands, f, spec.rules[f], quorum, agree);
    if (text == null) return null;
    parts.push(utf8((f == 0 ? "{" : ",") + quote(spec.names[f]) + ":"));
    parts.push(text!);
  }
  parts.push(utf8("}"));
  const order = new Array<i32>(), instructions = new Array<u64>();
  const agreeing = new Array<string>();
  for (let c = 0; c < cands.length; c++) {
    if (!agree[c]) continue;
    agreeing.push(cands[c].signed.workerId);
    insertSorted<u64>(order, instructions, c, cands[c].signed.result.instructions);
  }
  if (<u64>agreeing.length < quorum) return null;
  const disagreeing = new Array<string>();
  for (let i = 0; i < signed.length; i++) if (!agreeing.includes(signed[i].workerId)) disagreeing.push(signed[i].workerId);
  const composed = concat(parts);
  const charged = instructions[(instructions.length - 1) / 2];
  const empty = sha256(new Uint8Array(0));
  const result = new AttestedResult(cands[0].signed.result.codeHash, true, sha256(composed), empty, "", charged, fromHex(EMPTY_TRANSCRIPT_HASH, 32)!);
  return new Outcome(new Signed("", result, composed), charged, agreeing, disagreeing);
}

/**
 * Whether a resolve could still pass the rule given the shown reveals plus `unknown` results that could be anything
 * (committed workers not shown); an output named by hash and not uploaded counts as unknown too. Each test is
 * necessary for a pass; code hashes are not looked at, which only makes the answer "reachable" more often.
 */
export function perFieldReachable(signed: Signed[], unknown: u64, quorum: u64, spec: FieldSpec): bool {
  let wild = unknown;
  const cands = new Array<Candidate>();
  for (let i = 0; i < signed.length; i++) {
    const s = signed[i];
    if (!s.result.success) continue;
    if (s.output == null) { wild++; continue; }
    const values = fieldValues(s.output!, spec);
    if (values != null) cands.push(new Candidate(s, values!));
  }
  if (<u64>cands.length + wild < quorum) return false;
  for (let f = 0; f < spec.names.length; f++) {
    const rule = spec.rules[f];
    if (rule == RULE_MEDIAN) {
      const order = new Array<i32>();
      numbersOf(cands, f, order);
      if (<u64>order.length + wild < 2 * quorum - 1) return false;
      continue;
    }
    const counts = new Array<i32>();
    const best = commonest(cands, f, counts);
    const biggest: u64 = best < 0 ? 0 : <u64>counts[best];
    if (rule == RULE_IDENTICAL && biggest + wild < quorum) return false;
    if (rule == RULE_MODE && present(cands, f) + wild < quorum) return false;
  }
  return true;
}
