/** The JSON form of an ExecutionResult (CLI, logs): bigints as decimal strings, output as text when it is UTF-8. */
import type { ExecutionResult } from '../../protocol/result.js'

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

function bytesField (name: 'stdout' | 'stderr', bytes: Uint8Array): Record<string, string> {
  try {
    return { [name]: strictUtf8.decode(bytes) }
  } catch {
    return { [`${name}_b64`]: Buffer.from(bytes).toString('base64') }
  }
}

export function resultToJson (r: ExecutionResult): Record<string, unknown> {
  return {
    status: r.status,
    exit_code: r.exit_code,
    trap: r.trap,
    ...bytesField('stdout', r.stdout),
    ...bytesField('stderr', r.stderr),
    fuel_used: r.fuel_used.toString(),
    instrumenter_version: r.instrumenter_version,
    result_hash: r.result_hash,
    wall_ms: Math.round(r.wall_ms * 1000) / 1000,
    ...(r.message != null ? { message: r.message } : {})
  }
}
