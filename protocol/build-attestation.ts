/**
 * Build keys and build attestations: how k builders vouch that (repo, commit, target, image) gives one wasm.
 * build_key = sha256(JCS{repo, commit, build_target, builder_image}); repo is normalised to an https URL.
 */
import { canonicalBytes } from './jcs.js'
import { canonicalHash, concatBytes, toBytes } from './hash.js'
import { DOMAIN } from './ids.js'
import { parsePublicKey, parseSignature, publicKeyToString, sign, signatureToString, verify, type KeyPair } from './keys.js'

export interface BuildInput {
  repo: string
  commit: string
  build_target: string
  builder_image: string
}

export interface BuildAttestation extends BuildInput {
  build_key: string
  wasm_hash: string
  size: number
  /** `ed25519:` public key of the builder */
  builder: string
  /** `ed25519:` signature */
  signature: string
}

/** `owner/repo` → https://github.com/owner/repo; trailing `.git` and `/` dropped; host lower-cased. */
export function normaliseRepo (repo: string): string {
  const trimmed = repo.trim().replace(/\/+$/, '').replace(/\.git$/, '')
  if (/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(trimmed)) return `https://github.com/${trimmed}`
  const m = /^([a-z+]+:\/\/)([^/]+)(.*)$/i.exec(trimmed)
  return m != null ? `${m[1]!.toLowerCase()}${m[2]!.toLowerCase()}${m[3]}` : trimmed
}

export function buildKey (input: BuildInput): string {
  return canonicalHash({ repo: normaliseRepo(input.repo), commit: input.commit, build_target: input.build_target, builder_image: input.builder_image })
}

function signedBytes (a: Omit<BuildAttestation, 'builder' | 'signature'>): Uint8Array {
  return concatBytes(toBytes(DOMAIN.build), new Uint8Array([0]), canonicalBytes({
    build_key: a.build_key, repo: a.repo, commit: a.commit, build_target: a.build_target,
    builder_image: a.builder_image, wasm_hash: a.wasm_hash, size: a.size
  }))
}

export function signBuildAttestation (input: BuildInput & { wasm_hash: string, size: number }, key: KeyPair): BuildAttestation {
  const body = { ...input, repo: normaliseRepo(input.repo), build_key: buildKey(input) }
  return { ...body, builder: publicKeyToString(key.publicKey), signature: signatureToString(sign(signedBytes(body), key.secretKey)) }
}

/** True when the signature is the builder's and the build key matches the fields. Never throws. */
export function verifyBuildAttestation (a: BuildAttestation): boolean {
  try {
    if (a.build_key !== buildKey(a)) return false
    return verify(parseSignature(a.signature), signedBytes(a), parsePublicKey(a.builder))
  } catch {
    return false
  }
}

/** The build target a GitHub source names when it names none (OutLayer's default). */
export const DEFAULT_BUILD_TARGET = 'wasm32-wasip1'
