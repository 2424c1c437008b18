/**
 * The one typed client for the outlayer contract, on near-api-js 7.2: every view and call the node makes goes
 * through here, never ad-hoc `callFunction` calls in the roles. One signer, the worker's account (registration,
 * commits, reveals, resolves: resolve is permissionless in verification v2), through a pool of its access keys
 * (key-pool.ts) so that concurrent calls do not queue on one nonce.
 */
import { JsonRpcProvider, actions, type TxExecutionStatus } from 'near-api-js'
import { CallBatcher } from './batcher.js'
import { ChainError } from './errors.js'
import { KeyPool, POOL_METHODS, wrapChainError as wrap } from './key-pool.js'
import { readRequestOutcome, successValue, type FinalTx } from './outcome.js'
import type { OutlayerClient, OutlayerClientInit, CallOutcome, ExecutionResponse, RevealEntry } from './types.js'
import { decodeAssignment, decodeContractConfig, decodeRequestView, decodeWorkerList, decodeWorkerView } from './views.js'

const TGAS = 10n ** 12n
/**
 * the contract's batch caps (contract/src/limits.ts MAX_BATCH_COMMITS, MAX_BATCH_RESOLVES, MAX_BATCH_ERROR_BYTES), and
 * an item's share of its 64 KiB of batch arguments (MAX_BATCH_ARGS_BYTES / 8, less the wrapper): a per_field resolve
 * carries every reveal's output inline, so a big one goes alone rather than sink a full batch
 */
const BATCH_CAPS = { commits: 32, resolves: 8, errorBytes: 256, resolveItemBytes: 7 * 1024 } as const
const GAS = { commit: 30n * TGAS, commitBatch: 100n * TGAS, reveal: 100n * TGAS, resolve: 300n * TGAS, register: 50n * TGAS, request: 300n * TGAS, report: 100n * TGAS } as const

/** nearcore's TIMEOUT_ERROR (HTTP 408), or a tx not yet visible to a load-balanced RPC. */
function isWaitTimeout (err: unknown): boolean {
  const e = err as { name?: string, cause?: unknown }
  return e?.name === 'TransactionTimeoutError' || e?.name === 'UnknownTransactionError' || e?.cause === 408
}

export function createOutlayerClient (init: OutlayerClientInit): OutlayerClient {
  const provider = new JsonRpcProvider({ url: init.rpcUrl }, { retries: init.rpcRetries ?? 3, wait: 200, backoff: 1.5 })
  const contractId = init.contractId
  // every transaction goes through the pool: the account key, plus function-call keys once ensureAccessKeys ran
  const keys = new KeyPool({ provider, accountId: init.accountId, secretKey: init.secretKey, contractId, size: init.accessKeys ?? 1 })

  async function view<T> (method: string, args: Record<string, unknown> = {}): Promise<T> {
    try {
      // optimistic, like the watcher: a request seen at the head must be visible to the views the roles read next
      return await provider.callFunction({ contractId, method, args, blockQuery: { finality: 'optimistic' } }) as T
    } catch (err) { throw wrap(err, `view ${method}`) }
  }

  /**
   * Signs and sends one function call; its outcome and the logs of its receipts. INCLUDED / INCLUDED_FINAL answers
   * carry no outcome, so the hash is computed by the pool (sha256 of the borsh transaction, base58). A deposit, or
   * a method outside POOL_METHODS, needs the full-access key.
   */
  async function send (method: string, args: Record<string, unknown>, opts: { gas: bigint, deposit?: bigint, waitUntil?: TxExecutionStatus }): Promise<CallOutcome & { logs: string[] }> {
    const deposit = opts.deposit ?? 0n
    const { response, txHash } = await keys.send({
      receiverId: contractId,
      actions: [actions.functionCall(method, args, opts.gas, deposit)],
      waitUntil: opts.waitUntil ?? 'EXECUTED_OPTIMISTIC',
      what: `call ${method}`,
      fullAccess: deposit > 0n || !(POOL_METHODS as readonly string[]).includes(method)
    })
    const receipts = (response as { receipts_outcome?: Array<{ outcome?: { logs?: string[] } }> }).receipts_outcome ?? []
    return { value: successValue(response.status), txHash, logs: receipts.flatMap(r => r.outcome?.logs ?? []) }
  }

  async function call (method: string, args: Record<string, unknown>, opts: { gas: bigint, deposit?: bigint, waitUntil?: TxExecutionStatus }): Promise<CallOutcome> {
    const { value, txHash } = await send(method, args, opts)
    return { value, txHash }
  }

  // calls that queue while `inFlight` sends of their kind are out go as one batch transaction (batcher.ts); off at 0
  const inFlight = init.batchInFlight ?? 0
  type Commit = { request_id: number, commit: string }
  type Resolve = { request_id: number, response: ExecutionResponse, reveals: RevealEntry[] }
  const commits = new CallBatcher<Commit>({
    method: 'commit_results', single: 'commit_result', max: BATCH_CAPS.commits, inFlight,
    sendOne: async item => await call('commit_result', item, { gas: GAS.commit }),
    sendBatch: async items => await send('commit_results', { items }, { gas: GAS.commitBatch })
  })
  const resolves = new CallBatcher<Resolve>({
    method: 'resolve_executions', single: 'resolve_execution', max: BATCH_CAPS.resolves, inFlight,
    sendOne: async item => await call('resolve_execution', item, { gas: GAS.resolve }),
    sendBatch: async items => await send('resolve_executions', { items }, { gas: GAS.resolve })
  })
  /** a batched resolve takes no deposit and only a small inline result (contract/src/limits.ts); others go alone */
  const batchable = (response: ExecutionResponse, reveals: RevealEntry[], deposit: bigint): boolean =>
    inFlight > 0 && deposit === 0n && response.output_hash == null && Buffer.byteLength(JSON.stringify(response.error ?? '')) - 2 <= BATCH_CAPS.errorBytes &&
    Buffer.byteLength(JSON.stringify({ response, reveals })) <= BATCH_CAPS.resolveItemBytes

  return {
    contractId,
    accountId: init.accountId,
    provider,
    accessKeys: () => keys.publicKeys,
    nonceConflicts: () => keys.conflicts,
    ensureAccessKeys: async () => await keys.ensure(),

    height: async () => {
      try {
        const block = await provider.viewBlock({ finality: 'final' })
        return Number(block.header.height)
      } catch (err) { throw wrap(err, 'block') }
    },
    view,

    getRequest: async (requestId) => decodeRequestView(await view('get_request', { request_id: Number(requestId) })),
    getPendingRequests: async (fromIndex, limit) => await view<unknown[]>('get_pending_requests', { from_index: fromIndex, limit }) ?? [],
    getAssignment: async (requestId) => decodeAssignment(await view('get_assignment', { request_id: Number(requestId) })),
    getWorker: async (accountId) => decodeWorkerView(await view('get_worker', { account_id: accountId })),
    listWorkers: async () => decodeWorkerList(await view('list_workers', { from_index: 0, limit: 100 })),
    getConfig: async () => decodeContractConfig(await view('get_config', {})),

    registerWorker: async (publicKey, bond) => await call('register_worker', { public_key: publicKey }, { gas: GAS.register, deposit: bond }),
    commitResult: async (requestId, commit) => inFlight > 0
      ? await commits.call({ request_id: Number(requestId), commit })
      : await call('commit_result', { request_id: Number(requestId), commit }, { gas: GAS.commit }),
    resolveExecution: async (requestId, response, reveals, deposit = 0n) => batchable(response, reveals, deposit)
      ? await resolves.call({ request_id: Number(requestId), response, reveals })
      : await call('resolve_execution', { request_id: Number(requestId), response, reveals }, { gas: GAS.resolve, deposit }),
    revealResult: async (requestId, reveal) => await call('reveal_result', { request_id: Number(requestId), ...reveal }, { gas: GAS.reveal }),
    submitExecutionOutput: async (requestId, output, deposit) =>
      await call('submit_execution_output', { request_id: Number(requestId), output }, { gas: GAS.resolve, deposit }),
    settleUnreachable: async (requestId, reveals) => await call('settle_unreachable', { request_id: Number(requestId), reveals }, { gas: GAS.resolve }),
    reportEquivocation: async (requestId, workerId, a, b) =>
      await call('report_equivocation', { request_id: Number(requestId), worker_id: workerId, a, b }, { gas: GAS.report }),
    estimateCost: async (args) => {
      const estimate = await view<unknown>('estimate_execution_cost', args)
      if (typeof estimate !== 'string' || !/^[0-9]{1,40}$/.test(estimate)) {
        throw new ChainError('BAD_RESPONSE', `${contractId}.estimate_execution_cost returned ${JSON.stringify(estimate)}, not a yocto amount (is it an outlayer contract?)`)
      }
      return BigInt(estimate)
    },
    estimateDeposit: async (args) => {
      const estimate = await view<unknown>('estimate_execution_cost', { resource_limits: args.resource_limits, params: args.params, source: args.source })
      if (typeof estimate !== 'string' || !/^[0-9]{1,40}$/.test(estimate)) {
        throw new ChainError('BAD_RESPONSE', `${contractId}.estimate_execution_cost returned ${JSON.stringify(estimate)}, not a yocto amount (is it an outlayer contract?)`)
      }
      // the request's storage lock, refunded when it ends: its record (~4 KB) plus its own bytes, at 1e19 yocto per byte
      return BigInt(estimate) + BigInt(JSON.stringify(args).length + 8192) * 10n ** 19n
    },
    requestExecution: async (args, deposit, opts = {}) =>
      await call('request_execution', args, { gas: opts.gas ?? GAS.request, deposit, waitUntil: opts.waitUntil ?? 'INCLUDED_FINAL' }),
    waitOutcome: async (txHash, opts = {}) => {
      // an RPC wait is capped by the node (nearcore: TIMEOUT_ERROR after ~10-20 s), so ask again until the deadline
      const deadline = Date.now() + (opts.timeoutMs ?? 600_000)
      while (Date.now() < deadline) {
        try {
          const res = await provider.viewTransactionStatus({ txHash, accountId: init.accountId, waitUntil: 'FINAL' })
          const status = res.status as { SuccessValue?: string, Failure?: unknown } | undefined
          if (status != null && (status.SuccessValue != null || status.Failure != null)) return readRequestOutcome(res as unknown as FinalTx, txHash)
          // an RPC that answers before the outcome exists must not make this a busy loop
          await new Promise(resolve => setTimeout(resolve, 1000))
        } catch (err) {
          if (!isWaitTimeout(err)) throw wrap(err, 'tx status')
        }
        opts.onWait?.()
      }
      return undefined
    }
  }
}

/** A project as the contract's `get_project` view returns it (OutLayer's shape). */
export interface ChainProject {
  project_id: string
  owner: string
  name: string
  /** the version key of the active version: a WasmUrl hash or a GitHub commit */
  active_version: string
  created_at?: number | string
}

/** One project version (`get_version`, `list_versions`); `source` is a concrete GitHub or WasmUrl source. */
export interface ChainProjectVersion {
  version_key: string
  source: unknown
  added_at?: number | string
}

type Viewer = Pick<OutlayerClient, 'view'>

/** `get_project`: null when the project does not exist. */
export async function getProject (client: Viewer, projectId: string): Promise<ChainProject | null> {
  return await client.view<ChainProject | null>('get_project', { project_id: projectId }) ?? null
}

/** `get_version`: null when the project or the version does not exist. */
export async function getProjectVersion (client: Viewer, projectId: string, versionKey: string): Promise<ChainProjectVersion | null> {
  return await client.view<ChainProjectVersion | null>('get_version', { project_id: projectId, version_key: versionKey }) ?? null
}

/** `list_versions`, one page. */
export async function listProjectVersions (client: Viewer, projectId: string, fromIndex = 0, limit = 50): Promise<ChainProjectVersion[]> {
  return await client.view<ChainProjectVersion[]>('list_versions', { project_id: projectId, from_index: fromIndex, limit }) ?? []
}
