// A JSON object's top-level members as byte spans of the source, for rules that compare and emit values by their
// text (src/per-field.ts) without decoding them. Strict RFC 8259 grammar, never panics (guest output is
// untrusted); protocol/raw-json.ts is the same scanner.
import { SoftReader } from "./json";

/** One `"key": value` of an object: the key between its quotes, the value as written. */
export class RawMember {
  constructor(public keyStart: i32, public keyEnd: i32, public valueStart: i32, public valueEnd: i32) {}
}

function isDigit(c: i32): bool { return c >= 48 && c <= 57; }
function isHexDigit(c: i32): bool { return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70); }
function isWs(c: i32): bool { return c == 32 || c == 9 || c == 10 || c == 13; }

/** The soft validator (nesting ≤ 32) with RFC 8259's strings and numbers: escapes checked, no leading zeros. */
class Scanner extends SoftReader {
  integer(): bool {
    if (!this.eat(48)) return this.digits() > 0;
    return !isDigit(this.peek());
  }

  /** A string from its opening quote; escapes checked, control characters refused. */
  str(): bool {
    this.pos++;
    while (this.pos < this.src.length) {
      const c = <i32>this.src[this.pos++];
      if (c == 34) return true;
      if (c < 32) return false;
      if (c != 92) continue;
      const e = this.peek();
      this.pos++;
      if (e == 117) {
        for (let i = 0; i < 4; i++) if (!isHexDigit(this.peek())) return false; else this.pos++;
      } else if (e != 34 && e != 92 && e != 47 && e != 98 && e != 102 && e != 110 && e != 114 && e != 116) return false;
    }
    return false;
  }
}

/** The top-level members of `src` when it is exactly one JSON object (whitespace around it allowed), else null. */
export function objectMembers(src: Uint8Array): RawMember[] | null {
  const s = new Scanner(src);
  s.skipWs();
  if (!s.eat(123)) return null;
  const members = new Array<RawMember>();
  s.skipWs();
  if (!s.eat(125)) {
    while (true) {
      s.skipWs();
      if (s.peek() != 34) return null;
      const keyStart = s.pos + 1;
      if (!s.str()) return null;
      const keyEnd = s.pos - 1;
      s.skipWs();
      if (!s.eat(58)) return null;
      s.skipWs();
      const valueStart = s.pos;
      if (!s.check(1)) return null;
      members.push(new RawMember(keyStart, keyEnd, valueStart, s.pos));
      s.skipWs();
      if (s.eat(44)) continue;
      if (!s.eat(125)) return null;
      break;
    }
  }
  s.skipWs();
  return s.pos == src.length ? members : null;
}

/** src[start, end) without the whitespace outside strings: the compact text of a valid JSON value. */
export function compactJson(src: Uint8Array, start: i32, end: i32): Uint8Array {
  const out = new Uint8Array(end - start);
  let n = 0, inString = false, escaped = false;
  for (let i = start; i < end; i++) {
    const c = <i32>src[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c == 92) escaped = true;
      else if (c == 34) inString = false;
    } else if (isWs(c)) continue;
    else if (c == 34) inString = true;
    out[n++] = <u8>c;
  }
  return out.slice(0, n);
}
