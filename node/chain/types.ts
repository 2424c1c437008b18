/** Shapes of the outlayer contract's views and calls as the node uses them (issue 5). */
import type { JsonRpcProvider, TxExecutionStatus } from 'near-api-js'
import type { RequestOutcome } from './outcome.js'
import type { ChainLease, ContractConfig, RequestView, WorkerView } from './views.js'

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

  /** null when the contract does not know the request */
  getRequest: (requestId: string) => Promise<RequestView | null>
  /** raw pages: the watcher validates each item and drops what it does not understand */
  getPendingRequests: (fromIndex: number, limit: number) => Promise<unknown[]>
  getLeases: (requestId: string) => Promise<ChainLease[]>
  getWorker: (accountId: string) => Promise<WorkerView | null>
  listWorkers: () => Promise<WorkerView[]>
  getConfig: () => Promise<ContractConfig>

  registerWorker: (publicKey: string, bond: bigint) => Promise<CallOutcome>
  claimLease: (requestId: string) => Promise<CallOutcome>
  resolveExecution: (requestId: string, response: ExecutionResponse, attestations: AttestationEntry[]) => Promise<CallOutcome>
  /** the first step of OutLayer's big-output flow: store the output; resolve_execution then omits it */
  submitExecutionOutput: (requestId: string, outputBase64: string) => Promise<CallOutcome>
  /** `estimate_execution_cost` for these request args: the deposit request_execution needs, in yocto */
  estimateCost: (args: { resource_limits?: unknown, params?: unknown }) => Promise<bigint>
  /**
   * as a user: sends request_execution and returns its tx hash once included (INCLUDED_FINAL by default), since the
   * yield stays open until resumed; waitOutcome() then waits for the answer.
   */
  requestExecution: (args: Record<string, unknown>, deposit: bigint, opts?: { gas?: bigint, waitUntil?: TxExecutionStatus }) => Promise<CallOutcome>
  /** waits for a request transaction's final outcome; undefined when timeoutMs passed first (onWait after each try) */
  waitOutcome: (txHash: string, opts?: { timeoutMs?: number, onWait?: () => void }) => Promise<RequestOutcome | undefined>
}
