/**
 * per_field, the contract's rule (contract/src/per-field.ts, which decides; contract/test/median-rule.test.ts runs
 * both on the same inputs). Values are compared and emitted as their compact raw text (whitespace outside strings
 * removed, protocol/raw-json.ts), so neither side decodes or formats a number:
 *  - candidates: outputs (undefined: not one, e.g. a failed run) that are one JSON object of at most
 *    `PER_FIELD.maxOutputBytes`, with no escape in a top-level key and no named field twice;
 *  - median:    the values that are one strict JSON number (`numericValue`); with ≥ 2Q−1 of them the lower median by
 *               value (`medianOf`, ties keep input order) wins byte for byte; those with a number agree;
 *  - identical: the biggest group of equal texts, ≥ Q of them; its members agree;
 *  - mode:      the biggest group among the candidates that have the field (≥ Q have it; ties: the smallest text,
 *               bytewise); every candidate that has the field agrees;
 *  - an input agrees when it agrees on every field, and at least Q must; the value is `{"name":text,...}` in name
 *    order (names are [A-Za-z0-9_], so byte, UTF-16 and JCS order are one).
 * The contract also keeps only the candidates of the most common code_hash and charges the lower median of the
 * agreeing inputs' instructions: node/roles/resolver/quorum.ts does those two before and after calling this.
 */
import type { Aggregated } from './aggregation.js'
import { medianOf, numericValue } from './median.js'
import { compactJson, objectMembers } from './raw-json.js'

export type FieldRule = 'median' | 'identical' | 'mode'

/** The caps of a per_field spec and of the outputs it reads (contract/src/field-spec.ts, limits.ts). */
export const PER_FIELD = {
  maxFields: 16,
  maxNameLength: 32,
  name: /^[A-Za-z0-9_]{1,32}$/,
  maxOutputBytes: 1024
} as const

/** the rules a field may name */
export const FIELD_RULES = ['median', 'identical', 'mode'] as const satisfies readonly FieldRule[]
const fail = (detail: string): Aggregated => ({ ok: false, reason: 'no_agreement', detail })

/** Why `fields` is not a valid spec, or undefined when it is. */
export function fieldSpecError (fields: Record<string, unknown>): string | undefined {
  const names = Object.keys(fields)
  if (names.length < 1 || names.length > PER_FIELD.maxFields) return `fields must name 1..${PER_FIELD.maxFields} fields`
  for (const name of names) {
    if (!PER_FIELD.name.test(name)) return `a field name must be 1..${PER_FIELD.maxNameLength} characters of A-Z a-z 0-9 _: ${JSON.stringify(name.slice(0, 40))}`
    if (!(FIELD_RULES as readonly unknown[]).includes(fields[name])) return `fields.${name} must be median, identical or mode`
  }
  return undefined
}

/** The compact text of each of `names` in `output` (undefined where absent), or undefined when it is no candidate. */
export function perFieldValues (output: Uint8Array, names: readonly string[]): Array<Uint8Array | undefined> | undefined {
  if (output.length > PER_FIELD.maxOutputBytes) return undefined
  const members = objectMembers(output)
  if (members == null) return undefined
  const values: Array<Uint8Array | undefined> = names.map(() => undefined)
  for (const m of members) {
    const key = output.subarray(m.keyStart, m.keyEnd)
    // an escaped key could spell a named field another way: such an output is no candidate
    if (key.includes(0x5c)) return undefined
    const f = names.indexOf(String.fromCharCode(...key))
    if (f < 0) continue
    if (values[f] != null) return undefined
    values[f] = compactJson(output, m.valueStart, m.valueEnd)
  }
  return values
}

interface Candidate { index: number, values: Array<Uint8Array | undefined> }

/** -1, 0 or 1 as `a` sorts before, with or after `b`, byte by byte (as the contract compares) */
function compareBytes (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => compareBytes(a, b) === 0

/** Field f's most common text (ties: the smallest, bytewise), with its count and how many candidates have the field. */
function commonest (cands: readonly Candidate[], f: number): { text?: Uint8Array, count: number, present: number } {
  let best: { text?: Uint8Array, count: number, present: number } = { count: 0, present: 0 }
  for (const c of cands) {
    const text = c.values[f]
    if (text == null) continue
    best.present++
    const count = cands.filter(d => d.values[f] != null && sameBytes(d.values[f]!, text)).length
    if (count > best.count || (count === best.count && compareBytes(text, best.text!) < 0)) best = { text, count, present: best.present }
  }
  return best
}

function numbersOf (cands: readonly Candidate[], f: number): Array<{ c: Candidate, v: number }> {
  return cands.flatMap(c => { const t = c.values[f]; const v = t == null ? undefined : numericValue(t); return v == null ? [] : [{ c, v }] })
}

const sortedNames = (fields: Record<string, FieldRule>): string[] => Object.keys(fields).sort()

function candidatesOf (outputs: readonly (Uint8Array | undefined)[], names: readonly string[]): Candidate[] {
  return outputs.flatMap((o, index) => { const values = o == null ? undefined : perFieldValues(o, names); return values == null ? [] : [{ index, values }] })
}

export function aggregatePerField (outputs: readonly (Uint8Array | undefined)[], quorum: number, fields: Record<string, FieldRule>): Aggregated {
  const invalid = fieldSpecError(fields)
  if (invalid != null) return { ok: false, reason: 'bad_rule', detail: invalid }
  const names = sortedNames(fields)
  const cands = candidatesOf(outputs, names)
  if (cands.length < quorum) return fail(`${cands.length} JSON object outputs < quorum ${quorum}`)
  const agree = new Set(cands)
  const parts: string[] = []
  const texts: Uint8Array[] = []
  for (const [f, name] of names.entries()) {
    const rule = fields[name]
    let text: Uint8Array | undefined
    if (rule === 'median') {
      const numbers = numbersOf(cands, f)
      text = medianOf(numbers, n => n.v, quorum)?.c.values[f]
      if (text == null) return fail(`field ${name}: ${numbers.length} numbers < 2Q−1 = ${2 * quorum - 1}`)
      for (const c of cands) if (!numbers.some(n => n.c === c)) agree.delete(c)
    } else {
      const top = commonest(cands, f)
      if (rule === 'identical' && top.count < quorum) return fail(`field ${name}: largest identical group ${top.count} < quorum ${quorum}`)
      if (rule === 'mode' && top.present < quorum) return fail(`field ${name}: present in ${top.present} outputs < quorum ${quorum}`)
      text = top.text!
      for (const c of cands) if (c.values[f] == null || (rule === 'identical' && !sameBytes(c.values[f]!, text))) agree.delete(c)
    }
    parts.push(`${f === 0 ? '{' : ','}"${name}":`)
    texts.push(text)
  }
  if (agree.size < quorum) return fail(`${agree.size} outputs agree on every field < quorum ${quorum}`)
  const encoder = new TextEncoder() // names are ASCII
  const pieces = [...parts.flatMap((p, i) => [encoder.encode(p), texts[i]!]), encoder.encode('}')]
  const value = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0))
  pieces.reduce((at, p) => { value.set(p, at); return at + p.length }, 0)
  return { ok: true, value, agreeing: [...agree].map(c => c.index) }
}

/**
 * Whether a resolve could still pass the rule (settle_unreachable's test, contract/src/per-field.ts
 * perFieldReachable): `shown` are successful results (null: output not at hand), `unknown` more results that could
 * be anything. Each test is necessary for a pass.
 */
export function perFieldReachable (shown: ReadonlyArray<Uint8Array | null>, unknown: number, quorum: number, fields: Record<string, FieldRule>): boolean {
  const wild = unknown + shown.filter(o => o == null).length
  const names = sortedNames(fields)
  const cands = candidatesOf(shown.map(o => o ?? undefined), names)
  if (cands.length + wild < quorum) return false
  return names.every((name, f) => {
    const rule = fields[name]
    if (rule === 'median') return numbersOf(cands, f).length + wild >= 2 * quorum - 1
    const top = commonest(cands, f)
    return (rule === 'identical' ? top.count : top.present) + wild >= quorum
  })
}
