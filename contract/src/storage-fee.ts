// Callers pay for the state they add (projects, secrets) at nearcore's staking price; any excess goes back.
import { U128, attachedDeposit, fail, predecessor, storageUsage, transfer } from "../sdk";
import { STORAGE_PRICE_PER_BYTE } from "./constants";

export function storageCost(bytes: u64): U128 {
  return U128.from(STORAGE_PRICE_PER_BYTE).mul(bytes);
}

/** Charges the growth since `usageBefore` to the attached deposit and refunds the rest; returns what was charged. */
export function chargeStorage(usageBefore: u64): U128 {
  const after = storageUsage();
  const grown: u64 = after > usageBefore ? after - usageBefore : 0;
  const cost = storageCost(grown);
  const deposit = attachedDeposit();
  if (deposit.lt(cost)) fail("attached deposit " + deposit.toString() + " does not cover storage of " + grown.toString() + " bytes: " + cost.toString() + " yocto needed");
  transfer(predecessor(), deposit.sub(cost));
  return cost;
}
