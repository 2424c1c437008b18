// NEAR account id rules (near-account-id): 2..64 chars of [a-z0-9_-.], separators never doubled or at the ends.
import { fail } from "./panic";

function isSeparator(c: i32): bool {
  return c == 45 || c == 95 || c == 46;
}

export function isValidAccountId(id: string): bool {
  if (id.length < 2 || id.length > 64) return false;
  let lastSeparator = true;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    const alnum = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (alnum) lastSeparator = false;
    else if (isSeparator(c)) {
      if (lastSeparator) return false;
      lastSeparator = true;
    } else return false;
  }
  return !lastSeparator;
}

export function requireAccountId(id: string, what: string): string {
  if (!isValidAccountId(id)) fail(what + " \"" + id + "\" is not a valid account id");
  return id;
}
