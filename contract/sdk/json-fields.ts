// Typed access to the fields of a parsed JSON object: each panics with the field's name when the shape is wrong.
import { JType, JValue } from "./json";
import { fail } from "./panic";
import { U128 } from "./u128";

export function field(obj: JValue, key: string): JValue {
  const v = obj.get(key);
  if (v == null || v.type == JType.Null) fail("missing field \"" + key + "\"");
  return v!;
}

export function str(obj: JValue, key: string): string {
  const v = field(obj, key);
  if (v.type != JType.Str) fail("field \"" + key + "\" must be a string");
  return v.text;
}

export function optStr(obj: JValue, key: string, fallback: string): string {
  return obj.has(key) ? str(obj, key) : fallback;
}

export function boolean(obj: JValue, key: string): bool {
  const v = field(obj, key);
  if (v.type != JType.Bool) fail("field \"" + key + "\" must be a boolean");
  return v.bool;
}

export function optBool(obj: JValue, key: string, fallback: bool): bool {
  return obj.has(key) ? boolean(obj, key) : fallback;
}

/** An unsigned integer given as a JSON number or a decimal string. */
export function u64Of(v: JValue, name: string): u64 {
  if (v.type != JType.Num && v.type != JType.Str) fail("field \"" + name + "\" must be an unsigned integer");
  const t = v.text;
  if (t.length == 0 || t.length > 20) fail("field \"" + name + "\" must be an unsigned integer");
  let n: u64 = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) fail("field \"" + name + "\" must be an unsigned integer");
    const next = n * 10 + <u64>c;
    if (n > 1844674407370955161 || next < n) fail("field \"" + name + "\" is too large");
    n = next;
  }
  return n;
}

export function u64Field(obj: JValue, key: string): u64 {
  return u64Of(field(obj, key), key);
}

export function optU64(obj: JValue, key: string, fallback: u64): u64 {
  return obj.has(key) ? u64Field(obj, key) : fallback;
}

/** A yocto amount: decimal string (numbers are accepted when exact). */
export function u128Field(obj: JValue, key: string): U128 {
  const v = field(obj, key);
  if (v.type != JType.Num && v.type != JType.Str) fail("field \"" + key + "\" must be a decimal string");
  const r = U128.parse(v.text);
  if (r == null) fail("field \"" + key + "\" must be an unsigned decimal amount");
  return r!;
}

export function arr(obj: JValue, key: string): JValue[] {
  const v = field(obj, key);
  if (v.type != JType.Arr) fail("field \"" + key + "\" must be an array");
  return v.items;
}

export function obj(parent: JValue, key: string): JValue {
  const v = field(parent, key);
  if (v.type != JType.Obj) fail("field \"" + key + "\" must be an object");
  return v;
}

/** Refuses fields outside `allowed`, so typos do not pass silently. */
export function onlyKeys(o: JValue, allowed: string[], what: string): void {
  for (let i = 0; i < o.keys.length; i++) {
    if (!allowed.includes(o.keys[i])) fail("unknown field \"" + o.keys[i] + "\" in " + what);
  }
}

/** The variant name of a serde externally tagged enum: `"Unit"` or `{"Variant": {...}}`. */
export function variant(v: JValue, what: string): string {
  if (v.type == JType.Str) return v.text;
  if (v.type != JType.Obj || v.keys.length != 1) fail(what + " must be an object with exactly one variant");
  return v.keys[0];
}
