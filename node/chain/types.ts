/** Shapes of the outlayer contract's views and calls as the node uses them (issue 5). */
import type { JsonRpcProvider, TxExecutionStatus } from 'near-api-js'

export interface OutlayerClientInit {
  rpcUrl: string
  contractId: string
  /** the worker's account and full-access key */
  accountId: string
  secretKey: string
  /** aggregator only: the operator account and its function-call key */
  operatorAccountId?: string
  operatorSecretKey?: string
  /** RPC retries before a call fails (near-api-js defaults to 12, which looks like a hang) @default 3 */
  rpcRetries?: number
}

export interface CallOutcome {
  /** the method's JSON return value, when it returned one */
  value: unknown
  txHash: string
}

export interface ChainLease {
  worker_id: string
  /** block heights */
  claimed_at: number | string
  expires_at: number | string
}

export interface ChainWorker {
  account_id: string
  public_key: string
  /** 'active' | 'unregistered' */
  status?: string
  [field: string]: unknown
}

/** `resolve_execution`'s response argument: what the agreeing workers attested, plus median times. */
export interface ExecutionResponse {
  success: boolean
  /** base64 of the output bytes; omitted when empty */
  output?: string
  error?: string
  resources_used: { instructions: string, time_ms: number, compile_time_ms: number }
}

export interface AttestationEntry {
  worker_id: string
  /** base64, 64 bytes */
  signature: string
  /** a dissenter's own attested result; without it the signature is checked against the main response */
  response?: { success: boolean, output?: string, error: string, instructions: string }
}

export interface OutlayerClient {
  readonly contractId: string
  readonly accountId: string
  readonly operatorAccountId: string | undefined
  readonly provider: JsonRpcProvider
  /** latest final block height */
  height: () => Promise<number>
  view: <T>(method: string, args?: Record<string, unknown>) => Promise<T>

  getRequest: (requestId: string) => Promise<unknown>
  getPendingRequests: (fromIndex: number, limit: number) => Promise<unknown[]>
  getLeases: (requestId: string) => Promise<ChainLease[]>
  getWorker: (accountId: string) => Promise<ChainWorker | null>
  listWorkers: () => Promise<ChainWorker[]>
  getConfig: () => Promise<Record<string, unknown>>

  registerWorker: (publicKey: string, bond: bigint) => Promise<CallOutcome>
  claimLease: (requestId: string) => Promise<CallOutcome>
  resolveExecution: (requestId: string, response: ExecutionResponse, attestations: AttestationEntry[]) => Promise<CallOutcome>
  /** the first step of OutLayer's big-output flow: store the output; resolve_execution then omits it */
  submitExecutionOutput: (requestId: string, outputBase64: string) => Promise<CallOutcome>
  /**
   * as a user: sends request_execution. By default returns once the transaction is included, since the yield
   * stays open until resumed; pass 'FINAL' to wait for the callback's value.
   */
  requestExecution: (args: Record<string, unknown>, deposit: bigint, waitUntil?: TxExecutionStatus) => Promise<CallOutcome>
}
