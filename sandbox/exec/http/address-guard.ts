/**
 * The HTTP fetcher's view of the shared SSRF guard (sandbox/net): `checkAddress(host)` resolves a host once and
 * refuses it when any address is not public, as a value the fetcher turns into a guest-visible refusal
 * (`blocked_address`) or a local failure (`dns_failure`). The fetcher connects to the checked address only
 * (pinnedLookup) and checks again on every redirect.
 */
import { AddressRefusedError, checkHost, type CheckedAddress } from '../../net/index.js'

export type AddressCheck =
  | ({ ok: true } & CheckedAddress)
  | { ok: false, reason: 'blocked_address' | 'dns_failure', detail: string }

export interface AddressGuardOptions {
  /** TEST ONLY: let 127.0.0.1 and ::1 through, so tests can stand real servers on loopback. Never set in a node. */
  allowLoopbackForTests?: boolean
}

export type CheckAddress = (host: string, options?: AddressGuardOptions) => Promise<AddressCheck>

const TEST_LOOPBACK = ['127.0.0.1', '::1']

export const checkAddress: CheckAddress = async (host, options = {}) => {
  try {
    return { ok: true, ...await checkHost(host, { testOnlyAllow: options.allowLoopbackForTests === true ? TEST_LOOPBACK : [] }) }
  } catch (err) {
    if (!(err instanceof AddressRefusedError)) throw err
    return { ok: false, reason: err.code === 'UNRESOLVABLE' ? 'dns_failure' : 'blocked_address', detail: err.message }
  }
}
