// Who may call what.
import { currentAccount, fail, predecessor } from "../sdk";
import { Config, loadConfig } from "./config";

export function requireOwner(): Config {
  const c = loadConfig();
  if (predecessor() != c.ownerId) fail("only the owner " + c.ownerId + " may call this method");
  return c;
}

export function requireSelf(): void {
  if (predecessor() != currentAccount()) fail("this method is private: only the contract itself may call it");
}

export function requireNotPaused(c: Config): void {
  if (c.paused) fail("the contract is paused");
}
