// Which URLs a request may name as its code: https to a public host only. A worker fetches what the source says,
// so an `http://`, `file://` or private-address URL would make bonded workers read their own machine or network.
// The host is read as a WHATWG URL parser reads it (numeric IPv4 in decimal, hex or octal, 1 to 4 parts; IPv6
// literals, IPv4-mapped too), so no spelling of a private address passes. Names that resolve to private
// addresses (DNS rebinding) cannot be seen on chain: the worker's fetch checks them (contract/README.md).

/** Why `url` is refused, or null when it is an https URL of a public host. */
export function urlRefusal(url: string): string | null {
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c <= 32 || c >= 127) return "has a space, control or non-ASCII character";
  }
  if (!url.toLowerCase().startsWith("https://")) return "must be https://";
  let end = 8;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c == 47 || c == 63 || c == 35) break; // / ? #
    end++;
  }
  return hostRefusal(url.substring(8, end).toLowerCase());
}

/** `authority` is `host[:port]`, lower-cased. */
function hostRefusal(authority: string): string | null {
  if (authority.includes("@")) return "may not carry user info (@)";
  let host = authority;
  let port = "";
  if (authority.startsWith("[")) {
    const close = authority.indexOf("]");
    if (close < 0) return "has an unclosed IPv6 literal";
    host = authority.substring(1, close);
    const rest = authority.substring(close + 1);
    if (rest.length > 0) {
      if (!rest.startsWith(":")) return "has a bad port";
      port = rest.substring(1);
    }
    if (!isPort(port)) return "has a bad port";
    return ipv6Refusal(host);
  }
  const colon = authority.indexOf(":");
  if (colon >= 0) {
    host = authority.substring(0, colon);
    port = authority.substring(colon + 1);
    if (!isPort(port)) return "has a bad port";
  }
  if (host.endsWith(".")) host = host.substring(0, host.length - 1);
  if (host.length == 0) return "has no host";
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 45 || c == 46;
    if (!ok) return "has a host with characters outside a-z 0-9 . -";
  }
  if (host == "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")) return "names a local host";
  const labels = host.split(".");
  if (!isNumericLabel(labels[labels.length - 1])) return null;
  const ip = parseIpv4(labels);
  if (ip < 0) return "has a numeric host that is not an IPv4 address";
  return isPublicIpv4(<u32>ip) ? null : "names a private, loopback or reserved address";
}

function isPort(p: string): bool {
  if (p.length == 0) return true;
  if (p.length > 5) return false;
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return I32.parseInt(p) <= 65535;
}

/** A label the WHATWG host parser reads as a number: decimal digits, or 0x and hex digits. */
function isNumericLabel(label: string): bool {
  if (label.length == 0) return false;
  if (label.startsWith("0x")) {
    for (let i = 2; i < label.length; i++) if (hexDigit(label.charCodeAt(i)) < 0) return false;
    return true;
  }
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function hexDigit(c: i32): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** One part: `0x…` hex, `0…` octal, else decimal; -1 when it is not a number or exceeds 2^32. */
function ipv4Part(s: string): i64 {
  let radix = 10;
  let digits = s;
  if (s.startsWith("0x")) { radix = 16; digits = s.substring(2); }
  else if (s.length > 1 && s.startsWith("0")) { radix = 8; digits = s.substring(1); }
  let n: i64 = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = hexDigit(digits.charCodeAt(i));
    if (d < 0 || d >= radix) return -1;
    n = n * radix + d;
    if (n > 0xffffffff) return -1;
  }
  return n;
}

/** The address of 1..4 numeric parts (the last fills the remaining bytes), or -1. */
function parseIpv4(labels: string[]): i64 {
  if (labels.length > 4) return -1;
  let ip: i64 = 0;
  for (let i = 0; i < labels.length; i++) {
    const part = ipv4Part(labels[i]);
    if (part < 0) return -1;
    if (i < labels.length - 1) {
      if (part > 255) return -1;
      ip |= part << (8 * (3 - i));
    } else {
      if (part >= (<i64>1 << (8 * (4 - i)))) return -1;
      ip |= part;
    }
  }
  return ip;
}

function inRange(ip: u32, base: u32, prefix: i32): bool {
  const mask: u32 = prefix == 0 ? 0 : <u32>(0xffffffff << (32 - prefix));
  return (ip & mask) == (base & mask);
}

function isPublicIpv4(ip: u32): bool {
  return !(inRange(ip, 0x00000000, 8) || inRange(ip, 0x0a000000, 8) || inRange(ip, 0x7f000000, 8) ||
    inRange(ip, 0xa9fe0000, 16) || inRange(ip, 0xac100000, 12) || inRange(ip, 0xc0a80000, 16) ||
    inRange(ip, 0x64400000, 10) || inRange(ip, 0xc0000000, 24) || inRange(ip, 0xc6120000, 15) ||
    inRange(ip, 0xe0000000, 4) || inRange(ip, 0xf0000000, 4));
}

/** The 8 groups of an IPv6 literal (`::` and a trailing dotted IPv4 allowed), or null. */
function parseIpv6(s: string): u16[] | null {
  const groups = new Array<u16>();
  let zerosAt = -1;
  let rest = s;
  if (rest.startsWith("::")) { zerosAt = 0; rest = rest.substring(2); }
  const parts = rest.length == 0 ? new Array<string>() : rest.split(":");
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p.length == 0) {
      if (zerosAt >= 0) return null;
      zerosAt = groups.length;
      continue;
    }
    if (i == parts.length - 1 && p.includes(".")) {
      const v4 = parseDottedIpv4(p);
      if (v4 < 0) return null;
      groups.push(<u16>(v4 >> 16));
      groups.push(<u16>(v4 & 0xffff));
      continue;
    }
    if (p.length > 4) return null;
    let g = 0;
    for (let j = 0; j < p.length; j++) {
      const d = hexDigit(p.charCodeAt(j));
      if (d < 0) return null;
      g = (g << 4) | d;
    }
    groups.push(<u16>g);
  }
  if (zerosAt < 0) return groups.length == 8 ? groups : null;
  if (groups.length > 7) return null;
  const full = new Array<u16>();
  for (let i = 0; i < zerosAt; i++) full.push(groups[i]);
  for (let i = groups.length; i < 8; i++) full.push(0);
  for (let i = zerosAt; i < groups.length; i++) full.push(groups[i]);
  return full;
}

/** Inside an IPv6 literal only plain dotted decimal is allowed (as WHATWG does). */
function parseDottedIpv4(s: string): i64 {
  const parts = s.split(".");
  if (parts.length != 4) return -1;
  let ip: i64 = 0;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (p.length == 0 || p.length > 3 || (p.length > 1 && p.startsWith("0"))) return -1;
    for (let j = 0; j < p.length; j++) if (p.charCodeAt(j) < 48 || p.charCodeAt(j) > 57) return -1;
    const v = I32.parseInt(p);
    if (v > 255) return -1;
    ip = (ip << 8) | v;
  }
  return ip;
}

function ipv6Refusal(host: string): string | null {
  const g = parseIpv6(host);
  if (g == null) return "has a bad IPv6 literal";
  const groups = g!;
  let firstFiveZero = true;
  for (let i = 0; i < 5; i++) if (groups[i] != 0) firstFiveZero = false;
  const v4 = (<u32>groups[6] << 16) | <u32>groups[7];
  // ::/96 (unspecified, loopback, IPv4-compatible) and ::ffff:0:0/96 (IPv4-mapped) carry an IPv4 address
  if (firstFiveZero && groups[5] == 0) return "names a private, loopback or reserved address";
  if (firstFiveZero && groups[5] == 0xffff) return isPublicIpv4(v4) ? null : "names a private, loopback or reserved address";
  const top = groups[0];
  // fc00::/7 unique local, fe80::/10 link local, ff00::/8 multicast, 64:ff9b::/96 NAT64 of an IPv4 address
  if ((top & 0xfe00) == 0xfc00 || (top & 0xffc0) == 0xfe80 || (top & 0xff00) == 0xff00) return "names a private, loopback or reserved address";
  if (top == 0x64 && groups[1] == 0xff9b) return isPublicIpv4(v4) ? null : "names a private, loopback or reserved address";
  return null;
}
