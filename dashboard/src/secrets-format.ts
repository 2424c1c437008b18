/**
 * The secrets format the page encrypts with: protocol/secrets' secrets blob v1 (ristretto255 ECIES to the keystore
 * group key, HKDF-SHA256, ChaCha20-Poly1305, label binding owner/accessor/profile; protocol/README.md), bundled
 * from the same pure module the CLI and the keystore use, so the browser cannot drift from what the keystore opens.
 */
export { accessorKey, encryptSecrets, parseAccessor, type Accessor, type SecretsBinding } from '../../protocol/secrets/payload.js'
