/**
 * The address ranges no fetch on a request's behalf may reach: everything that is not public unicast
 * internet (IANA special-purpose registries, RFC 6890 and successors). Classified with node's BlockList, so
 * no address is parsed by hand.
 */
import { BlockList, isIP } from 'node:net'

export type AddressClass =
  | 'metadata' | 'unspecified' | 'loopback' | 'private' | 'link-local' | 'cgnat' | 'unique-local'
  | 'multicast' | 'ipv4-embedded' | 'reserved'

/** Checked in order: the first match names the class (metadata before link-local and unique-local). */
const RANGES: ReadonlyArray<[AddressClass, 'ipv4' | 'ipv6', string, number]> = [
  ['metadata', 'ipv4', '169.254.169.254', 32], // cloud instance metadata (AWS, GCP, Azure, …)
  ['metadata', 'ipv6', 'fd00:ec2::254', 128], // AWS metadata over IPv6
  ['unspecified', 'ipv4', '0.0.0.0', 8],
  ['private', 'ipv4', '10.0.0.0', 8],
  ['cgnat', 'ipv4', '100.64.0.0', 10],
  ['loopback', 'ipv4', '127.0.0.0', 8],
  ['link-local', 'ipv4', '169.254.0.0', 16],
  ['private', 'ipv4', '172.16.0.0', 12],
  ['reserved', 'ipv4', '192.0.0.0', 24], // IETF protocol assignments
  ['reserved', 'ipv4', '192.0.2.0', 24], // documentation
  ['reserved', 'ipv4', '192.88.99.0', 24], // 6to4 relay anycast
  ['private', 'ipv4', '192.168.0.0', 16],
  ['reserved', 'ipv4', '198.18.0.0', 15], // benchmarking
  ['reserved', 'ipv4', '198.51.100.0', 24],
  ['reserved', 'ipv4', '203.0.113.0', 24],
  ['multicast', 'ipv4', '224.0.0.0', 4],
  ['reserved', 'ipv4', '240.0.0.0', 4], // includes 255.255.255.255
  // ::/8 holds ::, ::1, IPv4-compatible, IPv4-mapped (::ffff:0:0/96) and NAT64 addresses: no public unicast
  ['unspecified', 'ipv6', '::', 128],
  ['loopback', 'ipv6', '::1', 128],
  ['ipv4-embedded', 'ipv6', '::ffff:0:0', 96],
  ['ipv4-embedded', 'ipv6', '64:ff9b::', 96], // NAT64: would reach the IPv4 it embeds
  ['ipv4-embedded', 'ipv6', '64:ff9b:1::', 48],
  ['reserved', 'ipv6', '::', 8],
  ['reserved', 'ipv6', '100::', 64], // discard-only
  ['ipv4-embedded', 'ipv6', '2001::', 32], // Teredo
  ['reserved', 'ipv6', '2001:db8::', 32], // documentation
  ['ipv4-embedded', 'ipv6', '2002::', 16], // 6to4
  ['unique-local', 'ipv6', 'fc00::', 7],
  ['link-local', 'ipv6', 'fe80::', 10],
  ['reserved', 'ipv6', 'fec0::', 10], // site-local (deprecated)
  ['multicast', 'ipv6', 'ff00::', 8]
]

const LISTS = RANGES.map(([cls, type, net, prefix]) => {
  const list = new BlockList()
  list.addSubnet(net, prefix, type)
  return { cls, type, list }
})

/**
 * The class of a non-public address, or undefined for public unicast. Throws TypeError for a string that is
 * not an IP address (callers resolve names first).
 */
export function addressClass (ip: string): AddressClass | undefined {
  const version = isIP(ip)
  if (version === 0) throw new TypeError(`not an IP address: ${JSON.stringify(ip.slice(0, 80))}`)
  const type = version === 4 ? 'ipv4' : 'ipv6'
  return LISTS.find(r => r.type === type && r.list.check(ip, type))?.cls
}
