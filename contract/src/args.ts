// Method arguments: the call's input as a JSON object, read under the argument caps of limits.ts.
import { JValue, fail, inputBytes, onlyKeys, parseJson } from "../sdk";
import { ARGS_LIMITS } from "./limits";

export function args(): JValue {
  const bytes = inputBytes();
  if (bytes.length == 0) return new JValue().asObject();
  const v = parseJson(bytes, ARGS_LIMITS);
  if (!v.isObj()) fail("arguments must be a JSON object");
  return v;
}

/** The arguments of `method`, refusing any field outside `allowed`. */
export function argsOf(method: string, allowed: string[]): JValue {
  const a = args();
  onlyKeys(a, allowed, method);
  return a;
}
