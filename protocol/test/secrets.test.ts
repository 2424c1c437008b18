import { strict as assert } from 'node:assert'
import { readFileSync } from 'node:fs'
import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils.js'
import {
  DkgSession, Fn, Point, SecretsError, combinePartials, decodeScalar, decryptSecrets, encryptSecrets, identifierHex,
  memberIdentifier, open, openShare, openWithShared, parseAccessor, accessorKey, provePartial, scalarFromWide, seal,
  sealShare, secretsLabel, verifyPartial, ephemeralOf, MAX_PLAINTEXT_BYTES, type KeystoreShare
} from '../secrets/index.js'

const golden = JSON.parse(readFileSync(new URL('./vectors/secrets_v1.json', import.meta.url), 'utf8'))
const binding = { owner: golden.owner as string, accessor: golden.accessor as string, profile: golden.profile as string }
const code = (c: string) => (err: unknown) => err instanceof SecretsError && err.code === c

/** A full 3-round DKG among n members in one process. */
function runDkg (t: number, n: number): KeystoreShare[] {
  const sessions = Array.from({ length: n }, (_, i) => new DkgSession(memberIdentifier(i), t, n))
  const r1 = sessions.map(s => s.round1())
  const r2 = sessions.map((s, i) => s.round2(r1.filter((_, j) => j !== i)))
  return sessions.map((s, i) => s.round3(r2.filter((_, j) => j !== i).map(m => m[s.identifier]!)))
}

function partialsFor (shares: KeystoreShare[], blob: Uint8Array, ctx: Uint8Array) {
  const E = ephemeralOf(blob).toBytes()
  return shares.map(k => ({ identifier: k.identifier, ...provePartial(decodeScalar(k.share), E, ctx) }))
}

describe('protocol/secrets', () => {
  describe('golden vector (computed by vectors/secrets_v1.py with libsodium + pyca/cryptography)', () => {
    it('encrypts byte for byte like the Python reference', () => {
      const s = scalarFromWide(hexToBytes(golden.group_secret_wide_hex))
      assert.equal(bytesToHex(Point.BASE.multiply(s).toBytes()), golden.group_key_hex)
      assert.equal(bytesToHex(secretsLabel(binding)), golden.label_hex)
      const blob = encryptSecrets(hexToBytes(golden.group_key_hex), binding, JSON.parse(golden.plaintext),
        { ephemeralWide: hexToBytes(golden.ephemeral_wide_hex), nonce: hexToBytes(golden.nonce_hex) })
      assert.equal(bytesToHex(blob), golden.blob_hex)
    })

    it('combines the reference 2-of-3 partials into r·P and decrypts the reference blob', () => {
      const blob = hexToBytes(golden.blob_hex)
      const E = ephemeralOf(blob)
      const partials = (golden.combine_ids as number[]).map(i => ({ identifier: identifierHex(BigInt(i)), point: E.multiply(decodeScalar(hexToBytes(golden.shares[String(i)]))).toBytes() }))
      const shared = combinePartials(partials, 2)
      assert.equal(bytesToHex(shared), golden.shared_hex)
      assert.deepEqual(decryptSecrets(shared, hexToBytes(golden.group_key_hex), binding, blob), JSON.parse(golden.plaintext))
    })
  })

  describe('threshold decryption after a DKG', () => {
    for (const [t, n] of [[2, 3], [3, 5]] as const) {
      it(`${t}-of-${n}: any t verified partials decrypt, t−1 do not`, () => {
        const shares = runDkg(t, n)
        for (const k of shares) assert.deepEqual(k.groupKey, shares[0]!.groupKey)
        const blob = encryptSecrets(shares[0]!.groupKey, binding, { API_KEY: 'sk-live' })
        const ctx = new TextEncoder().encode('request 7')
        const partials = partialsFor(shares, blob, ctx)
        const E = ephemeralOf(blob).toBytes()
        for (const p of partials) assert.ok(verifyPartial(shares[0]!.verifyingShares[p.identifier]!, E, p.partial, p.proof, ctx))
        const asPartial = (list: typeof partials) => list.map(p => ({ identifier: p.identifier, point: p.partial }))
        // every subset of size t, taken from the end as well as the start
        assert.deepEqual(decryptSecrets(combinePartials(asPartial(partials.slice(0, t)), t), shares[0]!.groupKey, binding, blob), { API_KEY: 'sk-live' })
        assert.deepEqual(decryptSecrets(combinePartials(asPartial(partials.slice(n - t)), t), shares[0]!.groupKey, binding, blob), { API_KEY: 'sk-live' })
        // t−1 partials: interpolating them as if they were enough gives the wrong point, and the tag fails
        const fewer = asPartial(partials.slice(0, t - 1))
        assert.throws(() => combinePartials(fewer, t), code('NOT_ENOUGH_PARTIALS'))
        assert.throws(() => decryptSecrets(combinePartials(fewer, t - 1), shares[0]!.groupKey, binding, blob), code('DECRYPT_FAILED'))
      })
    }

    it('a blob copied to another owner, accessor or profile does not open there', () => {
      const shares = runDkg(2, 3)
      const blob = encryptSecrets(shares[0]!.groupKey, binding, { K: 'v' })
      const shared = combinePartials(partialsFor(shares, blob, new Uint8Array()).map(p => ({ identifier: p.identifier, point: p.partial })), 2)
      for (const other of [{ ...binding, owner: 'mallory.test' }, { ...binding, accessor: 'wasm:' + '0'.repeat(64) }, { ...binding, profile: 'prod' }]) {
        assert.throws(() => decryptSecrets(shared, shares[0]!.groupKey, other, blob), code('DECRYPT_FAILED'))
      }
    })

    it('a tampered byte anywhere fails the tag', () => {
      const k = scalarFromWide(randomBytes(64))
      const P = Point.BASE.multiply(k).toBytes()
      const label = new Uint8Array([1, 2, 3])
      const blob = seal(P, label, new TextEncoder().encode('hello'))
      assert.equal(new TextDecoder().decode(open(k, label, blob)), 'hello')
      for (const at of [0, 1, 40, 45, blob.length - 1]) {
        const bad = blob.slice(); bad[at]! ^= 1
        assert.throws(() => open(k, label, bad), (e: unknown) => e instanceof SecretsError)
      }
    })
  })

  describe('DLEQ proofs', () => {
    it('refuse a wrong partial, a proof for another context and a proof moved to another member', () => {
      const shares = runDkg(2, 3)
      const blob = encryptSecrets(shares[0]!.groupKey, binding, { K: 'v' })
      const E = ephemeralOf(blob).toBytes()
      const ctx = new TextEncoder().encode('ctx')
      const [a, b] = partialsFor(shares, blob, ctx)
      const Ya = shares[0]!.verifyingShares[a!.identifier]!
      const Yb = shares[0]!.verifyingShares[b!.identifier]!
      assert.ok(verifyPartial(Ya, E, a!.partial, a!.proof, ctx))
      const liar = Point.fromBytes(a!.partial).add(Point.BASE).toBytes()
      assert.equal(verifyPartial(Ya, E, liar, a!.proof, ctx), false)
      assert.equal(verifyPartial(Ya, E, a!.partial, a!.proof, new TextEncoder().encode('other')), false)
      assert.equal(verifyPartial(Yb, E, a!.partial, a!.proof, ctx), false)
      assert.equal(verifyPartial(Ya, E, a!.partial, new Uint8Array(64), ctx), false)
      assert.equal(verifyPartial(Ya, E, new Uint8Array(32), a!.proof, ctx), false)
    })
  })

  describe('DKG', () => {
    it('a member missing in round 2 aborts the run; a new run succeeds', () => {
      const n = 3
      const sessions = Array.from({ length: n }, (_, i) => new DkgSession(memberIdentifier(i), 2, n))
      const r1 = sessions.map(s => s.round1())
      const r2 = sessions.map((s, i) => s.round2(r1.filter((_, j) => j !== i)))
      // member 3 crashed after round 1: member 1 gets one package only
      assert.throws(() => sessions[0]!.round3([r2[1]![sessions[0]!.identifier]!]), code('DKG_FAILED'))
      // a corrupted share is caught by the VSS check
      const bad = { ...r2[1]![sessions[0]!.identifier]!, signing_share: bytesToHex(Fn.toBytes(5n)) }
      assert.throws(() => new DkgSession(memberIdentifier(0), 2, n).round3([bad]), code('DKG_FAILED'))
      assert.equal(runDkg(2, 3).length, 3)
    })

    it('refuses t < 2, t > n and a duplicated round-1 sender', () => {
      assert.throws(() => new DkgSession(memberIdentifier(0), 1, 3), code('DKG_FAILED'))
      assert.throws(() => new DkgSession(memberIdentifier(0), 4, 3), code('DKG_FAILED'))
      const s = [0, 1, 2].map(i => new DkgSession(memberIdentifier(i), 2, 3))
      const r1 = s.map(x => x.round1())
      assert.throws(() => s[0]!.round2([r1[1]!, r1[1]!]), code('DKG_FAILED'))
    })
  })

  describe('payload, accessors and sealed shares', () => {
    it('refuses bad env-var maps and secrets over the contract limit', () => {
      const P = Point.BASE.multiply(7n).toBytes()
      assert.throws(() => encryptSecrets(P, binding, [], {}), code('BAD_PAYLOAD'))
      assert.throws(() => encryptSecrets(P, binding, { '1BAD': 'x' }), code('BAD_PAYLOAD'))
      assert.throws(() => encryptSecrets(P, binding, { A: 1 }), code('BAD_PAYLOAD'))
      assert.throws(() => encryptSecrets(P, binding, { A: 'x'.repeat(MAX_PLAINTEXT_BYTES) }), code('TOO_LARGE'))
      assert.throws(() => encryptSecrets(new Uint8Array(32), binding, { A: 'x' }), code('MALFORMED'))
    })

    it('parses accessors into the contract form and back', () => {
      for (const text of ['repo:github.com/o/n', 'repo:o/n@main', `wasm:${'ab'.repeat(32)}`, 'project:alice.test/app']) {
        assert.equal(accessorKey(parseAccessor(text)), text)
      }
      for (const bad of ['repo:', 'wasm:XYZ', 'git:o/n', 'project:']) assert.throws(() => parseAccessor(bad), code('MALFORMED'))
    })

    it('a sealed share opens only under its node key, group and identifier', () => {
      const seed = randomBytes(32)
      const share = Fn.toBytes(12345n)
      const P = Point.BASE.multiply(9n).toBytes()
      const id = memberIdentifier(1)
      const sealed = sealShare(seed, P, id, share)
      assert.deepEqual(openShare(seed, P, id, sealed), share)
      assert.throws(() => openShare(randomBytes(32), P, id, sealed), code('DECRYPT_FAILED'))
      assert.throws(() => openShare(seed, P, memberIdentifier(2), sealed), code('DECRYPT_FAILED'))
      assert.throws(() => openShare(seed, Point.BASE.multiply(10n).toBytes(), id, sealed), code('DECRYPT_FAILED'))
    })

    it('openWithShared refuses the wrong shared point', () => {
      const k = scalarFromWide(randomBytes(64))
      const P = Point.BASE.multiply(k).toBytes()
      const blob = seal(P, new Uint8Array(), new Uint8Array([1]))
      assert.throws(() => openWithShared(Point.BASE.toBytes(), P, new Uint8Array(), blob), code('DECRYPT_FAILED'))
    })
  })
})
