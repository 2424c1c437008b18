/**
 * The SSRF guard: before anything connects to a host a request named (a git URL, a WASI HTTP URL), resolve
 * it once, refuse it unless every address is public unicast, and hand back the one checked address so the
 * connection is pinned to it: a name that resolves to a public address for the check and to 127.0.0.1 for
 * the connect (DNS rebinding) never reaches 127.0.0.1, because the connect does not resolve again.
 *
 *   const checked = await checkUrl('https://example.com/x')      // throws AddressRefusedError
 *   http.request(checked.url, { lookup: pinnedLookup(checked) })  // connects to checked.address only
 *   // on a 3xx: checkUrl(new URL(location, checked.url)) again, or refuse (never follow blindly)
 *
 * Tests reach 127.0.0.1 servers through `testOnlyAllow`, an option a caller passes in code: there is no
 * environment variable that turns the guard off.
 */
import { lookup as dnsLookup } from 'node:dns/promises'
import type { LookupFunction } from 'node:net'
import { isIP } from 'node:net'
import { addressClass } from './address-ranges.js'
import { AddressRefusedError } from './errors.js'

export interface ResolvedAddress { address: string, family: 4 | 6 }
/** every address a name resolves to (dns.lookup with all: true by default) */
export type ResolveAll = (host: string) => Promise<ResolvedAddress[]>

export interface AddressGuardInit {
  /**
   * TEST ONLY: exact IP addresses accepted although they are not public (e.g. `['127.0.0.1']` for a git
   * server a test started). Production callers never set it. @default []
   */
  testOnlyAllow?: readonly string[]
  /** @default the system resolver (getaddrinfo, the resolver git and curl would use) */
  resolve?: ResolveAll
  /** a name that has not resolved by then is refused as UNRESOLVABLE @default 5000 */
  resolveTimeoutMs?: number
}

export interface CheckedAddress extends ResolvedAddress {
  /** the host as asked (an IP literal without brackets, or a name) */
  host: string
}

export interface CheckedUrl extends CheckedAddress {
  url: URL
  /** the port the URL names, or its scheme's default */
  port: number
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'git:': 9418 }

const systemResolve: ResolveAll = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map(a => ({ address: a.address, family: a.family === 6 ? 6 : 4 }))

function checkAddress (host: string, address: string, allow: readonly string[]): void {
  if (allow.includes(address)) return
  const cls = addressClass(address)
  if (cls != null) throw new AddressRefusedError('PRIVATE_ADDRESS', `${host} is ${host === address ? '' : `${address}, `}a ${cls} address; only public addresses are fetched`)
}

async function resolveWithin (host: string, resolve: ResolveAll, timeoutMs: number): Promise<ResolvedAddress[]> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    return await Promise.race([resolve(host), deadline])
  } catch (err) {
    throw new AddressRefusedError('UNRESOLVABLE', `${host} does not resolve: ${(err as Error).message}`, { cause: err })
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Resolves `host` (a name or an IP literal, IPv6 with or without brackets) and returns the address to
 * connect to. Refuses when ANY address it resolves to is not public: an attacker's name listing a public and
 * a private address must not get the private one tried on a retry.
 */
export async function checkHost (host: string, init: AddressGuardInit = {}): Promise<CheckedAddress> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  if (bare === '') throw new AddressRefusedError('BAD_URL', 'no host to check')
  const allow = init.testOnlyAllow ?? []
  const literal = isIP(bare)
  const addresses = literal !== 0
    ? [{ address: bare, family: literal as 4 | 6 }]
    : await resolveWithin(bare, init.resolve ?? systemResolve, init.resolveTimeoutMs ?? 5000)
  if (addresses.length === 0) throw new AddressRefusedError('UNRESOLVABLE', `${bare} resolves to no address`)
  for (const a of addresses) checkAddress(bare, a.address, allow)
  return { host: bare, ...addresses[0]! }
}

/** checkHost for the host of an http:, https: or git: URL; other schemes are BAD_URL. */
export async function checkUrl (url: string | URL, init: AddressGuardInit = {}): Promise<CheckedUrl> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new AddressRefusedError('BAD_URL', `not a URL: ${JSON.stringify(String(url).slice(0, 200))}`)
  }
  const defaultPort = DEFAULT_PORTS[parsed.protocol]
  if (defaultPort == null) throw new AddressRefusedError('BAD_URL', `${parsed.protocol} URLs are not fetched (http, https or git)`)
  const checked = await checkHost(parsed.hostname, init)
  return { ...checked, url: parsed, port: parsed.port !== '' ? Number(parsed.port) : defaultPort }
}

/**
 * A `lookup` for http.request / net.connect / tls.connect that answers the checked address for the checked
 * host and fails for any other name, so the socket goes where the guard looked and nowhere else.
 */
export function pinnedLookup (checked: CheckedAddress): LookupFunction {
  return (hostname, options, callback) => {
    const name = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname
    if (name !== checked.host) {
      callback(new AddressRefusedError('PRIVATE_ADDRESS', `${hostname} was not checked (pinned to ${checked.host})`), '', 4)
      return
    }
    if (options.all === true) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [{ address: checked.address, family: checked.family }])
    else callback(null, checked.address, checked.family)
  }
}
