// Method arguments: the call's input as a JSON object.
import { JValue, fail, inputBytes, parseJson } from "../sdk";

export function args(): JValue {
  const bytes = inputBytes();
  if (bytes.length == 0) return parseJson(Uint8Array.wrap(String.UTF8.encode("{}")));
  const v = parseJson(bytes);
  if (!v.isObj()) fail("arguments must be a JSON object");
  return v;
}
