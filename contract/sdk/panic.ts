// Panics with a readable message: nearcore reports it as `Smart contract panicked: <message>`.
import { panic_utf8 } from "./env";

export function fail(message: string): void {
  const bytes = String.UTF8.encode(message);
  panic_utf8(<u64>bytes.byteLength, <u64>changetype<usize>(bytes));
  unreachable();
}

export function require(condition: bool, message: string): void {
  if (!condition) fail(message);
}

/** AssemblyScript's `abort` (failed assert, out-of-bounds access) routed to panic_utf8, so no `env.abort` import is needed. */
export function abortHandler(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let text = message != null ? message! : "abort";
  if (fileName != null) text += " at " + fileName! + ":" + line.toString() + ":" + column.toString();
  fail(text);
}
