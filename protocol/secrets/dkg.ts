/**
 * The keystore's distributed key generation: ristretto255_FROST's three DKG rounds (Pedersen VSS with proofs
 * of knowledge; no dealer). Round 1 is broadcast, round 2 is one private package per receiver (sent over a
 * Noise-encrypted libp2p stream), round 3 checks every received share against its sender's commitment. A
 * member that sends nothing, or something inconsistent, makes the run fail with DKG_FAILED; nothing is kept
 * and a new run (new polynomials) starts from round 1.
 */
import { ristretto255_FROST as FROST } from '@noble/curves/ed25519.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { SecretsError } from './errors.js'
import { identifierHex } from './group.js'

type DkgSecret = ReturnType<typeof FROST.DKG.round1>['secret']

/** Wire forms (hex), so messages are JSON. */
export interface DkgRound1 { identifier: string, commitment: string[], proof_of_knowledge: string }
export interface DkgRound2 { identifier: string, signing_share: string }

/** What a member keeps: its share (secret), the group key and every member's verifying share (public). */
export interface KeystoreShare {
  identifier: string
  /** 32-byte scalar, little-endian */
  share: Uint8Array
  threshold: number
  members: number
  /** P = s·G, 32 bytes */
  groupKey: Uint8Array
  /** identifier hex → s_i·G */
  verifyingShares: Record<string, Uint8Array>
}

/** identifiers 1..n as FROST hex identifiers (member k of the on-chain list is identifier k+1) */
export function memberIdentifier (index: number): string {
  return identifierHex(BigInt(index + 1))
}

function checkSigners (threshold: number, members: number): void {
  if (!Number.isInteger(threshold) || !Number.isInteger(members) || threshold < 2 || threshold > members || members > 64) {
    throw new SecretsError('DKG_FAILED', `threshold ${threshold} of ${members} members: need 2 ≤ t ≤ n ≤ 64`)
  }
}

export class DkgSession {
  private secret: DkgSecret | undefined
  private round1Out: DkgRound1 | undefined
  private received1 = new Map<string, DkgRound1>()

  constructor (readonly identifier: string, readonly threshold: number, readonly members: number) {
    checkSigners(threshold, members)
  }

  round1 (): DkgRound1 {
    if (this.round1Out != null) return this.round1Out
    const { public: pub, secret } = FROST.DKG.round1(this.identifier, { min: this.threshold, max: this.members })
    this.secret = secret
    this.round1Out = { identifier: pub.identifier, commitment: pub.commitment.map(c => bytesToHex(c)), proof_of_knowledge: bytesToHex(pub.proofOfKnowledge) }
    return this.round1Out
  }

  /** Takes the other n−1 round-1 broadcasts; returns one private package per receiver identifier. */
  round2 (others: DkgRound1[]): Record<string, DkgRound2> {
    if (this.secret == null) throw new SecretsError('DKG_FAILED', 'round2 before round1')
    const ids = new Set(others.map(o => o.identifier))
    if (others.length !== this.members - 1 || ids.size !== others.length || ids.has(this.identifier)) {
      throw new SecretsError('DKG_FAILED', `round 1: expected ${this.members - 1} distinct other members, got ${others.length}`)
    }
    for (const o of others) this.received1.set(o.identifier, o)
    try {
      const out = FROST.DKG.round2(this.secret, others.map(fromWire1))
      return Object.fromEntries(Object.entries(out).map(([to, m]) => [to, { identifier: m.identifier, signing_share: bytesToHex(m.signingShare) }]))
    } catch (err) {
      throw new SecretsError('DKG_FAILED', `round 2: ${(err as Error).message}`, { cause: err })
    }
  }

  /** Takes the n−1 packages addressed to this member; verifies them against the senders' commitments. */
  round3 (packages: DkgRound2[]): KeystoreShare {
    if (this.secret == null || this.received1.size === 0) throw new SecretsError('DKG_FAILED', 'round3 before round2')
    const senders = new Set(packages.map(p => p.identifier))
    if (packages.length !== this.members - 1 || senders.size !== packages.length || [...senders].some(s => !this.received1.has(s))) {
      throw new SecretsError('DKG_FAILED', `round 2: expected one package from each of ${this.members - 1} members`)
    }
    try {
      const key = FROST.DKG.round3(this.secret, [...this.received1.values()].map(fromWire1), packages.map(p => ({ identifier: p.identifier, signingShare: hexToBytes(p.signing_share) })))
      return {
        identifier: key.secret.identifier,
        share: key.secret.signingShare,
        threshold: this.threshold,
        members: this.members,
        groupKey: key.public.commitments[0]!,
        verifyingShares: { ...key.public.verifyingShares }
      }
    } catch (err) {
      throw new SecretsError('DKG_FAILED', `round 3: ${(err as Error).message}`, { cause: err })
    } finally {
      this.clean()
    }
  }

  /** Erases the polynomial (best effort: bigint copies may survive in the heap). */
  clean (): void {
    if (this.secret != null) FROST.DKG.clean(this.secret)
    this.secret = undefined
  }
}

function fromWire1 (m: DkgRound1): ReturnType<typeof FROST.DKG.round1>['public'] {
  try {
    return { identifier: m.identifier, commitment: m.commitment.map(c => hexToBytes(c) as Uint8Array<ArrayBuffer>), proofOfKnowledge: hexToBytes(m.proof_of_knowledge) as Uint8Array<ArrayBuffer> }
  } catch (err) {
    throw new SecretsError('DKG_FAILED', `round 1 package of ${String(m.identifier).slice(0, 64)} is not hex`, { cause: err })
  }
}
