/**
 * The request as our contract emits it in `execution_requested` (OutLayer's call shape plus redundancy,
 * block height, timestamp and seed). Workers parse every request with validateExecutionRequest before acting.
 */
import { fail, ok, type Result } from './errors.js'
import { array, base64, bool, hex, int, object, oneOf, optional, str, tagged, u64, type Check } from './validate.js'
import { validateAccountId } from './near.js'
import { fieldSpecError, type FieldRule } from './per-field.js'

/** OutLayer's caps and defaults. */
export const LIMITS = {
  maxInstructions: 500_000_000_000n,
  maxExecutionSeconds: 180,
  maxCompilationSeconds: 300,
  maxMemoryMb: 1024,
  defaultInstructions: 1_000_000_000n,
  defaultMemoryMb: 128,
  defaultExecutionSeconds: 60,
  maxReplicas: 7,
  /** inputs this large or larger stay in contract state */
  inlineInputBytes: 10 * 1024,
  /** outputs this large or larger go through submit_execution_output */
  inlineOutputBytes: 1024
} as const

const accountId: Check<string> = (v, path) => validateAccountId(v, path)
/** a params field whose own check runs where it is used (the contract bounds params to 1 KiB of JSON) */
const asSent: Check<unknown> = v => ok(v)
const BUILD_TARGET = /^wasm32-(wasi|wasip1|wasip2|unknown-unknown)$/

export const codeSourceCheck = tagged({
  GitHub: object({
    repo: str({ min: 1, max: 256 }),
    commit: str({ min: 1, max: 64, pattern: /^[0-9A-Za-z._/-]+$/ }),
    build_target: optional(str({ pattern: BUILD_TARGET }))
  }),
  WasmUrl: object({
    url: str({ min: 1, max: 2048, pattern: /^(https?|file|ipfs):\/\// }),
    hash: hex(32),
    build_target: optional(str({ pattern: BUILD_TARGET }))
  }),
  Project: object({
    project_id: str({ min: 3, max: 129, pattern: /^[a-z0-9._-]+\/[A-Za-z0-9_-]{1,64}$/ }),
    version_key: optional(str({ max: 128 }))
  })
})
export type CodeSource = typeof codeSourceCheck extends Check<infer T> ? T : never

export const resourceLimitsCheck = object({
  max_instructions: u64({ max: LIMITS.maxInstructions }),
  max_memory_mb: int({ min: 1, max: LIMITS.maxMemoryMb }),
  max_execution_seconds: int({ min: 1, max: LIMITS.maxExecutionSeconds })
})
export type ResourceLimits = typeof resourceLimitsCheck extends Check<infer T> ? T : never

const plainObject: Check<Record<string, unknown>> = (v, path) =>
  v != null && typeof v === 'object' && !Array.isArray(v) ? { ok: true, value: v as Record<string, unknown> } : fail('INVALID', 'expected an object', path)

export type Aggregation = 'identical' | 'median' | 'per_field'
export interface Redundancy { replicas: number, quorum: number, aggregation: Aggregation, fields?: Record<string, FieldRule> }

/** The contract's rules (contract/src/execution.ts parseRedundancy, field-spec.ts), with the same messages. */
export const redundancyCheck: Check<Redundancy> = (v, path) => {
  const r = object({
    replicas: int({ min: 1, max: LIMITS.maxReplicas }),
    quorum: int({ min: 1, max: LIMITS.maxReplicas }),
    aggregation: oneOf(['identical', 'median', 'per_field'] as const),
    fields: optional(plainObject)
  })(v, path)
  if (!r.ok) return r
  const { replicas, quorum, aggregation, fields } = r.value
  if (quorum > replicas || quorum * 2 <= replicas) return fail('INVALID', 'quorum must be > replicas/2 and ≤ replicas', path)
  if ((aggregation === 'per_field') !== (fields != null)) return fail('INVALID', 'fields is given with, and only with, aggregation per_field', `${path}.fields`)
  const spec = fields as Record<string, FieldRule> | undefined
  const invalid = spec != null ? fieldSpecError(spec) : undefined
  if (invalid != null) return fail('INVALID', invalid, `${path}.fields`)
  const needsMedian = aggregation === 'median' || Object.values(spec ?? {}).includes('median')
  if (needsMedian && 2 * quorum - 1 > replicas) return fail('INVALID', 'median needs replicas ≥ 2·quorum − 1', path)
  return { ok: true, value: { replicas, quorum, aggregation, ...(spec != null ? { fields: spec } : {}) } }
}

export const RESPONSE_FORMATS = ['Bytes', 'Text', 'Json'] as const
export type ResponseFormat = typeof RESPONSE_FORMATS[number]

export const executionRequestCheck = object({
  request_id: u64(),
  data_id: hex(32),
  sender_id: accountId,
  predecessor_id: accountId,
  payer_account_id: accountId,
  source: codeSourceCheck,
  resource_limits: resourceLimitsCheck,
  input_data: optional(str({ max: LIMITS.inlineInputBytes })),
  input_data_in_state: optional(bool),
  secrets_ref: optional(object({ profile: str({ min: 1, max: 64 }), account_id: accountId })),
  response_format: oneOf(RESPONSE_FORMATS),
  redundancy: redundancyCheck,
  // kept as sent and read by the worker, which refuses a malformed one by field name, the same on every replica:
  // response_consensus by responseConsensusOf (response-vote.ts), http by requestHttpOf (http-params.ts)
  params: optional(object({ compile_only: optional(bool), force_rebuild: optional(bool), response_consensus: asSent, http: asSent }, { allowUnknown: true })),
  block_height: u64(),
  timestamp_ns: u64(),
  seed: hex(32),
  attached_deposit: optional(u64({ max: (1n << 128n) - 1n })),
  // verification v2 (protocol/VERIFICATION-V2.md): what the digest binds and who may commit
  network_id: optional(str({ min: 1, max: 64 })),
  input_hash: optional(hex(32)),
  assigned: optional(array(accountId, { max: LIMITS.maxReplicas })),
  backups: optional(array(accountId, { max: LIMITS.maxReplicas })),
  commit_deadline: optional(u64()),
  close_at: optional(u64())
}, { allowUnknown: true })
export type ExecutionRequest = typeof executionRequestCheck extends Check<infer T> ? T : never

export function validateExecutionRequest (value: unknown): Result<ExecutionRequest> {
  return executionRequestCheck(value, 'request')
}

/** Attestation entries in `resolve_execution`. */
export const attestationEntryCheck = array(object({ worker_id: accountId, signature: base64(64) }), { max: LIMITS.maxReplicas })
