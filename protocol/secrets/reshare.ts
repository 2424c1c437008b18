/**
 * Resharing the group secret s to a new member set without changing the group key P = s·G, so nothing already
 * encrypted to P needs re-encrypting (a redistribution in the manner of Desmedt–Jajodia, with Feldman
 * commitments as in FROST's DKG):
 *
 *   - a set D of at least t old members (the dealers) each take λ_i, the Lagrange coefficient at 0 over D, and
 *     deal a fresh polynomial g_i of degree t'−1 with g_i(0) = λ_i·s_i: public commitments C_ik = a_ik·G, one
 *     private sub-share g_i(x_j) per new member j;
 *   - new member j checks every sub-share against its dealer's commitments (g_i(x_j)·G = Σ_k C_ik·x_j^k), that
 *     each dealt constant is C_i0 = λ_i·Y_i (Y_i the dealer's published verifying share, so a dealer cannot
 *     deal anything but its own share's part), and that Σ_i C_i0 = P; then s'_j = Σ_i g_i(x_j).
 *
 * Σ_i g_i is a polynomial of degree t'−1 with constant Σ λ_i·s_i = s: the new shares are a t'-of-n' sharing of
 * the same s. Every new verifying share Y'_m = Σ_i Σ_k C_ik·x_m^k follows from the public commitments, so every
 * member computes the same new group record (what t old members then sign for rotate_keystore_group). Pure:
 * the transport (private sub-shares over Noise, a deadline, aborting on any bad dealing) is the caller's.
 */
import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils.js'
import { SecretsError } from './errors.js'
import type { KeystoreShare } from './dkg.js'
import { Fn, Point, decodePoint, decodeScalar, encodeScalar, identifierScalar, lagrangeAtZero, scalarFromWide, type Point as PointT } from './group.js'

/** Public: the dealer's commitments to its polynomial's t' coefficients (hex points, constant first). */
export interface ReshareDealing { dealer: string, commitment: string[] }
/** Private: g_dealer(x_receiver), sent to `receiver` alone. */
export interface ReshareSubShare { dealer: string, receiver: string, value: string }

export interface ReshareSet {
  /** old identifiers dealing (at least the old threshold), the same list for everyone */
  dealers: string[]
  /** new identifiers, in the new member order */
  receivers: string[]
  newThreshold: number
}

/** RESHARE_FAILED, naming the dealer (its old identifier) when one dealer's dealing or sub-share is at fault. */
export class ReshareError extends SecretsError {
  constructor (message: string, readonly dealer?: string, options?: { cause?: unknown }) { super('RESHARE_FAILED', message, options) }
}

const fail = (message: string, cause?: unknown, dealer?: string): never => { throw new ReshareError(message, dealer, cause != null ? { cause } : undefined) }
const blame = (dealer: string, message: string, cause?: unknown): never => fail(`dealer ${dealer.slice(0, 8)}… ${message}`, cause, dealer)

function checkSet (set: ReshareSet): void {
  const n = set.receivers.length
  if (!Number.isInteger(set.newThreshold) || set.newThreshold < 2 || set.newThreshold > n || n > 64) fail(`threshold ${set.newThreshold} of ${n} new members: need 2 ≤ t ≤ n ≤ 64`)
  if (new Set(set.receivers).size !== n || new Set(set.dealers).size !== set.dealers.length) fail('duplicate identifiers')
  for (const id of [...set.dealers, ...set.receivers]) identifierScalar(id)
}

/** Σ_k C_k·x^k (Horner) */
function evalCommitment (commitment: PointT[], x: bigint): PointT {
  let acc = Point.ZERO
  for (let k = commitment.length - 1; k >= 0; k--) acc = acc.multiplyUnsafe(x).add(commitment[k]!)
  return acc
}

/** One old member's dealing: its public commitments and one private sub-share per new member. */
export function dealReshare (share: Pick<KeystoreShare, 'identifier' | 'share'>, set: ReshareSet): { dealing: ReshareDealing, subShares: ReshareSubShare[] } {
  checkSet(set)
  if (!set.dealers.includes(share.identifier)) fail(`${share.identifier.slice(0, 8)}… is not among the dealers`)
  const lambda = lagrangeAtZero(set.dealers).get(share.identifier)!
  const coefficients = [Fn.mul(lambda, decodeScalar(share.share, 'share'))]
  for (let k = 1; k < set.newThreshold; k++) coefficients.push(scalarFromWide(randomBytes(64)))
  try {
    const dealing = { dealer: share.identifier, commitment: coefficients.map(a => bytesToHex(Point.BASE.multiply(a).toBytes())) }
    const subShares = set.receivers.map(receiver => {
      const x = identifierScalar(receiver)
      let v = 0n
      for (let k = coefficients.length - 1; k >= 0; k--) v = Fn.add(Fn.mul(v, x), coefficients[k]!)
      return { dealer: share.identifier, receiver, value: bytesToHex(encodeScalar(v)) }
    })
    return { dealing, subShares }
  } finally {
    coefficients.fill(0n)
  }
}

/** What every participant checks in public: the old group, and one dealing from each dealer. */
export interface ReshareDealingsArgs extends ReshareSet {
  /** the old group: P and every old member's verifying share (identifier hex → Y_i) */
  groupKey: Uint8Array
  oldVerifyingShares: Record<string, Uint8Array>
  dealings: ReshareDealing[]
}

export interface ReceiveReshareArgs extends ReshareDealingsArgs {
  /** this new member's identifier */
  receiver: string
  /** the sub-share each dealer sent to `receiver` */
  subShares: ReshareSubShare[]
}

export interface CheckedDealings {
  /** each dealer's commitments, decoded */
  commitments: Map<string, PointT[]>
  /** every new member's verifying share Y'_m (new identifier → point bytes) */
  verifyingShares: Record<string, Uint8Array>
}

/**
 * Checks every dealing against the old group (RESHARE_FAILED naming the dealer) and computes the new verifying
 * shares: what a dealer that is not a new member needs to sign the new group.
 */
export function checkDealings (args: ReshareDealingsArgs): CheckedDealings {
  checkSet(args)
  const lambdas = lagrangeAtZero(args.dealers)
  const commitments = new Map<string, PointT[]>()
  for (const d of args.dealings) {
    if (!lambdas.has(d.dealer) || commitments.has(d.dealer)) fail(`a dealing from ${String(d.dealer).slice(0, 8)}…, which is not a dealer or dealt twice`)
    if (!Array.isArray(d.commitment) || d.commitment.length !== args.newThreshold) blame(d.dealer, `committed to ${String(d.commitment?.length)} coefficients, not ${args.newThreshold}`)
    let points: PointT[]
    try { points = d.commitment.map(c => decodePoint(hexToBytes(c), 'commitment')) } catch (err) { return blame(d.dealer, 'sent a malformed commitment', err) }
    const Y = args.oldVerifyingShares[d.dealer]
    if (Y == null) blame(d.dealer, 'has no published verifying share')
    if (!points[0]!.equals(decodePoint(Y!, 'verifying share').multiplyUnsafe(lambdas.get(d.dealer)!))) blame(d.dealer, 'dealt something other than its share')
    commitments.set(d.dealer, points)
  }
  if (commitments.size !== args.dealers.length) fail(`${commitments.size} dealings of ${args.dealers.length} dealers`)
  const P = [...commitments.values()].reduce((acc, c) => acc.add(c[0]!), Point.ZERO)
  if (!P.equals(decodePoint(args.groupKey, 'group key'))) fail('the dealings do not add up to the group key')
  const all = [...commitments.values()]
  const verifyingShares = Object.fromEntries(args.receivers.map(id => {
    const xm = identifierScalar(id)
    return [id, all.reduce((acc, c) => acc.add(evalCommitment(c, xm)), Point.ZERO).toBytes()]
  }))
  return { commitments, verifyingShares }
}

/** Checks every dealing and sub-share (RESHARE_FAILED naming the dealer) and returns the new share. */
export function receiveReshare (args: ReceiveReshareArgs): KeystoreShare {
  if (!args.receivers.includes(args.receiver)) fail('the receiver is not a new member')
  const { commitments, verifyingShares } = checkDealings(args)
  const x = identifierScalar(args.receiver)
  let share = 0n
  const mine = args.subShares.filter(s => s.receiver === args.receiver)
  if (mine.length !== args.dealers.length || new Set(mine.map(s => s.dealer)).size !== mine.length) fail(`expected one sub-share from each of ${args.dealers.length} dealers`)
  for (const s of mine) {
    const c = commitments.get(s.dealer)
    if (c == null) fail(`a sub-share from ${s.dealer.slice(0, 8)}…, which is not a dealer`)
    let v: bigint
    try { v = decodeScalar(hexToBytes(s.value), 'sub-share') } catch (err) { return blame(s.dealer, 'sent a malformed sub-share', err) }
    if (!(v === 0n ? Point.ZERO : Point.BASE.multiply(v)).equals(evalCommitment(c!, x))) blame(s.dealer, 'sent a sub-share that does not match its commitment')
    share = Fn.add(share, v)
  }
  return {
    identifier: args.receiver,
    share: encodeScalar(share),
    threshold: args.newThreshold,
    members: args.receivers.length,
    groupKey: args.groupKey.slice(),
    verifyingShares
  }
}
