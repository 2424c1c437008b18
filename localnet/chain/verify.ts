/** ed25519 verification of transactions with node's native crypto (protocol/native-ed25519.ts): ~50x faster than pure JS, which matters for tx throughput. */
export { verifyNative as verifyEd25519 } from '../../protocol/native-ed25519.js'
