/**
 * One NEAR view query between the guest side (session.ts) and the node's provider (provider.ts), its caps and fuel.
 * Every query is pinned to the request's block height, so every replica reads the same state.
 */

export type NearQuery =
  | { method: 'view_account', account_id: string }
  | { method: 'call_function', account_id: string, method_name: string, args_base64: string }

/** Consensus: what one run may ask. A call over a cap is refused the same way on every replica. */
export interface NearLimits {
  maxCalls: number
  /** of the JSON answer the guest gets */
  maxResponseBytes: number
}

export const NEAR_DEFAULTS: NearLimits = { maxCalls: 16, maxResponseBytes: 256 * 1024 }

/** Consensus: the fuel a query costs, as for HTTP (http/policy.ts HTTP_FUEL): per call, per byte of args and of answer. */
export const NEAR_FUEL = { perCall: 1_000_000n, perByte: 16n } as const

/**
 * What the guest is told: the answer (projected to fields that depend only on the state at the height) or an
 * error about the query itself, e.g. UNKNOWN_ACCOUNT, NO_CONTRACT_CODE, CONTRACT_EXECUTION_ERROR.
 */
export type NearAnswer =
  | { kind: 'result', json: string }
  | { kind: 'error', error: string }
  /** this machine could not get an answer (transport, timeout, block unknown here): never attested */
  | { kind: 'local_failure', message: string }

/** Performs one query at a height. Supplied by the node (ExecutorInit.nearRpc); never rejects. */
export interface NearRpcProvider {
  query: (query: NearQuery, blockHeight: number) => Promise<NearAnswer>
}

const ACCOUNT_ID = /^(([a-z\d]+[-_])*[a-z\d]+\.)*([a-z\d]+[-_])*[a-z\d]+$/
const isAccountId = (s: unknown): s is string => typeof s === 'string' && s.length >= 2 && s.length <= 64 && ACCOUNT_ID.test(s)
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** The guest's request bytes as a query, or a reason it is malformed (a deterministic refusal). */
export function parseQuery (bytes: Uint8Array): NearQuery | string {
  let r: Record<string, unknown>
  try {
    r = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Record<string, unknown>
  } catch {
    return 'not UTF-8 JSON'
  }
  if (r == null || typeof r !== 'object') return 'not an object'
  if (!isAccountId(r.account_id)) return 'account_id is not a NEAR account id'
  if (r.method === 'view_account') return { method: 'view_account', account_id: r.account_id }
  if (r.method !== 'call_function') return 'method is not view_account or call_function'
  if (typeof r.method_name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,255}$/.test(r.method_name)) return 'method_name is not a function name'
  const args = r.args_base64 ?? ''
  if (typeof args !== 'string' || !BASE64.test(args) || args.length % 4 !== 0) return 'args_base64 is not base64'
  return { method: 'call_function', account_id: r.account_id, method_name: r.method_name, args_base64: args }
}
