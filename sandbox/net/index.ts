/**
 * sandbox/net: the SSRF guard every fetch on a request's behalf goes through (builder git fetches, WASI HTTP).
 * See README.md for the contract and address-guard.ts for the pinning.
 */
export { checkHost, checkUrl, pinnedLookup } from './address-guard.js'
export type { AddressGuardInit, CheckedAddress, CheckedUrl, ResolveAll, ResolvedAddress } from './address-guard.js'
export { addressClass } from './address-ranges.js'
export type { AddressClass } from './address-ranges.js'
export { AddressRefusedError } from './errors.js'
export type { AddressRefusedCode } from './errors.js'
