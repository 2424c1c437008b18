/**
 * wasi:io (error, poll, streams) over our deterministic run state. Readiness never depends on the host: every
 * stream is always ready, and a clock pollable is ready once virtual time (WasiContext.elapsedNs) reaches it;
 * blocking on one advances virtual time to its deadline, as poll_oneoff does in preview1.
 */
import type { WasiContext } from '../context.js'
import { UnsupportedCall } from '../signals.js'
import { checkedLength, P2_CAPS, raise, signalling } from './signal.js'

export class IoError {
  constructor (private readonly detail: string) {}
  toDebugString (): string { return this.detail }
}

/** The stream-error variant as jco expects it thrown from a host method. */
export type StreamError = { tag: 'closed' } | { tag: 'last-operation-failed', val: IoError }
export const CLOSED: StreamError = { tag: 'closed' }

export class Pollable {
  /** `deadlineNs` null: ready now and forever (streams); else ready once virtual time reaches it */
  constructor (private readonly ctx: WasiContext, readonly deadlineNs: bigint | null) {}
  ready (): boolean { return this.deadlineNs == null || this.ctx.elapsedNs() >= this.deadlineNs }
  block (): void {
    if (this.deadlineNs != null && !this.ready()) this.ctx.sleptNs += this.deadlineNs - this.ctx.elapsedNs()
  }
}

/** poll(): the indices ready now; if none is, virtual time jumps to the earliest deadline first. */
export function poll (ctx: WasiContext, list: Pollable[]): Uint32Array {
  if (list.length === 0) raise(new UnsupportedCall('poll: empty list'))
  if (list.length > P2_CAPS.maxPollables) raise(new UnsupportedCall(`poll: ${list.length} pollables`))
  const readyNow = (): number[] => list.flatMap((p, i) => p.ready() ? [i] : [])
  let ready = readyNow()
  if (ready.length === 0) {
    const earliest = list.reduce<bigint | null>((min, p) => p.deadlineNs != null && (min == null || p.deadlineNs < min) ? p.deadlineNs : min, null)
    if (earliest != null) ctx.sleptNs += earliest - ctx.elapsedNs()
    ready = readyNow()
  }
  return Uint32Array.from(ready)
}

/** An input stream over bytes fixed before the run (stdin, a response body): reads take what is left. */
export class InputStream {
  private offset = 0
  constructor (private readonly ctx: WasiContext, private readonly source: () => Uint8Array, private readonly consumed?: (n: number) => void) {}

  read (len: bigint): Uint8Array {
    const bytes = this.source()
    if (this.offset >= bytes.length) throw CLOSED
    const left = bytes.length - this.offset
    const n = len < BigInt(left) ? Number(len) : left
    const chunk = bytes.slice(this.offset, this.offset + n)
    this.offset += n
    this.consumed?.(n)
    return chunk
  }

  blockingRead (len: bigint): Uint8Array { return this.read(len) }
  skip (len: bigint): bigint { return BigInt(this.read(len).length) }
  blockingSkip (len: bigint): bigint { return this.skip(len) }
  subscribe (): Pollable { return new Pollable(this.ctx, null) }
}

/** Room an output stream reports to check-write: a constant, so guests chunk their writes the same everywhere. */
export const WRITE_BUDGET = 1024n * 1024n

export class OutputStream {
  constructor (private readonly ctx: WasiContext, private readonly sink: (bytes: Uint8Array) => void) {}

  checkWrite (): bigint { return WRITE_BUDGET }
  write (contents: Uint8Array): void { signalling(() => { this.sink(contents) }) }
  blockingWriteAndFlush (contents: Uint8Array): void { this.write(contents) }
  flush (): void {}
  blockingFlush (): void {}
  subscribe (): Pollable { return new Pollable(this.ctx, null) }
  writeZeroes (len: bigint): void { this.write(new Uint8Array(checkedLength(len, 'write-zeroes'))) }
  blockingWriteZeroesAndFlush (len: bigint): void { this.writeZeroes(len) }
  splice (src: InputStream, len: bigint): bigint {
    const chunk = src.read(len > WRITE_BUDGET ? WRITE_BUDGET : len)
    this.write(chunk)
    return BigInt(chunk.length)
  }

  blockingSplice (src: InputStream, len: bigint): bigint { return this.splice(src, len) }
}
