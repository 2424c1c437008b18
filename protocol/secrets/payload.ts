/**
 * What a secrets blob holds and which label binds it: the plaintext is the UTF-8 JSON object of env vars
 * (`{"API_KEY":"…"}`), and the HKDF label binds the record's owner, accessor and profile, so a blob copied into
 * another record (other owner, code or profile) does not open there.
 *
 *   label = "outlayer-mesh/secrets/v1" ‖ 0x00 ‖ u8 len(owner) ‖ owner ‖ u16be len(accessor) ‖ accessor
 *           ‖ u8 len(profile) ‖ profile                                          (all utf8)
 */
import { SecretsError } from './errors.js'
import { OVERHEAD_BYTES, openWithShared, seal, type SealOptions } from './ecies.js'

/** The contract stores at most 64 KiB of encrypted secrets (contract/src/secrets.ts MAX_SECRETS_BYTES). */
export const MAX_BLOB_BYTES = 64 * 1024
export const MAX_PLAINTEXT_BYTES = MAX_BLOB_BYTES - OVERHEAD_BYTES
export const MAX_ENV_VARS = 64
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/
const utf8 = new TextEncoder()

/** The accessor as the contract keys it: `repo:<repo>[@branch]`, `wasm:<hash>` or `project:<id>`. */
export type Accessor = { Repo: { repo: string, branch?: string } } | { WasmHash: { hash: string } } | { Project: { project_id: string } }

export function accessorKey (a: Accessor): string {
  if ('Repo' in a) return `repo:${a.Repo.repo}${a.Repo.branch != null ? `@${a.Repo.branch}` : ''}`
  if ('WasmHash' in a) return `wasm:${a.WasmHash.hash}`
  return `project:${a.Project.project_id}`
}

/** `repo:owner/name[@branch]`, `wasm:<64 hex>` or `project:<id>` → the contract's Accessor JSON. */
export function parseAccessor (text: string): Accessor {
  const [kind, ...rest] = text.split(':')
  const value = rest.join(':')
  if (kind === 'repo' && value.length > 0 && value.length <= 256) {
    const at = value.lastIndexOf('@')
    return at > 0 ? { Repo: { repo: value.slice(0, at), branch: value.slice(at + 1) } } : { Repo: { repo: value } }
  }
  if (kind === 'wasm' && /^[0-9a-f]{64}$/.test(value)) return { WasmHash: { hash: value } }
  if (kind === 'project' && value.length > 0 && value.length <= 128) return { Project: { project_id: value } }
  throw new SecretsError('MALFORMED', `accessor "${text}" must be repo:owner/name[@branch], wasm:<64 lowercase hex> or project:<id>`)
}

export interface SecretsBinding { owner: string, accessor: string, profile: string }

export function secretsLabel ({ owner, accessor, profile }: SecretsBinding): Uint8Array {
  const o = utf8.encode(owner)
  const a = utf8.encode(accessor)
  const p = utf8.encode(profile)
  if (o.length > 255 || p.length > 255 || a.length > 65535) throw new SecretsError('MALFORMED', 'owner, accessor or profile too long for the label')
  const prefix = utf8.encode('outlayer-mesh/secrets/v1\0')
  const out = new Uint8Array(prefix.length + 1 + o.length + 2 + a.length + 1 + p.length)
  let at = 0
  const put = (b: Uint8Array): void => { out.set(b, at); at += b.length }
  put(prefix)
  out[at++] = o.length; put(o)
  out[at++] = a.length >> 8; out[at++] = a.length & 0xff; put(a)
  out[at++] = p.length; put(p)
  return out
}

/** Checks an env-var map and returns its bytes (the plaintext); BAD_PAYLOAD or TOO_LARGE otherwise. */
export function encodeSecrets (vars: unknown): Uint8Array {
  if (vars == null || typeof vars !== 'object' || Array.isArray(vars)) throw new SecretsError('BAD_PAYLOAD', 'secrets must be a JSON object of NAME → string')
  const entries = Object.entries(vars)
  if (entries.length === 0 || entries.length > MAX_ENV_VARS) throw new SecretsError('BAD_PAYLOAD', `secrets hold 1..${MAX_ENV_VARS} variables`)
  for (const [name, value] of entries) {
    if (!ENV_NAME.test(name)) throw new SecretsError('BAD_PAYLOAD', `"${name.slice(0, 40)}" is not an env-var name ([A-Za-z_][A-Za-z0-9_]*, ≤128)`)
    if (typeof value !== 'string') throw new SecretsError('BAD_PAYLOAD', `the value of ${name} must be a string`)
  }
  const bytes = utf8.encode(JSON.stringify(vars))
  if (bytes.length > MAX_PLAINTEXT_BYTES) throw new SecretsError('TOO_LARGE', `secrets are ${bytes.length} bytes; at most ${MAX_PLAINTEXT_BYTES} fit the contract's ${MAX_BLOB_BYTES}-byte record`)
  return bytes
}

/** Parses decrypted plaintext back into env vars (BAD_PAYLOAD when it is not what encodeSecrets makes). */
export function decodeSecrets (plaintext: Uint8Array): Record<string, string> {
  let parsed: unknown
  try { parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext)) } catch (err) {
    throw new SecretsError('BAD_PAYLOAD', 'decrypted secrets are not UTF-8 JSON', { cause: err })
  }
  encodeSecrets(parsed)
  return parsed as Record<string, string>
}

export function encryptSecrets (groupKey: Uint8Array, binding: SecretsBinding, vars: unknown, opts?: SealOptions): Uint8Array {
  const pt = encodeSecrets(vars)
  try { return seal(groupKey, secretsLabel(binding), pt, opts) } finally { pt.fill(0) }
}

/** Opens a blob with s·E (combined from t partials); the plaintext buffer is zeroed after parsing. */
export function decryptSecrets (shared: Uint8Array, groupKey: Uint8Array, binding: SecretsBinding, blob: Uint8Array): Record<string, string> {
  const pt = openWithShared(shared, groupKey, secretsLabel(binding), blob)
  try { return decodeSecrets(pt) } finally { pt.fill(0) }
}
