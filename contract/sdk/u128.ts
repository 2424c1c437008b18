// Unsigned 128-bit amounts (yoctoNEAR). Overflow and underflow panic instead of wrapping.
import { fail } from "./panic";

function mulHi(a: u64, b: u64): u64 {
  const aLo = a & 0xffffffff, aHi = a >> 32, bLo = b & 0xffffffff, bHi = b >> 32;
  const ll = aLo * bLo, lh = aLo * bHi, hl = aHi * bLo, hh = aHi * bHi;
  const mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff);
  return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

export class U128 {
  constructor(public lo: u64 = 0, public hi: u64 = 0) {}

  static from(value: u64): U128 {
    return new U128(value, 0);
  }

  static zero(): U128 {
    return new U128(0, 0);
  }

  /** A decimal string of digits only, or null. */
  static parse(text: string): U128 | null {
    if (text.length == 0 || text.length > 39) return null;
    let out = U128.zero();
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return null;
      const next = out.tryMul(10);
      if (next == null) return null;
      out = next.add(U128.from(<u64>c));
    }
    return out;
  }

  static fromLE(bytes: Uint8Array): U128 {
    let lo: u64 = 0, hi: u64 = 0;
    for (let i = 7; i >= 0; i--) lo = (lo << 8) | <u64>bytes[i];
    for (let i = 15; i >= 8; i--) hi = (hi << 8) | <u64>bytes[i];
    return new U128(lo, hi);
  }

  toLE(): Uint8Array {
    const out = new Uint8Array(16);
    for (let i = 0; i < 8; i++) out[i] = <u8>((this.lo >> (<u64>(i * 8))) & 0xff);
    for (let i = 0; i < 8; i++) out[8 + i] = <u8>((this.hi >> (<u64>(i * 8))) & 0xff);
    return out;
  }

  isZero(): bool {
    return this.lo == 0 && this.hi == 0;
  }

  cmp(other: U128): i32 {
    if (this.hi != other.hi) return this.hi < other.hi ? -1 : 1;
    if (this.lo != other.lo) return this.lo < other.lo ? -1 : 1;
    return 0;
  }

  lt(other: U128): bool { return this.cmp(other) < 0; }
  gte(other: U128): bool { return this.cmp(other) >= 0; }

  add(other: U128): U128 {
    const lo = this.lo + other.lo;
    const carry: u64 = lo < this.lo ? 1 : 0;
    const sum = this.hi + other.hi;
    const hi = sum + carry;
    if (sum < this.hi || hi < sum) fail("amount overflow");
    return new U128(lo, hi);
  }

  sub(other: U128): U128 {
    if (this.lt(other)) fail("amount underflow");
    const borrow: u64 = this.lo < other.lo ? 1 : 0;
    return new U128(this.lo - other.lo, this.hi - other.hi - borrow);
  }

  tryMul(m: u64): U128 | null {
    const lo = this.lo * m;
    const carry = mulHi(this.lo, m);
    if (this.hi != 0 && mulHi(this.hi, m) != 0) return null;
    const hiPart = this.hi * m;
    const hi = hiPart + carry;
    if (hi < hiPart) return null;
    return new U128(lo, hi);
  }

  mul(m: u64): U128 {
    const r = this.tryMul(m);
    if (r == null) fail("amount overflow");
    return r!;
  }

  /** Floor division by a u64 (shift-subtract, 128 steps). */
  div(d: u64): U128 {
    if (d == 0) fail("division by zero");
    let qLo: u64 = 0, qHi: u64 = 0, rem: u64 = 0;
    for (let i = 127; i >= 0; i--) {
      const bit: u64 = i >= 64 ? (this.hi >> (<u64>(i - 64))) & 1 : (this.lo >> (<u64>i)) & 1;
      const overflow = rem >> 63;
      rem = (rem << 1) | bit;
      if (overflow != 0 || rem >= d) {
        rem -= d;
        if (i >= 64) qHi |= (<u64>1) << (<u64>(i - 64));
        else qLo |= (<u64>1) << (<u64>i);
      }
    }
    return new U128(qLo, qHi);
  }

  min(other: U128): U128 {
    return this.lt(other) ? this : other;
  }

  toString(): string {
    if (this.hi == 0) return this.lo.toString();
    const digits = new Array<string>();
    let n: U128 = this;
    while (!n.isZero()) {
      const q = n.div(10);
      const r = n.sub(q.mul(10));
      digits.push(r.lo.toString());
      n = q;
    }
    digits.reverse();
    return digits.join("");
  }
}
