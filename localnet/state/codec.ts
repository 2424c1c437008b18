/** Byte encodings NEAR's JSON uses: base64 for data, base58 for hashes, hex for our state keys. */
import { base58, base64 } from '@scure/base'

export const toBase64 = (b: Uint8Array): string => base64.encode(b)
export const fromBase64 = (s: string): Uint8Array => base64.decode(s)
export const toBase58 = (b: Uint8Array): string => base58.encode(b)
export const fromBase58 = (s: string): Uint8Array => base58.decode(s)
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
export const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'))
export const utf8 = new TextEncoder()
export const utf8Decode = (b: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(b)
