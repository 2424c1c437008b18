/** execute()'s options, their defaults (limits.ts DEFAULTS), and their checks. */
import { LIMITS } from '../../protocol/request.js'
import { fromHex, isHex, toBytes } from '../../protocol/hash.js'
import { ExecutorError } from './errors.js'
import type { JobRequest } from './job.js'
import { DEFAULTS } from './limits.js'
import type { ResponseAgreement } from './http/consensus.js'
import type { HttpPolicy } from './http/policy.js'
import type { NearLimits } from './near/query.js'

export interface ExecuteOptions {
  /** stdin of the guest */
  input?: Uint8Array | string
  /** fuel budget (instructions, roughly); default 1e9 */
  fuel?: bigint
  /** memory limit in MiB; default 128 */
  memoryMb?: number
  /** wall-clock safety net; a local failure, never a result. Default 60 s */
  timeoutMs?: number
  /** 32 bytes as hex: keys random_get's ChaCha20 stream. Default all zeros */
  seed?: string
  /** the guest's realtime clock at start, ns since the epoch. Default 0 */
  timestampNs?: bigint
  env?: Record<string, string>
  /** argv after argv[0] */
  args?: string[]
  /** outside HTTP: hosts added to the program's manifest allowlist, caps (only ever lowered), http:// allowed */
  http?: Partial<HttpPolicy>
  /**
   * consensus-on-responses (http/consensus.ts): every response this run gets is exchanged with the other replicas
   * through this hook and the run continues with the agreed one. Per run; the node supplies it @default none
   */
  responseAgreement?: ResponseAgreement
  /**
   * the request's block height: the guest's NEAR view queries (near/) read the state there. Without it every
   * query is refused (`NEAR-rpc-denied`)
   */
  blockHeight?: number
  /** caps of the NEAR view queries (only ever lowered below near/query.ts NEAR_DEFAULTS) */
  near?: Partial<NearLimits>
}

/** argv[0] every guest sees */
export const PROGRAM_NAME = 'program'

const bad = (message: string): ExecutorError => new ExecutorError('BAD_OPTIONS', message)

export function normalise (opts: ExecuteOptions): { request: JobRequest, timeoutMs: number } {
  const fuel = opts.fuel ?? DEFAULTS.fuel
  if (typeof fuel !== 'bigint' || fuel < 0n || fuel > LIMITS.maxInstructions) throw bad(`fuel must be a bigint in [0, ${LIMITS.maxInstructions}]`)
  const memoryMb = opts.memoryMb ?? DEFAULTS.memoryMb
  if (!Number.isInteger(memoryMb) || memoryMb < 1 || memoryMb > LIMITS.maxMemoryMb) throw bad(`memoryMb must be an integer in [1, ${LIMITS.maxMemoryMb}]`)
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw bad('timeoutMs must be a positive number')
  const seed = (opts.seed ?? DEFAULTS.seed).toLowerCase()
  if (!isHex(seed, 32)) throw bad('seed must be 32 bytes of hex')
  const timestampNs = opts.timestampNs ?? DEFAULTS.timestampNs
  if (typeof timestampNs !== 'bigint' || timestampNs < 0n || timestampNs >= 2n ** 64n) throw bad('timestampNs must be a u64 bigint')
  const env = opts.env ?? {}
  for (const [k, v] of Object.entries(env)) {
    if (k === '' || k.includes('=') || k.includes('\0') || typeof v !== 'string' || v.includes('\0')) throw bad(`bad env entry ${JSON.stringify(k)}`)
  }
  const args = opts.args ?? []
  if (!Array.isArray(args) || args.some(a => typeof a !== 'string' || a.includes('\0'))) throw bad('args must be strings without NUL')
  const input = toBytes(opts.input ?? new Uint8Array(0))
  return {
    request: { input, fuel, memoryMb, seed: fromHex(seed), timestampNs, env: { ...env }, args: [PROGRAM_NAME, ...args] },
    timeoutMs
  }
}
