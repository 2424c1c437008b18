/** Shapes of the outlayer contract's views and calls as the node uses them (issue 5). */
import type { JsonRpcProvider, TxExecutionStatus } from 'near-api-js'
import type { RequestOutcome } from './outcome.js'
import type { AssignmentView, ContractConfig, RequestView, WorkerView } from './views.js'

export interface OutlayerClientInit {
  rpcUrl: string
  contractId: string
  /** the worker's account and full-access key */
  accountId: string
  secretKey: string
  /**
   * signing keys in the account's pool, its own key included: above 1, ensureAccessKeys adds the others as
   * function-call keys (chain/key-pool.ts) and zero-deposit calls spread over them @default 1
   */
  accessKeys?: number
  /** RPC retries before a call fails (near-api-js defaults to 12, which looks like a hang) @default 3 */
  rpcRetries?: number
  /**
   * batch commits and resolves (chain/batcher.ts): up to this many transactions of each kind in flight, and the
   * calls that arrive meanwhile go together as one commit_results / resolve_executions. 0 sends each call alone
   * @default 0
   */
  batchInFlight?: number
}

export interface CallOutcome {
  /** the method's JSON return value, when it returned one */
  value: unknown
  txHash: string
}


/** `resolve_execution`'s response argument: the result the quorum attested (no unattested quantity such as time). */
export interface ExecutionResponse {
  code_hash: string
  success: boolean
  /** base64 of the output bytes; or output_hash of a blob stored with submit_execution_output */
  output?: string
  output_hash?: string
  error?: string
  resources_used: { instructions: string }
  transcript_hash?: string
}

/** One reveal in resolve_execution: the salt opens the worker's commit, the signature is over its digest v2. */
export interface RevealEntry {
  worker_id: string
  /** hex, 32 bytes */
  salt: string
  /** base64, 64 bytes */
  signature: string
  /** a dissenter's own attested result; without it the reveal is of the main response */
  response?: ExecutionResponse
}

/** reveal_result's arguments besides request_id: a reveal with its own response (the output named by its hash). */
export type OnChainReveal = RevealEntry & { response: ExecutionResponse }

/** One signed result as report_equivocation takes it (hex hashes, base64 signature). */
export interface SignedResultEntry {
  code_hash: string
  success: boolean
  output_hash: string
  error_hash: string
  instructions: string
  transcript_hash: string
  signature: string
}

export interface OutlayerClient {
  readonly contractId: string
  readonly accountId: string
  readonly provider: JsonRpcProvider
  /** the public keys transactions are signed with now (the account key first) */
  accessKeys: () => string[]
  /** nonce conflicts this client recovered (re-signed) so far */
  nonceConflicts: () => number
  /** adds the pool's missing function-call keys to the account (once; nothing at accessKeys 1), then signs with them */
  ensureAccessKeys: () => Promise<{ added: string[] }>
  /** latest final block height */
  height: () => Promise<number>
  view: <T>(method: string, args?: Record<string, unknown>) => Promise<T>

  /** null when the contract does not know the request */
  getRequest: (requestId: string) => Promise<RequestView | null>
  /** raw pages: the watcher validates each item and drops what it does not understand */
  getPendingRequests: (fromIndex: number, limit: number) => Promise<unknown[]>
  /** null when the request is unknown or finished */
  getAssignment: (requestId: string) => Promise<AssignmentView | null>
  getWorker: (accountId: string) => Promise<WorkerView | null>
  listWorkers: () => Promise<WorkerView[]>
  getConfig: () => Promise<ContractConfig>

  registerWorker: (publicKey: string, bond: bigint) => Promise<CallOutcome>
  /** as an assigned worker: commit to a result (hex of commitHash(digest, salt)) */
  commitResult: (requestId: string, commit: string) => Promise<CallOutcome>
  /** as anyone: resolve with Q agreeing reveals (pays its own gas; earns the resolve fee) */
  resolveExecution: (requestId: string, response: ExecutionResponse, reveals: RevealEntry[], deposit?: bigint) => Promise<CallOutcome>
  /** settle_unreachable: reveals of committed workers proving no quorum can form; the payer is refunded now */
  settleUnreachable: (requestId: string, reveals: Array<RevealEntry & { response: ExecutionResponse }>) => Promise<CallOutcome>
  /** as anyone: a committed worker's reveal on chain, so that a yield timeout does not slash it for withholding */
  revealResult: (requestId: string, reveal: OnChainReveal) => Promise<CallOutcome>
  /** the big-output flow: store the output as a blob (storage paid by `deposit`, the excess returned); resolve names it by hash */
  submitExecutionOutput: (requestId: string, outputBase64: string, deposit: bigint) => Promise<CallOutcome>
  /** as anyone: two valid signatures of one worker over two different results of one request */
  reportEquivocation: (requestId: string, workerId: string, a: SignedResultEntry, b: SignedResultEntry) => Promise<CallOutcome>
  /** `estimate_execution_cost` for these request args: the deposit request_execution needs, in yocto */
  estimateCost: (args: { resource_limits?: unknown, params?: unknown }) => Promise<bigint>
  /** what request_execution with these args must attach: the worst-case charge plus the (refunded) storage lock */
  estimateDeposit: (args: Record<string, unknown>) => Promise<bigint>
  /**
   * as a user: sends request_execution and returns its tx hash once included (INCLUDED_FINAL by default), since the
   * yield stays open until resumed; waitOutcome() then waits for the answer.
   */
  requestExecution: (args: Record<string, unknown>, deposit: bigint, opts?: { gas?: bigint, waitUntil?: TxExecutionStatus }) => Promise<CallOutcome>
  /** waits for a request transaction's final outcome; undefined when timeoutMs passed first (onWait after each try) */
  waitOutcome: (txHash: string, opts?: { timeoutMs?: number, onWait?: () => void }) => Promise<RequestOutcome | undefined>
}
