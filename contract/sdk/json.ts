// A small JSON reader (into a JValue tree) and writer. Numbers keep their source text so u64/u128 stay exact.
import { fail } from "./panic";
import { U128 } from "./u128";

export const enum JType { Null, Bool, Num, Str, Arr, Obj }

export class JValue {
  type: JType = JType.Null;
  bool: bool = false;
  /** decoded string, or a number's source text */
  text: string = "";
  items: JValue[] = [];
  keys: string[] = [];

  /** An empty object. */
  asObject(): JValue { this.type = JType.Obj; return this; }

  isNull(): bool { return this.type == JType.Null; }
  isObj(): bool { return this.type == JType.Obj; }
  isStr(): bool { return this.type == JType.Str; }

  get(key: string): JValue | null {
    if (this.type != JType.Obj) return null;
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] == key) return this.items[i];
    return null;
  }

  /** A field that is present and not null. */
  has(key: string): bool {
    const v = this.get(key);
    return v != null && v.type != JType.Null;
  }
}

/**
 * Hard caps the reader enforces while it reads, so no input costs more than linear gas and a bounded tree.
 * The defaults fit every record the contract stores; method arguments use tighter ones (src/limits.ts).
 */
export class JsonLimits {
  constructor(
    /** containers nested inside each other */
    public depth: i32 = 40,
    /** keys in one object */
    public keys: i32 = 1024,
    /** items in one array */
    public items: i32 = 4096,
    /** bytes of one string in the source (escapes counted as written) */
    public stringBytes: i32 = 4 * 1024 * 1024,
    /** bytes of the whole document */
    public totalBytes: i32 = 4 * 1024 * 1024
  ) {}
}

export const STORED_JSON_LIMITS = new JsonLimits();

/** the soft validator's nesting cap (guest output) */
const MAX_DEPTH = 32;
/** objects with more keys than this check duplicates with a hash set instead of a scan */
const SCAN_KEYS = 8;

/** A position in the source bytes, shared by the strict reader and the soft validator. */
class Cursor {
  pos: i32 = 0;
  constructor(public src: Uint8Array) {}

  peek(): i32 { return this.pos < this.src.length ? <i32>this.src[this.pos] : -1; }

  skipWs(): void {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c == 32 || c == 9 || c == 10 || c == 13) this.pos++;
      else break;
    }
  }
}

class Reader extends Cursor {
  constructor(src: Uint8Array, public limits: JsonLimits) { super(src); }

  error(what: string): void {
    fail("invalid JSON: " + what + " at byte " + this.pos.toString());
  }

  expect(c: i32): void {
    if (this.peek() != c) this.error("expected '" + String.fromCharCode(c) + "'");
    this.pos++;
  }

  literal(word: string): void {
    for (let i = 0; i < word.length; i++) this.expect(word.charCodeAt(i));
  }

  value(depth: i32): JValue {
    if (depth > this.limits.depth) this.error("nesting deeper than " + this.limits.depth.toString());
    this.skipWs();
    const v = new JValue();
    const c = this.peek();
    if (c == 123) this.object(v, depth);
    else if (c == 91) this.array(v, depth);
    else if (c == 34) { v.type = JType.Str; v.text = this.string(); }
    else if (c == 116) { this.literal("true"); v.type = JType.Bool; v.bool = true; }
    else if (c == 102) { this.literal("false"); v.type = JType.Bool; }
    else if (c == 110) { this.literal("null"); }
    else if (c == 45 || (c >= 48 && c <= 57)) { v.type = JType.Num; v.text = this.number(); }
    else this.error("unexpected character");
    return v;
  }

  object(v: JValue, depth: i32): void {
    v.type = JType.Obj;
    this.pos++;
    this.skipWs();
    if (this.peek() == 125) { this.pos++; return; }
    // duplicates are refused in linear time: a scan while the object is small, then a hash set
    let seen: Set<string> | null = null;
    while (true) {
      this.skipWs();
      if (this.peek() != 34) this.error("expected a key");
      if (v.keys.length >= this.limits.keys) this.error("more than " + this.limits.keys.toString() + " keys in an object");
      const key = this.string();
      if (seen == null && v.keys.length < SCAN_KEYS) {
        for (let i = 0; i < v.keys.length; i++) if (v.keys[i] == key) this.error("duplicate key \"" + key + "\"");
      } else {
        if (seen == null) {
          seen = new Set<string>();
          for (let i = 0; i < v.keys.length; i++) seen.add(v.keys[i]);
        }
        if (seen!.has(key)) this.error("duplicate key \"" + key + "\"");
        seen!.add(key);
      }
      this.skipWs();
      this.expect(58);
      v.keys.push(key);
      v.items.push(this.value(depth + 1));
      this.skipWs();
      if (this.peek() == 44) { this.pos++; continue; }
      this.expect(125);
      return;
    }
  }

  array(v: JValue, depth: i32): void {
    v.type = JType.Arr;
    this.pos++;
    this.skipWs();
    if (this.peek() == 93) { this.pos++; return; }
    while (true) {
      if (v.items.length >= this.limits.items) this.error("more than " + this.limits.items.toString() + " items in an array");
      v.items.push(this.value(depth + 1));
      this.skipWs();
      if (this.peek() == 44) { this.pos++; continue; }
      this.expect(93);
      return;
    }
  }

  number(): string {
    const start = this.pos;
    if (this.peek() == 45) this.pos++;
    let digits = 0;
    while (this.peek() >= 48 && this.peek() <= 57) { this.pos++; digits++; }
    if (digits == 0) this.error("bad number");
    if (this.peek() == 46) {
      this.pos++;
      let frac = 0;
      while (this.peek() >= 48 && this.peek() <= 57) { this.pos++; frac++; }
      if (frac == 0) this.error("bad number");
    }
    if (this.peek() == 101 || this.peek() == 69) {
      this.pos++;
      if (this.peek() == 43 || this.peek() == 45) this.pos++;
      let exp = 0;
      while (this.peek() >= 48 && this.peek() <= 57) { this.pos++; exp++; }
      if (exp == 0) this.error("bad number");
    }
    return String.UTF8.decodeUnsafe(this.src.dataStart + start, this.pos - start);
  }

  hex4(): i32 {
    let n = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.peek();
      let d = -1;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else if (c >= 65 && c <= 70) d = c - 55;
      if (d < 0) this.error("bad \\u escape");
      n = (n << 4) | d;
      this.pos++;
    }
    return n;
  }

  string(): string {
    this.pos++;
    const start = this.pos;
    const s = this.stringBody(start);
    if (this.pos - 1 - start > this.limits.stringBytes) {
      this.pos = start;
      this.error("a string longer than " + this.limits.stringBytes.toString() + " bytes");
    }
    return s;
  }

  stringBody(start: i32): string {
    // fast path: no escapes
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c == 34) {
        const s = String.UTF8.decodeUnsafe(this.src.dataStart + start, this.pos - start);
        this.pos++;
        return s;
      }
      if (c == 92) break;
      if (c < 32) this.error("control character in string");
      this.pos++;
    }
    const parts = new Array<string>();
    parts.push(String.UTF8.decodeUnsafe(this.src.dataStart + start, this.pos - start));
    while (true) {
      if (this.pos >= this.src.length) this.error("unterminated string");
      const c = <i32>this.src[this.pos];
      if (c == 34) { this.pos++; break; }
      if (c == 92) {
        this.pos++;
        const e = this.peek();
        this.pos++;
        if (e == 34) parts.push("\"");
        else if (e == 92) parts.push("\\");
        else if (e == 47) parts.push("/");
        else if (e == 98) parts.push("\b");
        else if (e == 102) parts.push("\f");
        else if (e == 110) parts.push("\n");
        else if (e == 114) parts.push("\r");
        else if (e == 116) parts.push("\t");
        else if (e == 117) parts.push(String.fromCharCode(this.hex4()));
        else this.error("bad escape");
        continue;
      }
      if (c < 32) this.error("control character in string");
      const runStart = this.pos;
      while (this.pos < this.src.length && this.src[this.pos] != 34 && this.src[this.pos] != 92) this.pos++;
      parts.push(String.UTF8.decodeUnsafe(this.src.dataStart + runStart, this.pos - runStart));
    }
    return parts.join("");
  }
}

export function parseJson(src: Uint8Array, limits: JsonLimits = STORED_JSON_LIMITS): JValue {
  if (src.length > limits.totalBytes) fail("invalid JSON: more than " + limits.totalBytes.toString() + " bytes");
  const r = new Reader(src, limits);
  const v = r.value(0);
  r.skipWs();
  if (r.pos != src.length) r.error("trailing data");
  return v;
}

/** True when the bytes are one complete JSON value. Never panics (guest output is untrusted). */
export function isJson(src: Uint8Array): bool {
  const r = new SoftReader(src);
  const ok = r.check(0);
  r.skipWs();
  return ok && r.pos == src.length;
}

/**
 * A non-panicking validator with the same grammar as Reader (used to decide how to return guest output). json-raw.ts
 * extends it with strict strings and numbers.
 */
export class SoftReader extends Cursor {
  eat(c: i32): bool {
    if (this.peek() != c) return false;
    this.pos++;
    return true;
  }
  word(w: string): bool {
    for (let i = 0; i < w.length; i++) if (!this.eat(w.charCodeAt(i))) return false;
    return true;
  }
  digits(): i32 {
    let n = 0;
    while (this.peek() >= 48 && this.peek() <= 57) { this.pos++; n++; }
    return n;
  }
  check(depth: i32): bool {
    if (depth > MAX_DEPTH) return false;
    this.skipWs();
    const c = this.peek();
    if (c == 123 || c == 91) {
      const close = c == 123 ? 125 : 93;
      this.pos++;
      this.skipWs();
      if (this.eat(close)) return true;
      while (true) {
        if (c == 123) {
          this.skipWs();
          if (this.peek() != 34 || !this.str()) return false;
          this.skipWs();
          if (!this.eat(58)) return false;
        }
        if (!this.check(depth + 1)) return false;
        this.skipWs();
        if (this.eat(44)) continue;
        return this.eat(close);
      }
    }
    if (c == 34) return this.str();
    if (c == 116) return this.word("true");
    if (c == 102) return this.word("false");
    if (c == 110) return this.word("null");
    if (c == 45 || (c >= 48 && c <= 57)) return this.number();
    return false;
  }
  /** the integer part of a number (json-raw.ts refuses leading zeros) */
  integer(): bool { return this.digits() > 0; }
  number(): bool {
    this.eat(45);
    if (!this.integer()) return false;
    if (this.eat(46) && this.digits() == 0) return false;
    if (this.eat(101) || this.eat(69)) {
      if (!this.eat(43)) this.eat(45);
      if (this.digits() == 0) return false;
    }
    return true;
  }
  str(): bool {
    this.pos++;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos++];
      if (c == 34) return true;
      if (c < 32) return false;
      if (c == 92) this.pos++;
    }
    return false;
  }
}

// ---- writer ----

/** `s` as a JSON string. Escapes are written into one buffer of the exact length: quoting costs one pass. */
export function quote(s: string): string {
  let extra = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 34 || c == 92 || c == 10 || c == 13 || c == 9) extra += 1;
    else if (c < 32) extra += 5;
  }
  if (extra == 0) return "\"" + s + "\"";
  const out = new Uint16Array(s.length + extra + 2);
  let j = 0;
  out[j++] = 34;
  for (let i = 0; i < s.length; i++) {
    const c = <u16>s.charCodeAt(i);
    if (c == 34 || c == 92) { out[j++] = 92; out[j++] = c; }
    else if (c == 10) { out[j++] = 92; out[j++] = 110; }
    else if (c == 13) { out[j++] = 92; out[j++] = 114; }
    else if (c == 9) { out[j++] = 92; out[j++] = 116; }
    else if (c < 32) {
      out[j++] = 92; out[j++] = 117; out[j++] = 48; out[j++] = 48;
      out[j++] = c < 16 ? 48 : 49;
      const d = c & 15;
      out[j++] = d < 10 ? 48 + d : 87 + d;
    } else out[j++] = c;
  }
  out[j++] = 34;
  return String.UTF16.decode(out.buffer);
}

/** Builds one JSON object: `new Obj().str("a", x).num("b", 1).done()`. */
export class Obj {
  parts: string[] = [];

  raw(key: string, json: string): Obj {
    this.parts.push(quote(key) + ":" + json);
    return this;
  }
  str(key: string, value: string): Obj { return this.raw(key, quote(value)); }
  num(key: string, value: u64): Obj { return this.raw(key, value.toString()); }
  /** u64 that may exceed 2^53, written as a decimal string */
  big(key: string, value: u64): Obj { return this.raw(key, quote(value.toString())); }
  amount(key: string, value: U128): Obj { return this.raw(key, quote(value.toString())); }
  bool(key: string, value: bool): Obj { return this.raw(key, value ? "true" : "false"); }
  optStr(key: string, value: string | null): Obj { return value == null ? this : this.str(key, value!); }
  done(): string { return "{" + this.parts.join(",") + "}"; }
}

export function jsonArray(items: string[]): string {
  return "[" + items.join(",") + "]";
}

/** Writes a parsed value back (used to store sub-objects the caller gave us, e.g. access conditions). */
export function stringify(v: JValue): string {
  if (v.type == JType.Null) return "null";
  if (v.type == JType.Bool) return v.bool ? "true" : "false";
  if (v.type == JType.Num) return v.text;
  if (v.type == JType.Str) return quote(v.text);
  const parts = new Array<string>(v.items.length);
  if (v.type == JType.Arr) {
    for (let i = 0; i < v.items.length; i++) parts[i] = stringify(v.items[i]);
    return "[" + parts.join(",") + "]";
  }
  for (let i = 0; i < v.items.length; i++) parts[i] = quote(v.keys[i]) + ":" + stringify(v.items[i]);
  return "{" + parts.join(",") + "}";
}
