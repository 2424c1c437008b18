/**
 * Loads binaryen.js once, lazily (it is ~100 MB of heap, and a cached module never needs it).
 * binaryen binds console.log/console.error when it loads and prints validator errors through them; we put a
 * switchable sink in front first, so admission can collect those messages instead of spraying them on stdout.
 */
import type binaryenType from 'binaryen'

/** binaryen's typings lack the expression classes (Loop, Store, ...) it has at runtime, hence the index type */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Binaryen = typeof binaryenType & Record<string, any>

let sink: string[] | null = null
let loading: Promise<Binaryen> | null = null

type Print = (...args: unknown[]) => void

function routeConsole (): void {
  // typed locally: another folder's ambient declarations may narrow `console`
  const target = globalThis.console as unknown as { log: Print, error: Print }
  for (const name of ['log', 'error'] as const) {
    const original = target[name].bind(target)
    target[name] = (...args: unknown[]) => { if (sink != null) sink.push(args.join(' ')); else original(...args) }
  }
}

export async function loadBinaryen (): Promise<Binaryen> {
  loading ??= (async () => {
    routeConsole()
    const mod = await import('binaryen')
    return mod.default
  })()
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
