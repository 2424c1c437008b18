/**
 * Stand-in for protocol/secrets' encryptSecrets (branch w12-keystore, secrets blob v1: ristretto255 ECIES,
 * HKDF-SHA256, ChaCha20-Poly1305, label binding owner/accessor/profile). Same signature; it refuses until the pure
 * module is on main, when this file becomes `export { encryptSecrets } from '../../protocol/secrets/index.js'`.
 */
export interface SecretsBinding { owner: string, accessor: string, profile: string }

export function encryptSecrets (_groupKey: Uint8Array, _binding: SecretsBinding, _vars: unknown): Uint8Array {
  throw new Error('secrets encryption (protocol/secrets, issue 12) is not on main yet: nothing was sent')
}
