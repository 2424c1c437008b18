/**
 * The keystore group as published by contract/src/keystore.ts (`get_keystore_group`), parsed and checked: the
 * group key and verifying shares are canonical ristretto255 points, member k has FROST identifier k+1. Also
 * the exact text members sign to rotate it (the contract rebuilds the same bytes).
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { fail, ok, sha256, concatBytes, type Result } from '../../../protocol/index.js'
import { SecretsError, decodePoint, memberIdentifier } from '../../../protocol/secrets/index.js'

export interface KeystoreMember {
  account_id: string
  peer_id: string
  /** ed25519:… node key (signs rotations) */
  public_key: string
  /** s_i·G, hex */
  verifying_share: string
}

export interface KeystoreGroup {
  version: number
  groupKey: Uint8Array
  threshold: number
  members: KeystoreMember[]
  /** FROST identifier hex → verifying share */
  verifyingShares: Map<string, Uint8Array>
  /** peer id → FROST identifier hex */
  identifierOfPeer: Map<string, string>
}

export interface GroupArgs { group_key: string, threshold: number, members: KeystoreMember[] }

export function parseGroup (raw: unknown): Result<KeystoreGroup> {
  const r = raw as { version?: unknown, group?: { group_key?: unknown, threshold?: unknown, members?: unknown } }
  const g = r?.group
  if (g == null || typeof g.group_key !== 'string' || !Number.isInteger(g.threshold) || !Array.isArray(g.members)) return fail('INVALID', 'get_keystore_group answered no {version, group{group_key, threshold, members}}')
  try {
    const groupKey = decodePoint(hexToBytes(g.group_key), 'group key')
    const members = g.members as KeystoreMember[]
    const verifyingShares = new Map<string, Uint8Array>()
    const identifierOfPeer = new Map<string, string>()
    members.forEach((m, k) => {
      const id = memberIdentifier(k)
      verifyingShares.set(id, decodePoint(hexToBytes(m.verifying_share), `verifying share of ${m.account_id}`).toBytes())
      identifierOfPeer.set(m.peer_id, id)
    })
    return ok({ version: Number(r.version), groupKey: groupKey.toBytes(), threshold: g.threshold as number, members, verifyingShares, identifierOfPeer })
  } catch (err) {
    if (err instanceof SecretsError) return fail('INVALID', err.message)
    return fail('INVALID', 'group fields are not hex')
  }
}

/** The argument of set_keystore_group / rotate_keystore_group, in the contract's canonical field order. */
export function groupArgs (groupKey: Uint8Array, threshold: number, members: KeystoreMember[]): GroupArgs {
  return {
    group_key: bytesToHex(groupKey),
    threshold,
    members: members.map(m => ({ account_id: m.account_id, peer_id: m.peer_id, public_key: m.public_key, verifying_share: m.verifying_share }))
  }
}

/** What t current members sign (ed25519, hex) to replace the group with `next` as version `version`. */
export function rotationDigest (contractId: string, version: number, next: GroupArgs): Uint8Array {
  return sha256(concatBytes(new TextEncoder().encode(`outlayer-mesh/keystore-group/v1\0${contractId}\0${version}\0`), new TextEncoder().encode(JSON.stringify(next))))
}
