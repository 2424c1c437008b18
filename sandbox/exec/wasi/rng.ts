/** random_get's bytes: the ChaCha20 keystream keyed by the request's 32-byte seed (nonce 0), read in order. */
import { chacha20 } from '@noble/ciphers/chacha.js'

const BLOCK = 64
const NONCE = new Uint8Array(12)

export class SeededStream {
  private position = 0

  constructor (private readonly key: Uint8Array) {
    if (key.length !== 32) throw new RangeError('seed must be 32 bytes')
  }

  /** The next `length` bytes of the stream. */
  next (length: number): Uint8Array {
    const start = this.position
    const firstBlock = Math.floor(start / BLOCK)
    const skip = start - firstBlock * BLOCK
    const blocks = Math.ceil((skip + length) / BLOCK)
    const stream = chacha20(this.key, NONCE, new Uint8Array(blocks * BLOCK), undefined, firstBlock)
    this.position += length
    return stream.subarray(skip, skip + length)
  }
}
