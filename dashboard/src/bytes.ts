/** base64 and hex for the page (no Buffer in a browser). */
export const fromBase64 = (s: string): Uint8Array => Uint8Array.from(atob(s), c => c.charCodeAt(0))
export const toBase64 = (b: Uint8Array): string => btoa(Array.from(b, c => String.fromCharCode(c)).join(''))

/** 32 bytes from 64 lowercase hex characters; throws naming `what` otherwise */
export function hex32 (s: string, what: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(s)) throw new Error(`${what}: 64 lowercase hex characters`)
  return Uint8Array.from(s.match(/../g)!.map(b => parseInt(b, 16)))
}
