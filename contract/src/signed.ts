// What the aggregation rules work on (quorum.ts, per-field.ts): a checked reveal, the outcome of a rule, the
// strict number reader of the median rule, and the ordering both median rules use.
import { fromUtf8 } from "../sdk";
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

/** Insertion into `order` (indices into signed) keeping `values` ascending; equal values keep their order. */
export function insertSorted<T>(order: i32[], values: T[], index: i32, value: T): void {
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
