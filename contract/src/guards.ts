// Who may call what.
import { currentAccount, fail, predecessor } from "../sdk";
import { Config, loadConfig } from "./config";

export function requireOwner(): Config {
  const c = loadConfig();
  if (predecessor() != c.ownerId) fail("only the owner " + c.ownerId + " may call this method");
  return c;
}

/** The operator account (`operator_id`). The contract account itself also passes, but scripts/deploy.ts leaves it no key. */
export function requireOperator(): Config {
  const c = loadConfig();
  const caller = predecessor();
  if (caller != c.operatorId && caller != currentAccount()) fail("only the operator " + c.operatorId + " may resolve executions");
  return c;
}

export function requireSelf(): void {
  if (predecessor() != currentAccount()) fail("this method is private: only the contract itself may call it");
}

export function requireNotPaused(c: Config): void {
  if (c.paused) fail("the contract is paused");
}
