/** The state one run's WASI calls share: guest memory access, captured output, clocks, randomness. */
import { OUTPUT } from '../limits.js'
import { SeededStream } from './rng.js'
import { OutputLimit } from './signals.js'
import type { WasmMemory } from '../wasm-api.js'

export interface WasiInit {
  args: string[]
  env: Record<string, string>
  stdin: Uint8Array
  seed: Uint8Array
  timestampNs: bigint
}

const utf8 = new TextEncoder()

export class WasiContext {
  readonly args: Uint8Array[]
  readonly env: Uint8Array[]
  readonly stdin: Uint8Array
  stdinOffset = 0
  readonly random: SeededStream
  readonly timestampNs: bigint
  /** virtual time added by poll_oneoff sleeps */
  sleptNs = 0n
  private readonly stdoutChunks: Uint8Array[] = []
  private readonly stderrChunks: Uint8Array[] = []
  private stdoutBytes = 0
  private stderrBytes = 0
  /** set once the instance exists: the fuel spent so far (start functions run before it does) */
  fuelSpent: () => bigint = () => 0n
  memory: WasmMemory | null = null

  constructor (init: WasiInit) {
    this.args = init.args.map(a => utf8.encode(`${a}\0`))
    this.env = Object.entries(init.env).map(([k, v]) => utf8.encode(`${k}=${v}\0`))
    this.stdin = init.stdin
    this.random = new SeededStream(init.seed)
    this.timestampNs = init.timestampNs
  }

  /** A fresh view each call: memory.grow detaches the old buffer. */
  view (): DataView {
    if (this.memory == null) throw new RangeError('module has no memory')
    return new DataView(this.memory.buffer)
  }

  bytes (ptr: number, len: number): Uint8Array {
    if (this.memory == null) throw new RangeError('module has no memory')
    const buf = this.memory.buffer
    if (ptr + len > buf.byteLength) throw new RangeError('out of bounds')
    return new Uint8Array(buf, ptr, len)
  }

  /** Guest time: the request's timestamp plus one nanosecond per unit of fuel spent, plus virtual sleeps. */
  elapsedNs (): bigint {
    return this.fuelSpent() + this.sleptNs
  }

  writeStdout (chunk: Uint8Array): void {
    if (this.stdoutBytes + chunk.length > OUTPUT.maxStdoutBytes) throw new OutputLimit('stdout')
    this.stdoutChunks.push(chunk.slice())
    this.stdoutBytes += chunk.length
  }

  /** stderr is never hashed: past its cap it is cut, not fatal */
  writeStderr (chunk: Uint8Array): void {
    const room = OUTPUT.maxStderrBytes - this.stderrBytes
    if (room <= 0) return
    const kept = chunk.subarray(0, room).slice()
    this.stderrChunks.push(kept)
    this.stderrBytes += kept.length
  }

  stdout (): Uint8Array { return join(this.stdoutChunks, this.stdoutBytes) }
  stderr (): Uint8Array { return join(this.stderrChunks, this.stderrBytes) }
}

function join (chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) { out.set(c, at); at += c.length }
  return out
}
