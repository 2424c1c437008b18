// Integer benchmark: SHA-256 over a deterministic buffer. {"bytes":4194304,"rounds":4} → {"sha256":"..."}
// Each round hashes the buffer with the previous digest mixed into its first 32 bytes.
import { JValue, stringify } from '../lib/json'
import { readJsonInput, writeOutput } from '../lib/io'

const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
]

const H = new StaticArray<u32>(8)
const W = new StaticArray<u32>(64)

function compress (data: Uint8Array, off: i32): void {
  for (let i = 0; i < 16; i++) {
    const p = off + i * 4
    W[i] = (<u32>data[p] << 24) | (<u32>data[p + 1] << 16) | (<u32>data[p + 2] << 8) | <u32>data[p + 3]
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]
    const w2 = W[i - 2]
    const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3)
    const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10)
    W[i] = W[i - 16] + s0 + W[i - 7] + s1
  }
  let a = H[0]; let b = H[1]; let c = H[2]; let d = H[3]
  let e = H[4]; let f = H[5]; let g = H[6]; let h = H[7]
  for (let i = 0; i < 64; i++) {
    const t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + W[i]
    const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))
    h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2
  }
  H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h
}

function sha256 (data: Uint8Array): Uint8Array {
  H[0] = 0x6a09e667; H[1] = 0xbb67ae85; H[2] = 0x3c6ef372; H[3] = 0xa54ff53a
  H[4] = 0x510e527f; H[5] = 0x9b05688c; H[6] = 0x1f83d9ab; H[7] = 0x5be0cd19
  const full = data.length & ~63
  for (let off = 0; off < full; off += 64) compress(data, off)
  const tail = new Uint8Array(data.length - full < 56 ? 64 : 128)
  for (let i = full; i < data.length; i++) tail[i - full] = data[i]
  tail[data.length - full] = 0x80
  const bits = <u64>data.length * 8
  for (let i = 0; i < 8; i++) tail[tail.length - 1 - i] = <u8>(bits >>> (i * 8))
  for (let off = 0; off < tail.length; off += 64) compress(tail, off)
  const out = new Uint8Array(32)
  for (let i = 0; i < 8; i++) {
    out[i * 4] = <u8>(H[i] >>> 24); out[i * 4 + 1] = <u8>(H[i] >>> 16)
    out[i * 4 + 2] = <u8>(H[i] >>> 8); out[i * 4 + 3] = <u8>H[i]
  }
  return out
}

function hex (bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i++) s += (<u32>bytes[i]).toString(16).padStart(2, '0')
  return s
}

const input = readJsonInput()
const size = <i32>input.numberOr('bytes', 4194304)
const rounds = <i32>input.numberOr('rounds', 4)
const buf = new Uint8Array(size)
for (let i = 0; i < size; i++) buf[i] = <u8>(i * 31 + (i >>> 8))
let digest = sha256(buf)
for (let r = 1; r < rounds; r++) {
  for (let i = 0; i < 32 && i < size; i++) buf[i] = digest[i]
  digest = sha256(buf)
}
writeOutput(stringify(JValue.object().set('bytes', JValue.number(size)).set('rounds', JValue.number(rounds)).set('sha256', JValue.string(hex(digest)))))
