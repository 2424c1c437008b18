/** Resharing (protocol/secrets/reshare.ts): a 2-of-3 group redealt to 4 new members at 3-of-4, same group key. */
import { strict as assert } from 'node:assert'
import { bytesToHex } from '@noble/hashes/utils.js'
import {
  DkgSession, Point, SecretsError, combinePartials, dealReshare, decodeScalar, decryptSecrets, encryptSecrets,
  ephemeralOf, identifierHex, memberIdentifier, receiveReshare, type KeystoreShare, type ReshareSet
} from '../secrets/index.js'

const binding = { owner: 'alice.test.near', accessor: `wasm:${'ab'.repeat(32)}`, profile: 'default' }
const failed = (what: RegExp) => (err: unknown) => err instanceof SecretsError && err.code === 'RESHARE_FAILED' && what.test(err.message)

function runDkg (t: number, n: number): KeystoreShare[] {
  const sessions = Array.from({ length: n }, (_, i) => new DkgSession(memberIdentifier(i), t, n))
  const r1 = sessions.map(s => s.round1())
  const r2 = sessions.map((s, i) => s.round2(r1.filter((_, j) => j !== i)))
  return sessions.map((s, i) => s.round3(r2.filter((_, j) => j !== i).map(m => m[s.identifier]!)))
}

function opens (shares: KeystoreShare[], blob: Uint8Array, groupKey: Uint8Array): boolean {
  const E = ephemeralOf(blob)
  const partials = shares.map(k => ({ identifier: k.identifier, point: E.multiply(decodeScalar(k.share)).toBytes() }))
  try { decryptSecrets(combinePartials(partials, partials.length), groupKey, binding, blob); return true } catch { return false }
}

describe('protocol/secrets: resharing', () => {
  const old = runDkg(2, 3)
  const groupKey = old[0]!.groupKey
  const blob = encryptSecrets(groupKey, binding, { API_KEY: 'before-the-reshare' })
  // old members 1 and 3 deal; the new members get identifiers 11..14 (any non-zero scalars)
  const set: ReshareSet = { dealers: [old[0]!.identifier, old[2]!.identifier], receivers: [11n, 12n, 13n, 14n].map(identifierHex), newThreshold: 3 }
  const dealt = [old[0]!, old[2]!].map(k => dealReshare(k, set))
  const receive = (receiver: string, patch: Partial<Parameters<typeof receiveReshare>[0]> = {}) => receiveReshare({
    ...set, receiver, groupKey, oldVerifyingShares: old[0]!.verifyingShares,
    dealings: dealt.map(d => d.dealing), subShares: dealt.flatMap(d => d.subShares), ...patch
  })

  it('keeps the group key: any 3 of the 4 new shares open what was encrypted before; 2 do not', () => {
    const fresh = set.receivers.map(r => receive(r))
    for (const k of fresh) {
      assert.equal(bytesToHex(k.groupKey), bytesToHex(groupKey))
      assert.equal(k.threshold, 3)
      assert.equal(bytesToHex(k.verifyingShares[k.identifier]!), bytesToHex(Point.BASE.multiply(decodeScalar(k.share)).toBytes()), 'its own verifying share')
      assert.deepEqual(Object.keys(k.verifyingShares), set.receivers)
      assert.deepEqual(k.verifyingShares, fresh[0]!.verifyingShares, 'every new member computes the same verifying shares')
    }
    for (const three of [[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]]) assert.ok(opens(three.map(i => fresh[i]!), blob, groupKey), `new members ${three.join(',')}`)
    assert.ok(!opens([fresh[0]!, fresh[3]!], blob, groupKey), 't′−1 new shares do not open it')
    // the new shares are not the old ones: an old and a new share together do not combine
    assert.ok(!opens([old[0]!, fresh[1]!, fresh[2]!].map((k, i) => ({ ...k, identifier: i === 0 ? identifierHex(99n) : k.identifier })), blob, groupKey))
  })

  it('names a dealer whose sub-share does not match its commitments, or who deals anything but its own share', () => {
    const receiver = set.receivers[0]!
    const sub = dealt[1]!.subShares.map(s => s.receiver === receiver ? { ...s, value: bytesToHex(new Uint8Array(32).fill(7)) } : s)
    assert.throws(() => receive(receiver, { subShares: [...dealt[0]!.subShares, ...sub] }), failed(new RegExp(`${set.dealers[1]!.slice(0, 8)}.*does not match`)))
    // a dealer dealing a secret of its own choosing: consistent with its commitments, but not λ·Y
    const rogue = dealReshare({ identifier: set.dealers[1]!, share: old[1]!.share }, set)
    assert.throws(() => receive(receiver, { dealings: [dealt[0]!.dealing, rogue.dealing], subShares: [...dealt[0]!.subShares, ...rogue.subShares] }), failed(/other than its share/))
    assert.throws(() => receive(receiver, { dealings: [dealt[0]!.dealing] }), failed(/1 dealings of 2 dealers/))
    assert.throws(() => receive(receiver, { subShares: dealt[0]!.subShares }), failed(/one sub-share from each/))
    assert.throws(() => receive(receiver, { dealings: [dealt[0]!.dealing, { ...dealt[1]!.dealing, commitment: dealt[1]!.dealing.commitment.slice(0, 2) }] }), failed(/committed to 2 coefficients/))
  })

  it('refuses a bad set: a threshold out of range, a dealer not in it, duplicates', () => {
    assert.throws(() => dealReshare(old[1]!, set), failed(/not among the dealers/))
    assert.throws(() => dealReshare(old[0]!, { ...set, newThreshold: 5 }), failed(/threshold 5 of 4/))
    assert.throws(() => dealReshare(old[0]!, { ...set, receivers: [set.receivers[0]!, ...set.receivers.slice(0, 3)] }), failed(/duplicate/))
  })
})
