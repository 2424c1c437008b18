/**
 * The median rule is one rule: protocol/aggregation.ts (`aggregate` median, used by the node's resolver through
 * `numericValue` and `medianOf`) and the contract's decide() (contract/src/quorum.ts, which decides) pick the same
 * winner and refuse the same inputs. The contract's code is compiled as it is (asc, the contract's flags) into a
 * small harness (fixtures/quorum-harness.ts) and run in V8 with the two host functions it reaches.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { aggregate, numericValue } from '../../protocol/index.js'
import { Wasm, type WasmMemory } from '../../sandbox/exec/wasm-api.js'
import { ASC_FLAGS } from '../../scripts/build-contract.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

interface Harness {
  numeric: (text: string) => number
  /** the winner's index, or undefined when the contract refuses */
  decide: (outputs: Array<string | { failed: string }>, quorum: number) => { winner: number, agreeing: number } | undefined
}

async function buildHarness (): Promise<Harness> {
  const asc = await import('assemblyscript/asc')
  const dir = await mkdtemp(join(tmpdir(), 'outlayer-quorum-harness-'))
  try {
    let log = ''
    const sink = { write: (chunk: string | Uint8Array): boolean => { log += String(chunk); return true } }
    const out = join(dir, 'harness.wasm')
    const r = await asc.main(['contract/test/fixtures/quorum-harness.ts', ...ASC_FLAGS, '--baseDir', ROOT, '--outFile', out], { stdout: sink, stderr: sink })
    if (r.error != null) throw new Error(`asc: ${r.error.message}\n${log}`)
    return await instantiate(await readFile(out))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function instantiate (wasm: Uint8Array): Promise<Harness> {
  const registers = new Map<bigint, Uint8Array>()
  let memory: WasmMemory | undefined
  const bytes = (ptr: bigint, len: bigint): Uint8Array => new Uint8Array(memory!.buffer, Number(ptr), Number(len))
  const host: Record<string, (...args: bigint[]) => unknown> = {
    sha256: (len, ptr, reg) => { registers.set(reg, createHash('sha256').update(bytes(ptr, len)).digest()) },
    register_len: reg => BigInt(registers.get(reg)?.length ?? -1) & 0xffff_ffff_ffff_ffffn,
    read_register: (reg, ptr) => { new Uint8Array(memory!.buffer).set(registers.get(reg)!, Number(ptr)) },
    panic_utf8: (len, ptr) => { throw new Error(`contract panicked: ${Buffer.from(bytes(ptr, len)).toString()}`) }
  }
  const env = new Proxy(host, { get: (t, name: string) => t[name] ?? (() => { throw new Error(`unexpected host call ${name}`) }) })
  const instance = new Wasm.Instance(await Wasm.compile(wasm), { env } as never)
  const x = instance.exports as Record<string, (...args: number[]) => number> & { memory: WasmMemory }
  memory = x.memory
  const put = (text: string): number => {
    const b = Buffer.from(text, 'latin1')
    assert.ok(b.length <= 128, 'harness input buffer')
    new Uint8Array(memory!.buffer).set(b, x.input!())
    return b.length
  }
  return {
    numeric: text => x.numeric!(put(text)),
    decide: (outputs, quorum) => {
      x.reset!()
      for (const o of outputs) typeof o === 'string' ? x.add!(put(o), 1) : x.add!(put(o.failed), 0)
      try {
        return { winner: x.decide!(quorum), agreeing: x.agreeing!() }
      } catch (err) {
        if (/contract panicked/.test((err as Error).message)) return undefined
        throw err
      }
    }
  }
}

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1')

describe('the median rule: protocol and contract agree', function () {
  this.timeout(60_000)
  let contract: Harness
  before(async () => { contract = await buildHarness() })

  const numbers = ['0', '-0', '7', '-7', '1.5', '-1.5', '2e-3', '1E+2', '20e-1', '123456789012345678901234567890', '1e308', '-1e-400',
    ' 1', '1\n', '01', '-01', '+1', '1.', '.5', '-', '1e', '1e+', 'NaN', 'Infinity', '1e400', '0x10', '"1"', '1'.repeat(64), '1'.repeat(65), '']
  it('parses the same strings as numbers, to the same value, and refuses the same ones', () => {
    for (const text of numbers) {
      const onChain = contract.numeric(text)
      const here = numericValue(b(text))
      assert.equal(here === undefined ? 'refused' : here, Number.isNaN(onChain) ? 'refused' : onChain, JSON.stringify(text))
    }
  })

  const cases: Array<[string, string[], number]> = [
    ['odd count', ['30', '10', '20.5'], 2],
    ['even count: the lower middle', ['4', '1', '3', '2'], 2],
    ['negative numbers', ['-1.5', '-10', '2e-3', '-3'], 2],
    ['ties keep input order', ['2.0', '1', '2', '20e-1'], 2],
    ['equal values, different bytes', ['1e2', '100', '100.0'], 2],
    ['a liar far out', ['100', '101', '1e300', '99', '-1e300'], 3],
    ['too few numbers, identical fallback', ['"x"', '"x"', '7'], 2],
    ['too few numbers, no identical group', ['1', '2', '"x"'], 2],
    ['non-numeric outputs refused as numbers', [' 1', '01', 'NaN', '2', '3', '4'], 2],
    ['quorum 1', ['5'], 1],
    ['nothing agrees', ['"a"', '"b"', '"c"'], 2]
  ]
  for (const [what, outputs, quorum] of cases) {
    it(`picks the same winner: ${what}`, () => {
      const here = aggregate(outputs.map(b), quorum, { mode: 'median' })
      const onChain = contract.decide(outputs, quorum)
      assert.equal(here.ok, onChain != null, `${what}: both accept or both refuse`)
      if (here.ok && onChain != null) {
        assert.equal(Buffer.from(here.value).toString('latin1'), outputs[onChain.winner], what)
        assert.equal(here.agreeing.length, onChain.agreeing, `${what}: agreeing count`)
      }
    })
  }

  it('a failed run is no candidate on chain (the resolver filters on success the same way)', () => {
    assert.equal(contract.decide(['1', '2', { failed: '3' }], 2), undefined, 'two numeric successes < 2Q−1')
  })
})
