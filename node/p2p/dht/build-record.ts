/**
 * The DHT record under `/outlayer-build/<build_key>`: every builder's signed BuildAttestation for that key.
 *
 * Why a set and not one attestation: the trust policy (issue 7 §3) wants "k builders agree", so a worker needs
 * all of them. A kad record has one value per key and a PUT_VALUE overwrites, so the set is kept by
 *  - read-merge-write on put (putBuildRecord merges what the network holds with our attestation), and
 *  - a selector that prefers the record vouched for by more builders, so kad-dht's "correction" step on every
 *    get pushes the larger set back to peers holding a smaller one; findBuildRecords also unions every copy it sees.
 * Two builders putting at the same instant can still lose one attestation until the next put or get corrects it
 * (no gossip topic carries build attestations: the `builds` topic is defined but unused, so a record lives in the DHT only).
 *
 * The validator refuses the whole record if any attestation fails: a peer cannot store a forged one beside real ones.
 *
 * Sybils (issue 17 §1): any ed25519 key can sign a valid attestation, so a builder counts only when its key is a
 * registered worker's (`isRegisteredKey`, from the chain). The filter runs BEFORE the per-builder dedupe, the
 * grouping and the cap, in merging, in the selector and in trustedWasmHash: 16 fresh keys agreeing on the
 * attacker's wasm can neither push an honest attestation out of a record nor outvote it.
 */
import { buildPayloadCheck, buildRecordKey, canonicalBytes, verifyBuildAttestation, type BuildAttestation } from '../../../protocol/index.js'
import { MeshError } from '../errors.js'

export const BUILD_RECORD_NAMESPACE = 'outlayer-build'
export const BUILD_RECORD_VERSION = 1
/** at most this many builders per record; beyond it the largest agreeing groups are kept */
export const MAX_RECORD_ATTESTATIONS = 16
export const MAX_RECORD_BYTES = 32 * 1024

/** True when the `ed25519:` key belongs to a worker registered (and bonded) on chain. Must not throw. */
export type IsRegisteredKey = (key: string) => boolean

/** Counts every key: only for tests and tools that have no chain; a node always passes the chain's view. */
export const ANY_KEY: IsRegisteredKey = () => true

interface RecordBody {
  v: number
  attestations: BuildAttestation[]
}

export function recordKeyBytes (buildKey: string): Uint8Array {
  return new TextEncoder().encode(buildRecordKey(buildKey))
}

export function encodeBuildRecord (attestations: BuildAttestation[]): Uint8Array {
  const body: RecordBody = { v: BUILD_RECORD_VERSION, attestations: normalise(attestations) }
  return canonicalBytes(body)
}

/** Parses and verifies a record value; throws MeshError('BAD_INPUT') on the first problem. */
export function decodeBuildRecord (value: Uint8Array, buildKey: string): BuildAttestation[] {
  if (value.length > MAX_RECORD_BYTES) throw new MeshError('TOO_LARGE', `build record is ${value.length} bytes, the cap is ${MAX_RECORD_BYTES}`)
  let body: unknown
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(value))
  } catch {
    throw new MeshError('BAD_INPUT', 'build record is not UTF-8 JSON')
  }
  const b = body as Partial<RecordBody> | null
  if (b == null || typeof b !== 'object' || b.v !== BUILD_RECORD_VERSION || !Array.isArray(b.attestations)) {
    throw new MeshError('BAD_INPUT', 'build record must be {v: 1, attestations: [...]}')
  }
  if (b.attestations.length === 0 || b.attestations.length > MAX_RECORD_ATTESTATIONS) {
    throw new MeshError('BAD_INPUT', `build record must hold 1..${MAX_RECORD_ATTESTATIONS} attestations`)
  }
  return b.attestations.map((a, i) => checkAttestation(a, buildKey, `attestations[${i}]`))
}

export function checkAttestation (value: unknown, buildKey: string, path = 'attestation'): BuildAttestation {
  const shape = buildPayloadCheck(value, path)
  if (!shape.ok) throw new MeshError('BAD_INPUT', shape.error.message)
  const { peer_id: _peerId, ...attestation } = shape.value
  if (attestation.build_key !== buildKey) throw new MeshError('BAD_INPUT', `${path}: build_key does not match the record key`)
  if (!verifyBuildAttestation(attestation)) throw new MeshError('BAD_INPUT', `${path}: signature or build key does not verify`)
  return attestation
}

/**
 * Registered builders only (filtered first, so unregistered keys take no place under the cap); one attestation
 * per builder (the smallest signature if a builder signed twice, so every node picks the same), then the
 * largest groups agreeing on a wasm hash first, capped. Deterministic for any input order.
 */
export function normalise (attestations: BuildAttestation[], isRegisteredKey: IsRegisteredKey = ANY_KEY): BuildAttestation[] {
  const byBuilder = new Map<string, BuildAttestation>()
  for (const a of attestations) {
    if (!isRegisteredKey(a.builder)) continue
    const prev = byBuilder.get(a.builder)
    if (prev == null || a.signature < prev.signature) byBuilder.set(a.builder, a)
  }
  const groupSize = new Map<string, number>()
  for (const a of byBuilder.values()) groupSize.set(a.wasm_hash, (groupSize.get(a.wasm_hash) ?? 0) + 1)
  return [...byBuilder.values()].sort((x, y) =>
    (groupSize.get(y.wasm_hash)! - groupSize.get(x.wasm_hash)!) ||
    compare(x.wasm_hash, y.wasm_hash) ||
    compare(x.builder, y.builder)
  ).slice(0, MAX_RECORD_ATTESTATIONS)
}

export function mergeAttestations (...sets: BuildAttestation[][]): BuildAttestation[] {
  return normalise(sets.flat())
}

/** mergeAttestations keeping registered builders only. */
export function mergeRegistered (isRegisteredKey: IsRegisteredKey, ...sets: BuildAttestation[][]): BuildAttestation[] {
  return normalise(sets.flat(), isRegisteredKey)
}

export type TrustedWasm =
  | { ok: true, wasmHash: string, builders: string[] }
  /**
   * NO_QUORUM: fewer than k registered builders vouch for any hash (fetch nothing; build if a builder).
   * DISAGREEMENT: registered builders signed different hashes (or one signed two): someone bonded lies, so
   * no hash is trusted; a builder rebuilds and its record joins the others, a worker waits or refuses.
   */
  | { ok: false, code: 'NO_QUORUM' | 'DISAGREEMENT', message: string, hashes: Record<string, string[]> }

/**
 * The wasm hash at least `k` registered builders agree on, for the build key of `record`. Only attestations that
 * verify, carry that build key and are signed by a registered key count; unregistered keys are dropped before
 * anything is counted, so no number of sybils changes the answer. Pure: same input, same answer, on every node.
 */
export function trustedWasmHash (record: { buildKey: string, attestations: readonly BuildAttestation[] }, isRegisteredKey: IsRegisteredKey, k: number): TrustedWasm {
  const hashesOf = new Map<string, Set<string>>()
  for (const a of record.attestations) {
    if (a.build_key !== record.buildKey || !isRegisteredKey(a.builder) || !verifyBuildAttestation(a)) continue
    hashesOf.set(a.builder, (hashesOf.get(a.builder) ?? new Set()).add(a.wasm_hash))
  }
  const groups = new Map<string, string[]>()
  for (const [builder, hashes] of hashesOf) for (const h of hashes) groups.set(h, [...(groups.get(h) ?? []), builder])
  const hashes = Object.fromEntries([...groups].map(([h, b]) => [h, b.sort()]))
  if (groups.size > 1) {
    return { ok: false, code: 'DISAGREEMENT', message: `registered builders disagree on the wasm of build ${record.buildKey}: ${[...groups].map(([h, b]) => `${h.slice(0, 12)}… by ${b.length}`).join(', ')}`, hashes }
  }
  const need = Math.max(1, Math.floor(k))
  const [only] = groups
  if (only == null || only[1].length < need) {
    return { ok: false, code: 'NO_QUORUM', message: `${only?.[1].length ?? 0} registered builder(s) vouch for build ${record.buildKey}, ${need} needed`, hashes }
  }
  return { ok: true, wasmHash: only[0], builders: only[1].sort() }
}

function compare (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function buildKeyOf (key: Uint8Array): string {
  const text = new TextDecoder().decode(key)
  const prefix = `/${BUILD_RECORD_NAMESPACE}/`
  if (!text.startsWith(prefix)) throw new MeshError('BAD_INPUT', 'not a build record key')
  return text.slice(prefix.length)
}

/** kad-dht validator: throwing refuses the record (on put, and on every value a get receives). */
export function validateBuildRecord (key: Uint8Array, value: Uint8Array): void {
  decodeBuildRecord(value, buildKeyOf(key))
}

/**
 * kad-dht selector: the record vouched for by the most REGISTERED builders (so a record of 16 sybils never wins
 * the "correction" that pushes the best record back to peers); ties go to the smallest bytes (deterministic).
 */
export function buildRecordSelector (isRegisteredKey: IsRegisteredKey): (key: Uint8Array, records: Uint8Array[]) => number {
  return (key, records) => selectBest(key, records, isRegisteredKey)
}

/** buildRecordSelector counting every key (no chain view). */
export function selectBuildRecord (key: Uint8Array, records: Uint8Array[]): number {
  return selectBest(key, records, ANY_KEY)
}

function selectBest (key: Uint8Array, records: Uint8Array[], isRegisteredKey: IsRegisteredKey): number {
  const buildKey = buildKeyOf(key)
  let best = -1
  let bestCount = -1
  for (let i = 0; i < records.length; i++) {
    let count: number
    try {
      count = normalise(decodeBuildRecord(records[i]!, buildKey), isRegisteredKey).length
    } catch {
      continue
    }
    if (count > bestCount || (count === bestCount && compareBytes(records[i]!, records[best]!) < 0)) {
      best = i
      bestCount = count
    }
  }
  return Math.max(best, 0)
}

function compareBytes (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}
