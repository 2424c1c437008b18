/**
 * The contract's rule code (contract/src/quorum.ts, per-field.ts) compiled as it is (asc, the contract's flags) into
 * a small harness (fixtures/quorum-harness.ts), run in V8 with the host functions it reaches. Used by
 * median-rule.test.ts and per-field-rule.test.ts to compare the contract with protocol/aggregation.ts.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Wasm, type WasmMemory } from '../../sandbox/exec/wasm-api.js'
import { ASC_FLAGS } from '../../scripts/build-contract.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export interface Reveal { output: string | Uint8Array | null, success?: boolean, code?: number, instructions?: number }

export interface Decision { winner: number, agreeing: number, mask: number, output: Buffer, instructions: number }

export interface Harness {
  numeric: (text: string) => number
  /** the median rule: the winner's index, or undefined when the contract refuses */
  decide: (outputs: Array<string | { failed: string }>, quorum: number) => { winner: number, agreeing: number } | undefined
  /** the per_field rule (identical when it gives nothing) over `reveals`; undefined when the contract refuses */
  perField: (fields: Record<string, string>, reveals: Reveal[], quorum: number) => Decision | undefined
  /** per-field.ts perFieldReachable, with `unknown` committed workers not shown */
  reachable: (fields: Record<string, string>, reveals: Reveal[], quorum: number, unknown: number) => boolean
}

/** latin1 for a string (byte = char code), as is for bytes */
const bytesOf = (v: string | Uint8Array): Buffer => typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.from(v)
const refused = (err: unknown): boolean => /contract panicked/.test((err as Error).message)

export async function buildHarness (): Promise<Harness> {
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
  const put = (v: string | Uint8Array): number => {
    const b = bytesOf(v)
    assert.ok(b.length <= 4096, 'harness input buffer')
    new Uint8Array(memory!.buffer).set(b, x.input!())
    return b.length
  }
  const load = (reveals: Reveal[]): void => {
    x.reset!()
    for (const r of reveals) r.output == null ? x.addHidden!(r.success === false ? 0 : 1) : x.add!(put(r.output), r.success === false ? 0 : 1, r.code ?? 0, r.instructions ?? 0)
  }
  return {
    numeric: text => x.numeric!(put(text)),
    decide: (outputs, quorum) => {
      load(outputs.map(o => typeof o === 'string' ? { output: o } : { output: o.failed, success: false }))
      try {
        return { winner: x.decide!(quorum), agreeing: x.agreeing!() }
      } catch (err) {
        if (refused(err)) return undefined
        throw err
      }
    },
    perField: (fields, reveals, quorum) => {
      x.fields!(put(JSON.stringify(fields)))
      load(reveals)
      try {
        const winner = x.decidePerField!(quorum)
        const output = Buffer.from(new Uint8Array(memory!.buffer, x.output!(), x.outputLen!()))
        return { winner, agreeing: x.agreeing!(), mask: x.agreeingMask!(), output, instructions: x.instructions!() }
      } catch (err) {
        if (refused(err)) return undefined
        throw err
      }
    },
    reachable: (fields, reveals, quorum, unknown) => {
      x.fields!(put(JSON.stringify(fields)))
      load(reveals)
      return x.reachable!(quorum, unknown) !== 0
    }
  }
}
