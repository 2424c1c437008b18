/**
 * wasi:random: every interface (random, insecure, insecure-seed) reads the one ChaCha20 stream keyed by the
 * request seed, in call order, as random_get does in preview1.
 */
import type { WasiContext } from '../context.js'
import { checkedLength } from './signal.js'

export function randomInterfaces (ctx: WasiContext): Record<string, object> {
  const bytes = (len: bigint): Uint8Array => ctx.random.next(checkedLength(len, 'get-random-bytes'))
  const u64 = (): bigint => new DataView(ctx.random.next(8).buffer).getBigUint64(0, true)
  return {
    'wasi:random/random': { getRandomBytes: bytes, getRandomU64: u64 },
    'wasi:random/insecure': { getInsecureRandomBytes: bytes, getInsecureRandomU64: u64 },
    'wasi:random/insecure-seed': { insecureSeed: () => [u64(), u64()] }
  }
}
