// What a request may cost (the deposit must cover the worst case) and what it did cost.
//   cost = base_fee + floor(instructions × per_million_instructions_fee / 1e6) + time_ms × per_ms_fee
//          + compile_time_ms × per_compile_ms_fee
import { U128 } from "../sdk";
import { Pricing } from "./config";

export function instructionsFee(p: Pricing, instructions: u64): U128 {
  return p.perMillionInstructions.mul(instructions).div(1_000_000);
}

export function executionCost(p: Pricing, instructions: u64, timeMs: u64, compileMs: u64): U128 {
  return p.baseFee
    .add(instructionsFee(p, instructions))
    .add(p.perMs.mul(timeMs))
    .add(p.perCompileMs.mul(compileMs));
}

/** OutLayer's worst case: every instruction and every second of the limits; compile-only costs the base fee. */
export function worstCaseCost(p: Pricing, maxInstructions: u64, maxSeconds: u64, compileOnly: bool): U128 {
  if (compileOnly) return p.baseFee;
  return p.baseFee.add(instructionsFee(p, maxInstructions)).add(p.perMs.mul(maxSeconds * 1000));
}
