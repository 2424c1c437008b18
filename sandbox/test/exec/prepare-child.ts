/**
 * Prepares and runs the nesting shapes in this process and prints one JSON line per shape (verdict, code,
 * result hash): prepare.test.ts starts it under several V8 --stack-size values and compares the lines.
 * argv: <cacheDir>
 */
import { AdmissionError, createExecutor, prescan } from '../../exec/index.js'
import { nestingShapes } from './prepare-shapes.js'

const [cacheDir] = process.argv.slice(2)
if (cacheDir == null) throw new Error('usage: prepare-child.ts <cacheDir>')
const executor = createExecutor({ workers: 1, cacheDir })
try {
  for (const [name, wasm] of nestingShapes()) {
    const scanned = prescan(wasm)
    let verdict: Record<string, unknown>
    try {
      const r = await executor.execute(wasm)
      verdict = { status: r.status, result_hash: r.result_hash, fuel_used: r.fuel_used.toString() }
    } catch (err) {
      verdict = err instanceof AdmissionError ? { refused: err.code, retryable: err.retryable } : { error: String(err) }
    }
    process.stdout.write(`${JSON.stringify({ name, prescan: scanned.ok ? 'ok' : scanned.code, ...verdict })}\n`)
  }
} finally {
  await executor.close()
}
