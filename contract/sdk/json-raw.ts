// A JSON object's top-level members as byte spans of the source, for rules that compare and emit values by their
// text (src/per-field.ts) without decoding them. Strict RFC 8259 grammar, never panics (guest output is
// untrusted); protocol/raw-json.ts is the same scanner.

/** One `"key": value` of an object: the key between its quotes, the value as written. */
export class RawMember {
  constructor(public keyStart: i32, public keyEnd: i32, public valueStart: i32, public valueEnd: i32) {}
}

/** containers nested inside the top-level object */
const MAX_RAW_DEPTH = 32;

function isWs(c: i32): bool { return c == 32 || c == 9 || c == 10 || c == 13; }
function isDigit(c: i32): bool { return c >= 48 && c <= 57; }
function isHexDigit(c: i32): bool { return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70); }

class Scanner {
  pos: i32 = 0;
  constructor(public src: Uint8Array) {}

  peek(): i32 { return this.pos < this.src.length ? <i32>this.src[this.pos] : -1; }
  eat(c: i32): bool {
    if (this.peek() != c) return false;
    this.pos++;
    return true;
  }
  ws(): void { while (isWs(this.peek())) this.pos++; }
  word(w: string): bool {
    for (let i = 0; i < w.length; i++) if (!this.eat(w.charCodeAt(i))) return false;
    return true;
  }
  digits(): i32 {
    const start = this.pos;
    while (isDigit(this.peek())) this.pos++;
    return this.pos - start;
  }

  number(): bool {
    this.eat(45);
    if (this.eat(48)) {
      if (isDigit(this.peek())) return false;
    } else if (this.digits() == 0) return false;
    if (this.eat(46) && this.digits() == 0) return false;
    if (this.eat(101) || this.eat(69)) {
      if (!this.eat(43)) this.eat(45);
      if (this.digits() == 0) return false;
    }
    return true;
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

  value(depth: i32): bool {
    if (depth > MAX_RAW_DEPTH) return false;
    this.ws();
    const c = this.peek();
    if (c == 123 || c == 91) {
      const close = c == 123 ? 125 : 93;
      this.pos++;
      this.ws();
      if (this.eat(close)) return true;
      while (true) {
        if (c == 123) {
          this.ws();
          if (this.peek() != 34 || !this.str()) return false;
          this.ws();
          if (!this.eat(58)) return false;
        }
        if (!this.value(depth + 1)) return false;
        this.ws();
        if (this.eat(44)) continue;
        return this.eat(close);
      }
    }
    if (c == 34) return this.str();
    if (c == 116) return this.word("true");
    if (c == 102) return this.word("false");
    if (c == 110) return this.word("null");
    if (c == 45 || isDigit(c)) return this.number();
    return false;
  }
}

/** The top-level members of `src` when it is exactly one JSON object (whitespace around it allowed), else null. */
export function objectMembers(src: Uint8Array): RawMember[] | null {
  const s = new Scanner(src);
  s.ws();
  if (!s.eat(123)) return null;
  const members = new Array<RawMember>();
  s.ws();
  if (!s.eat(125)) {
    while (true) {
      s.ws();
      if (s.peek() != 34) return null;
      const keyStart = s.pos + 1;
      if (!s.str()) return null;
      const keyEnd = s.pos - 1;
      s.ws();
      if (!s.eat(58)) return null;
      s.ws();
      const valueStart = s.pos;
      if (!s.value(1)) return null;
      members.push(new RawMember(keyStart, keyEnd, valueStart, s.pos));
      s.ws();
      if (s.eat(44)) continue;
      if (!s.eat(125)) return null;
      break;
    }
  }
  s.ws();
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
