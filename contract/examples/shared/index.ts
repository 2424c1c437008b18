// Helpers the small test contracts share (ft, nft, dao): call arguments and the one-time init guard.
import { JValue, currentAccount, fail, inputBytes, parseJson, predecessor, read, write } from "../../sdk";

export function args(): JValue {
  const bytes = inputBytes();
  return parseJson(bytes.length == 0 ? Uint8Array.wrap(String.UTF8.encode("{}")) : bytes);
}

/** `new` runs once, called by the contract account itself (deploy + init in one batch). */
export function initOnce(): void {
  if (predecessor() != currentAccount()) fail("new may only be called by the contract account itself");
  if (read("init") != null) fail("already initialized");
  write("init", "1");
}

export function requireOwner(): void {
  const owner = read("owner");
  if (owner == null || predecessor() != owner!) fail("only the owner may call this method");
}
