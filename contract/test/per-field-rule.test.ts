/**
 * per_field is one rule: the node's resolver (node/roles/resolver/quorum.ts findQuorum, over protocol
 * `aggregatePerField`) and the contract's decide() (contract/src/per-field.ts, which decides) compose the same
 * bytes, charge the same instructions and count the same workers as agreeing, over thousands of generated reveals:
 * tricky numbers, key orders, whitespace, missing and duplicate fields, escaped keys, non-objects, failures, other
 * code hashes, outputs past the 1024-byte cap. settle_unreachable's test (perFieldReachable) is compared the same way.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { perFieldReachable, type AttestationPayload, type FieldRule } from '../../protocol/index.js'
import { findQuorum } from '../../node/roles/resolver/quorum.js'
import { createRng } from '../../sim/net/prng.js'
import { buildHarness, type Harness, type Reveal } from './quorum-harness.js'

/** the same cases on every run (the simulator's seeded generator) */
const rng = (seed: number): () => number => createRng(seed).next

const NAMES = ['a', 'b', 'temp', 'city', 'x_1', 'Z']
const RULES: FieldRule[] = ['median', 'identical', 'mode']
const VALUES = [
  '1', '1.0', '-0', '0', '1e2', '100', '2E-3', '-1.5', '01', '1.', 'NaN', '"1"', '1e400', '123456789012345678901234567890', '7', '7', '7',
  '"Oslo"', '"Oslo"', '"Oslo "', '"\\u004fslo"', '"é"', 'null', 'true', '[1, 2]', '[1,2]', '{"k": [ ]}', '"a\\"b"'
]
const BROKEN = ['[1]', '7', 'not json', '{"a":1', '', '{"a":1}x', '{"a":01}', '{"a":"\\x"}', '{,}', '{"a" 1}']

interface Case { fields: Record<string, FieldRule>, quorum: number, reveals: Reveal[] }

function generate (random: () => number): Case {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const ws = (): string => random() < 0.2 ? pick([' ', '\n', '\t ', '  ']) : ''
  const replicas = 1 + Math.floor(random() * 7)
  const quorum = Math.floor(replicas / 2) + 1 + Math.floor(random() * (replicas - Math.floor(replicas / 2)))
  const fields: Record<string, FieldRule> = {}
  for (const name of NAMES) if (random() < 0.35) fields[name] = pick(RULES)
  if (Object.keys(fields).length === 0) fields[pick(NAMES)] = pick(RULES)
  const names = Object.keys(fields)
  const shared = Object.fromEntries(NAMES.map(n => [n, pick(VALUES)]))
  const reveals: Reveal[] = []
  for (let i = 0; i < replicas; i++) {
    const roll = random()
    if (roll < 0.06) { reveals.push({ output: pick(BROKEN) }); continue }
    if (roll < 0.1) { reveals.push({ output: 'exit(3)', success: false }); continue }
    const members = [...names, ...(random() < 0.3 ? ['extra'] : [])]
      .filter(() => random() < 0.9)
      .map(n => [n, random() < 0.6 ? shared[n] ?? '1' : pick(VALUES)] as [string, string])
    if (random() < 0.05 && members.length > 0) members.push([members[0]![0], pick(VALUES)])
    if (random() < 0.04) members.push([`\\u0061${pick(['', 'b'])}`, '1'])
    if (random() < 0.03) members.push(['pad', `"${'p'.repeat(1024)}"`])
    members.sort(() => random() - 0.5)
    const text = `${ws()}{${members.map(([k, v]) => `${ws()}"${k}"${ws()}:${ws()}${v}${ws()}`).join(',')}}${ws()}`
    reveals.push({ output: Buffer.from(text, 'utf8'), code: random() < 0.12 ? 1 : 0, instructions: 1 + Math.floor(random() * 1000) })
  }
  return { fields, quorum, reveals }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const outputOf = (r: Reveal): Buffer => typeof r.output === 'string' ? Buffer.from(r.output, 'latin1') : Buffer.from(r.output!)

/** The reveals as the node's resolver holds them (worker ids w0..w6 sort in reveal order). */
function attestations (reveals: Reveal[]): AttestationPayload[] {
  return reveals.map((r, i) => {
    const output = outputOf(r)
    return {
      contract_id: 'outlayer.test.near', request_id: '1', worker_id: `w${i}`, success: r.success !== false,
      output: output.toString('base64'), output_hash: createHash('sha256').update(output).digest('hex'), error: '',
      instructions: String(r.instructions ?? 100), time_ms: 0, result_hash: '', code_hash: hex(new Uint8Array(32).fill(r.code ?? 0)),
      transcript_hash: '00'.repeat(32), salt: '00'.repeat(32), signature: ''
    } as unknown as AttestationPayload
  })
}

function compare (contract: Harness, c: Case, what: string): 'composed' | 'identical' | 'refused' {
  const node = findQuorum(attestations(c.reveals), c.quorum, { aggregation: 'per_field', fields: c.fields })
  const chain = contract.perField(c.fields, c.reveals, c.quorum)
  assert.equal(chain != null, node != null, `${what}: both decide or both refuse`)
  if (node == null || chain == null) return 'refused'
  const mask = node.agreeing.reduce((m, a) => m | (1 << Number(a.worker_id.slice(1))), 0)
  assert.equal(chain.mask, mask, `${what}: the same workers agree`)
  if (node.composed == null) {
    assert.equal(chain.winner, Number(node.winner.worker_id.slice(1)), `${what}: the same identical winner`)
    return 'identical'
  }
  assert.equal(chain.winner, -1, `${what}: composed on chain too`)
  assert.equal(chain.output.toString('latin1'), Buffer.from(node.composed.output).toString('latin1'), `${what}: the same bytes`)
  assert.equal(String(chain.instructions), node.composed.instructions, `${what}: the same instructions charged`)
  return 'composed'
}

describe('the per_field rule: node and contract agree', function () {
  this.timeout(120_000)
  let contract: Harness
  before(async () => { contract = await buildHarness() })

  it('composes the same bytes from raw text, never reformatted', () => {
    const reveals: Reveal[] = [
      { output: '{ "temp" : 1.50 , "city" : "Oslo", "sky": [ "rain" , 1 ] }\n' },
      { output: '{"sky":["rain",1],"city":"Oslo","temp":1.5e0}' },
      { output: '{"temp":-40,"city":"Oslo","sky":"sun"}' }
    ]
    const fields: Record<string, FieldRule> = { temp: 'median', city: 'identical', sky: 'mode' }
    assert.equal(compare(contract, { fields, quorum: 2, reveals }, 'weather'), 'composed')
    assert.equal(contract.perField(fields, reveals, 2)!.output.toString(), '{"city":"Oslo","sky":["rain",1],"temp":1.50}')
  })

  it('an output that is not strict JSON anywhere (a leading zero, a bad escape, deeper than 32) is no candidate', () => {
    for (const bad of ['{"t":1,"x":01}', '{"t":1,"x":"\\x"}', '{"t":1,"x":"\\u12"}', `{"t":1,"x":${'['.repeat(33)}${']'.repeat(33)}}`]) {
      const reveals: Reveal[] = [{ output: bad }, { output: '{"t":1}' }]
      assert.equal(contract.perField({ t: 'mode' }, reveals, 2), undefined, bad)
      assert.equal(compare(contract, { fields: { t: 'mode' }, quorum: 2, reveals }, bad), 'refused')
    }
    const nested: Reveal[] = [{ output: `{"t":1,"x":${'['.repeat(32)}${']'.repeat(32)}}` }, { output: '{"t":1}' }]
    assert.equal(compare(contract, { fields: { t: 'mode' }, quorum: 2, reveals: nested }, 'nested 32 deep: taken'), 'composed')
  })

  it('a single liar cannot set a median field with R=3, Q=2', () => {
    for (const lie of ['1e300', '-1e300', '0', '"x"', 'null']) {
      const reveals: Reveal[] = [{ output: '{"p":100}' }, { output: `{"p":${lie}}` }, { output: '{"p":101}' }]
      const d = contract.perField({ p: 'median' }, reveals, 2)
      if (d == null) continue // a liar without a number blocks (liveness), never sets it
      const p = Number(JSON.parse(d.output.toString()).p)
      assert.ok(p >= 100 && p <= 101, `lie ${lie}: ${d.output.toString()} lies within the honest values`)
    }
  })

  it('thousands of generated cases decide the same way', () => {
    const random = rng(13)
    const seen = { composed: 0, identical: 0, refused: 0 }
    for (let i = 0; i < 3000; i++) seen[compare(contract, generate(random), `case ${i}`)]++
    // every branch is exercised, so the agreement above means something
    assert.ok(seen.composed > 200 && seen.identical > 20 && seen.refused > 300, JSON.stringify(seen))
  })

  it('settle_unreachable\'s test is the same: reachable on chain exactly when the node thinks so', () => {
    const random = rng(7)
    let unreachable = 0
    for (let i = 0; i < 2000; i++) {
      const c = generate(random)
      const reveals = c.reveals.map(r => random() < 0.1 ? { ...r, output: null } : r)
      const unknown = Math.floor(random() * 2)
      const shown = reveals.filter(r => r.success !== false).map(r => r.output == null ? null : new Uint8Array(outputOf(r)))
      const node = perFieldReachable(shown, unknown, c.quorum, c.fields)
      assert.equal(contract.reachable(c.fields, reveals, c.quorum, unknown), node, `case ${i}`)
      if (!node) unreachable++
    }
    assert.ok(unreachable > 200, `${unreachable} unreachable cases`)
  })
})
