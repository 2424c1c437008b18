/**
 * jco's glue treats a thrown non-Error as the error value of a `result` (it lowers it into guest memory) and
 * rethrows only Errors. Our run-ending signals (signals.ts) are plain classes, so a P2 host function throws them
 * wrapped in HostSignal; the component runner unwraps it before classifying the run.
 */
import { LocalFailure, ProcExit, OutputLimit, UnsupportedCall } from '../signals.js'

export type Signal = ProcExit | OutputLimit | UnsupportedCall | LocalFailure

export class HostSignal extends Error {
  override readonly name = 'HostSignal'
  constructor (readonly signal: Signal) {
    super('host signal')
  }
}

export function raise (signal: Signal): never {
  throw new HostSignal(signal)
}

/** Runs `fn`, rethrowing a plain signal (e.g. WasiContext's OutputLimit) wrapped, so it ends the run. */
export function signalling<T> (fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof ProcExit || err instanceof OutputLimit || err instanceof UnsupportedCall || err instanceof LocalFailure) raise(err)
    throw err
  }
}

/** Caps on what a guest may ask one host call for; over them the run traps as wasi_unsupported. */
export const P2_CAPS = {
  /** bytes one get-random-bytes / write-zeroes may ask for */
  maxBytesPerCall: 16 * 1024 * 1024,
  /** pollables in one poll() */
  maxPollables: 4096
} as const

/** A u64 length from the guest, checked against the per-call cap. */
export function checkedLength (len: bigint, call: string): number {
  if (len > BigInt(P2_CAPS.maxBytesPerCall)) raise(new UnsupportedCall(`${call}: ${len} bytes is over the per-call cap`))
  return Number(len)
}
