// What a request may cost and what it did cost. Every term is attested or fixed; no time is charged.
//   charge = base_fee + floor(min(instructions, max_instructions) × per_million_instructions_fee / 1e6)
//            + compile_fee (built sources) + resolve_fee + receipt_fee
// A failure charges base_fee (+ compile_fee) + resolve_fee + receipt_fee. estimate_execution_cost is the
// charge at max_instructions, so the payer never pays more than it said.
import { U128 } from "../sdk";
import { Pricing } from "./config";
import { RECEIPT_BYTES } from "./constants";
import { storageCost } from "./storage-fee";

export function instructionsFee(p: Pricing, instructions: u64): U128 {
  return p.perMillionInstructions.mul(instructions).div(1_000_000);
}

/** The storage of the receipt a finished request keeps forever. */
export function receiptFee(): U128 {
  return storageCost(RECEIPT_BYTES);
}

/** What the workers share: base fee, instructions (capped by the limit), the fixed compile fee of built sources. */
export function workFee(p: Pricing, instructions: u64, maxInstructions: u64, built: bool, success: bool, compileOnly: bool): U128 {
  let fee = p.baseFee;
  if (built) fee = fee.add(p.compileFee);
  if (success && !compileOnly) fee = fee.add(instructionsFee(p, instructions < maxInstructions ? instructions : maxInstructions));
  return fee;
}

/** The most a request can be charged: the estimate, and what its deposit must cover besides its storage lock. */
export function worstCaseCost(p: Pricing, maxInstructions: u64, built: bool, compileOnly: bool): U128 {
  return workFee(p, maxInstructions, maxInstructions, built, true, compileOnly).add(p.resolveFee).add(receiptFee());
}
