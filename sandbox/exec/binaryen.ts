/**
 * Loads binaryen.js once, lazily (it is ~100 MB of heap, and a cached module never needs it).
 * binaryen.js prints validator errors through console.log/error, which it binds while it loads; we hand it our
 * own printer instead (importQuiet), so admission collects those messages instead of spraying them on stdout.
 * Load binaryen through here, before anything else in the process imports it.
 */
import type binaryenType from 'binaryen'

/** binaryen's typings lack the expression classes (Loop, Store, ...) it has at runtime, hence the index type */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Binaryen = typeof binaryenType & Record<string, any>

let sink: string[] | null = null
let loading: Promise<Binaryen> | null = null

type Print = (...args: unknown[]) => void

/** What binaryen prints: kept while quietly() runs, otherwise dropped (it is only ever validator detail). */
const binaryenPrint: Print = (...args) => { sink?.push(args.join(' ')) }

/**
 * binaryen binds console.log/error once, when its module is evaluated. We swap in our printer for exactly that
 * moment and put the originals back, so binaryen keeps our printer and the rest of the process is untouched.
 */
async function importQuiet (): Promise<Binaryen> {
  const target = globalThis.console as unknown as { log: Print, error: Print }
  const { log, error } = target
  target.log = binaryenPrint
  target.error = binaryenPrint
  try {
    return (await import('binaryen')).default
  } finally {
    target.log = log
    target.error = error
  }
}

export async function loadBinaryen (): Promise<Binaryen> {
  loading ??= importQuiet()
  return await loading
}

/** Runs fn while binaryen's console output is captured; returns its value and what it printed. */
export function quietly<T> (fn: () => T): { value: T, printed: string[] } {
  const printed: string[] = []
  const previous = sink
  sink = printed
  try {
    return { value: fn(), printed }
  } finally {
    sink = previous
  }
}
