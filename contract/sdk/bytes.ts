// Byte helpers: pointers for the host ABI, utf8, hex, base64, base58 (public keys), little-endian integers.

export function ptr(bytes: Uint8Array): u64 {
  return <u64>bytes.dataStart;
}

export function utf8(text: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(text));
}

export function fromUtf8(bytes: Uint8Array): string {
  return String.UTF8.decodeUnsafe(bytes.dataStart, bytes.length);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (let i = 0; i < parts.length; i++) total += parts[i].length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (let i = 0; i < parts.length; i++) {
    out.set(parts[i], offset);
    offset += parts[i].length;
  }
  return out;
}

export function u64le(value: u64): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = <u8>((value >> (<u64>(i * 8))) & 0xff);
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}

const HEX = "0123456789abcdef";

/** Builds ASCII text in a byte buffer and decodes it once (no string per character: this runs on big outputs). */
function ascii(buf: Uint8Array): string {
  return String.UTF8.decodeUnsafe(buf.dataStart, buf.length);
}

export function toHex(bytes: Uint8Array): string {
  const out = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    const b = <i32>bytes[i];
    out[i * 2] = <u8>HEX.charCodeAt(b >> 4);
    out[i * 2 + 1] = <u8>HEX.charCodeAt(b & 15);
  }
  return ascii(out);
}

function hexDigit(c: i32): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Lowercase hex of exactly `size` bytes, or null. */
export function fromHex(text: string, size: i32): Uint8Array | null {
  if (text.length != size * 2) return null;
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const hi = hexDigit(text.charCodeAt(i * 2));
    const lo = hexDigit(text.charCodeAt(i * 2 + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = <u8>((hi << 4) | lo);
  }
  return out;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export function toBase64(bytes: Uint8Array): string {
  const out = new Uint8Array((bytes.length + 2) / 3 * 4);
  let o = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const rest = bytes.length - i;
    const n = (<i32>bytes[i] << 16) | (rest > 1 ? <i32>bytes[i + 1] << 8 : 0) | (rest > 2 ? <i32>bytes[i + 2] : 0);
    out[o++] = <u8>B64.charCodeAt(n >> 18);
    out[o++] = <u8>B64.charCodeAt((n >> 12) & 63);
    out[o++] = rest > 1 ? <u8>B64.charCodeAt((n >> 6) & 63) : 61;
    out[o++] = rest > 2 ? <u8>B64.charCodeAt(n & 63) : 61;
  }
  return ascii(out);
}

function b64Value(c: i32): i32 {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c == 43) return 62;
  if (c == 47) return 63;
  return -1;
}

/** Standard padded base64; null when malformed. */
export function fromBase64(text: string): Uint8Array | null {
  const n = text.length;
  if (n % 4 != 0) return null;
  let pad = 0;
  if (n > 0 && text.charCodeAt(n - 1) == 61) pad++;
  if (n > 1 && text.charCodeAt(n - 2) == 61) pad++;
  const out = new Uint8Array(n / 4 * 3 - pad);
  let o = 0;
  for (let i = 0; i < n; i += 4) {
    let acc = 0;
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      let v = 0;
      if (c == 61) {
        if (i + j < n - pad) return null;
      } else {
        v = b64Value(c);
        if (v < 0) return null;
      }
      acc = (acc << 6) | v;
    }
    if (o < out.length) out[o++] = <u8>(acc >> 16);
    if (o < out.length) out[o++] = <u8>((acc >> 8) & 0xff);
    if (o < out.length) out[o++] = <u8>(acc & 0xff);
  }
  return out;
}

const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** Bitcoin-alphabet base58, as NEAR writes keys; null when malformed. */
export function fromBase58(text: string): Uint8Array | null {
  const bytes = new Array<i32>();
  for (let i = 0; i < text.length; i++) {
    let carry = B58.indexOf(text.charAt(i));
    if (carry < 0) return null;
    for (let j = 0; j < bytes.length; j++) {
      carry += bytes[j] * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  let zeros = 0;
  while (zeros < text.length && text.charCodeAt(zeros) == 49) zeros++;
  const out = new Uint8Array(zeros + bytes.length);
  for (let i = 0; i < bytes.length; i++) out[zeros + bytes.length - 1 - i] = <u8>bytes[i];
  return out;
}
