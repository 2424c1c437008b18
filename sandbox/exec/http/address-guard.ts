/**
 * The SSRF address guard: `checkAddress(host)` resolves a hostname and refuses it when any address it resolves to
 * is loopback, private, link-local, CGNAT, ULA, multicast, unspecified or a cloud metadata address. The fetcher
 * connects only to the address checked here (no second lookup an attacker's DNS could answer differently), and
 * checks again on every redirect. Kept behind this one interface so the shared guard (sandbox/net, branch
 * w17-net) can replace it.
 */
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'

export type AddressCheck =
  | { ok: true, address: string, family: 4 | 6 }
  | { ok: false, reason: 'blocked_address' | 'dns_failure', detail: string }

export interface AddressGuardOptions {
  /** TEST ONLY: let 127.0.0.0/8 and ::1 through, so tests can stand real servers on loopback. Never set in a node. */
  allowLoopbackForTests?: boolean
}

export type CheckAddress = (host: string, options?: AddressGuardOptions) => Promise<AddressCheck>

const V4_BLOCKED: Array<[base: string, bits: number, why: string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'CGNAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local / metadata'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved / broadcast']
]

function v4ToInt (address: string): number {
  return address.split('.').reduce((n, part) => (n * 256) + Number(part), 0)
}

function v4Blocked (address: string): string | null {
  const n = v4ToInt(address)
  for (const [base, bits, why] of V4_BLOCKED) {
    const size = 2 ** (32 - bits)
    const start = v4ToInt(base)
    if (n >= start && n < start + size) return why
  }
  return null
}

/** Expands an IPv6 literal into 8 16-bit groups (handles `::` and a trailing dotted IPv4). */
function v6Groups (address: string): number[] {
  let text = address.toLowerCase().split('%')[0] ?? ''
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted?.[1] != null) {
    const n = v4ToInt(dotted[1])
    text = text.slice(0, -dotted[1].length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const parse = (s: string): number[] => s === '' ? [] : s.split(':').map(g => parseInt(g, 16))
  const h = parse(head)
  const t = tail == null ? [] : parse(tail)
  return [...h, ...Array(8 - h.length - t.length).fill(0), ...t]
}

function v6Blocked (address: string): string | null {
  const g = v6Groups(address)
  if (g.every(x => x === 0)) return 'unspecified'
  if (g.slice(0, 7).every(x => x === 0) && g[7] === 1) return 'loopback'
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible: judge the IPv4 inside
  if (g.slice(0, 5).every(x => x === 0) && (g[5] === 0xffff || g[5] === 0)) {
    const v4 = `${(g[6] ?? 0) >> 8}.${(g[6] ?? 0) & 255}.${(g[7] ?? 0) >> 8}.${(g[7] ?? 0) & 255}`
    return v4Blocked(v4)
  }
  const first = g[0] ?? 0
  if ((first & 0xfe00) === 0xfc00) return 'ULA'
  if ((first & 0xffc0) === 0xfe80) return 'link-local'
  if ((first & 0xff00) === 0xff00) return 'multicast'
  if (first === 0x0064 && g[1] === 0xff9b) return 'NAT64 (embeds an IPv4)'
  if (first === 0xfd00 && g[1] === 0x0ec2) return 'metadata'
  return null
}

const isLoopback = (address: string): boolean => isIP(address) === 4 ? address.startsWith('127.') : v6Blocked(address) === 'loopback'

/** Why `address` (an IP literal) is refused, or null when it may be reached. */
export function blockedReason (address: string, options: AddressGuardOptions = {}): string | null {
  if (options.allowLoopbackForTests === true && isLoopback(address)) return null
  const family = isIP(address)
  if (family === 4) return v4Blocked(address)
  if (family === 6) return v6Blocked(address)
  return 'not an IP address'
}

export const checkAddress: CheckAddress = async (host, options = {}) => {
  const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  let addresses: Array<{ address: string, family: number }>
  if (isIP(literal) !== 0) {
    addresses = [{ address: literal, family: isIP(literal) }]
  } else {
    try {
      addresses = await lookup(literal, { all: true, verbatim: true })
    } catch (err) {
      return { ok: false, reason: 'dns_failure', detail: (err as NodeJS.ErrnoException).code ?? 'lookup failed' }
    }
  }
  if (addresses.length === 0) return { ok: false, reason: 'dns_failure', detail: 'no address' }
  // every address must pass: a name that resolves to one public and one private address is refused
  for (const { address } of addresses) {
    const why = blockedReason(address, options)
    if (why != null) return { ok: false, reason: 'blocked_address', detail: `${address} is ${why}` }
  }
  const first = addresses[0] as { address: string, family: number }
  return { ok: true, address: first.address, family: first.family === 6 ? 6 : 4 }
}
