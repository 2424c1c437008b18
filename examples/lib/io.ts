// stdin/stdout helpers over @assemblyscript/wasi-shim.
import { parse, lastError, JValue } from './json'

/** All of stdin as UTF-8 text. */
export function readInput (): string {
  const chunks = new Array<ArrayBuffer>()
  let total = 0
  while (true) {
    const buf = new ArrayBuffer(65536)
    const n = process.stdin.read(buf)
    if (n <= 0) break
    chunks.push(buf.slice(0, n))
    total += n
  }
  const all = new Uint8Array(total)
  let at = 0
  for (let i = 0; i < chunks.length; i++) { all.set(Uint8Array.wrap(chunks[i]), at); at += chunks[i].byteLength }
  return String.UTF8.decode(all.buffer)
}

/** stdin parsed as a JSON object; empty input is `{}`. Exits with 2 and a message on stderr when it is not JSON. */
export function readJsonInput (): JValue {
  const text = readInput()
  if (text.trim().length == 0) return JValue.object()
  const v = parse(text)
  if (v == null) {
    process.stderr.write('input is not JSON: ' + lastError + '\n')
    process.exit(2)
    return JValue.object()
  }
  return v
}

export function writeOutput (s: string): void {
  process.stdout.write(s)
}
