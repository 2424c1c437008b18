/**
 * `outlayer request`: sends `request_execution` as a user and waits for the transaction's final outcome. The
 * contract yields until the mesh resolves the request, then its callback's return value becomes the tx's
 * result, so "final outcome" means "the answer" (or a refund after the yield timeout).
 */
import type { Command } from 'commander'
import { readFile } from 'node:fs/promises'
import { base58 } from '@scure/base'
import {
  Account, JsonRpcProvider, KeyPair, KeyPairSigner, actions, encodeTransaction, yoctoToNear,
  type KeyPairString, type Provider
} from 'near-api-js'
import {
  codeSourceCheck, normaliseRepo, redundancyCheck, resourceLimitsCheck, sha256, validateAccountId, nearToYocto,
  LIMITS, RESPONSE_FORMATS, TGAS, type CodeSource, type Check
} from '../../../protocol/index.js'
import { NETWORK_DEFAULTS } from '../../config.js'
import { EXIT, UsageError } from '../exit-codes.js'

interface RequestOptions {
  source: string
  input?: string
  inputFile?: string
  replicas?: string
  quorum?: string
  aggregation: string
  maxInstructions?: string
  maxMemoryMb?: string
  maxSeconds?: string
  responseFormat?: string
  rpcUrl?: string
  networkId?: string
  accountId?: string
  secretKey?: string
  keysFile?: string
  contractId: string
  deposit?: string
  gasTgas: string
  timeoutS: string
  json?: boolean
}

const DEFAULT_BUILD_TARGET = 'wasm32-wasip1'

export function register (program: Command): void {
  program.command('request')
    .description('send request_execution as a user and print the result once the contract resumes')
    .requiredOption('--source <S>', 'owner/repo@commit | <git-url>@commit | <wasm-url>#<sha256> | project:<owner/name>[@version]')
    .option('--input <JSON>', 'input_data: a JSON value, sent as its compact text')
    .option('--input-file <F>', 'input_data: the text of this file, as is')
    .option('--replicas <R>', `workers that run it independently (1..${LIMITS.maxReplicas})`)
    .option('--quorum <Q>', 'agreeing workers needed (> R/2; default floor(R/2)+1)')
    .option('--aggregation <A>', 'identical | median', 'identical')
    .option('--max-instructions <N>', 'resource_limits.max_instructions')
    .option('--max-memory-mb <N>', 'resource_limits.max_memory_mb')
    .option('--max-seconds <N>', 'resource_limits.max_execution_seconds')
    .option('--response-format <F>', RESPONSE_FORMATS.join(' | '))
    .option('--rpc-url <U>', 'NEAR JSON-RPC URL (default: the keys file, else the network default)')
    .option('--network-id <N>', 'localnet | testnet | mainnet (default: the keys file, else localnet)')
    .option('--account-id <A>', 'the account that pays (with --secret-key, or picks an account from --keys-file)')
    .option('--secret-key <K>', 'ed25519:... full-access key of --account-id')
    .option('--keys-file <F>', 'a near-cli credential file, or the localnet keys file (root + accounts)')
    .requiredOption('--contract-id <C>', 'the outlayer contract account')
    .option('--deposit <NEAR>', "attached deposit in NEAR (default: the contract's estimate_execution_cost)")
    .option('--gas-tgas <N>', 'gas for request_execution, in Tgas', '300')
    .option('--timeout-s <N>', 'stop waiting for the result after this many seconds', '600')
    .option('--json', 'print the outcome as JSON')
    .action(async (opts: RequestOptions) => { process.exitCode = await request(opts) })
}

/** A failure talking to the chain (exit 1); bad input is a UsageError (exit 2). */
export class RequestCommandError extends Error {
  override readonly name = 'RequestCommandError'
  constructor (readonly code: 'RPC_UNREACHABLE' | 'BAD_ESTIMATE', message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

async function request (opts: RequestOptions): Promise<number> {
  // Everything the user typed is checked before any network traffic.
  const contractId = accountId(opts.contractId, '--contract-id')
  const args = await requestArgs(opts)
  const creds = await credentials(opts)
  const gas = BigInt(positiveInt(opts.gasTgas, '--gas-tgas', 1000)) * TGAS
  const timeoutMs = positiveInt(opts.timeoutS, '--timeout-s', 86_400) * 1000
  const explicitDeposit = opts.deposit != null ? parseNear(opts.deposit, '--deposit') : undefined

  const provider = new JsonRpcProvider({ url: creds.rpcUrl }, { retries: 2, wait: 250, backoff: 1.5 })
  const account = new Account(creds.accountId, provider, new KeyPairSigner(KeyPair.fromString(creds.secretKey as KeyPairString)))
  return await explainUnreachable(creds.rpcUrl, async () => {
    const deposit = explicitDeposit ?? await estimateDeposit(provider, contractId, args)
    const signed = await account.createSignedTransaction({
      receiverId: contractId,
      actions: [actions.functionCall('request_execution', args, gas, deposit)]
    })
    const txHash = base58.encode(sha256(encodeTransaction(signed.transaction)))
    progress(`sending request_execution to ${contractId} as ${creds.accountId} (deposit ${yoctoToNear(deposit)} NEAR), tx ${txHash}`)
    await provider.sendTransactionUntil(signed, 'INCLUDED')
    progress('included; waiting for the mesh to run it and the contract to resume (or to time out and refund)')

    const final = await waitForOutcome(provider, txHash, creds.accountId, timeoutMs)
    if (final == null) {
      progress(`no final outcome within ${opts.timeoutS} s; the tx ${txHash} may still complete`)
      return EXIT.jobLocal
    }
    const outcome = readOutcome(final, txHash)
    process.stdout.write(opts.json === true ? JSON.stringify(outcome, null, 2) + '\n' : describe(outcome))
    return outcome.exitCode
  })
}

/** fetch() rejects with a TypeError when nothing answers: say which URL, not "fetch failed". */
async function explainUnreachable<T> (rpcUrl: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof TypeError) throw new RequestCommandError('RPC_UNREACHABLE', `cannot reach the NEAR RPC at ${rpcUrl} (${(err.cause as Error | undefined)?.message ?? err.message})`, { cause: err })
    throw err
  }
}

// ── what the user asked for ───────────────────────────────────────────────────────────────────────────

/** The source flag's short forms, as OutLayer callers write them. Exported for tests. */
export function parseSource (text: string): CodeSource {
  const source = sourceObject(text.trim())
  const checked = codeSourceCheck(source, '--source')
  if (!checked.ok) throw new UsageError(checked.error.message)
  return checked.value
}

function sourceObject (text: string): unknown {
  if (text.startsWith('project:')) {
    const [projectId, versionKey] = splitLast(text.slice('project:'.length), '@')
    return { Project: versionKey != null ? { project_id: projectId, version_key: versionKey } : { project_id: projectId } }
  }
  const hashAt = text.lastIndexOf('#')
  if (hashAt > 0 && /^(https?|file|ipfs):\/\//.test(text)) {
    return { WasmUrl: { url: text.slice(0, hashAt), hash: text.slice(hashAt + 1).toLowerCase(), build_target: DEFAULT_BUILD_TARGET } }
  }
  const [repo, commit] = splitLast(text, '@')
  if (commit == null || repo === '') {
    throw new UsageError(`--source: "${text}" is none of owner/repo@commit, <git-url>@commit, <wasm-url>#<sha256>, project:<id>`)
  }
  return { GitHub: { repo: normaliseRepo(repo), commit, build_target: DEFAULT_BUILD_TARGET } }
}

function splitLast (text: string, sep: string): [string, string | undefined] {
  const at = text.lastIndexOf(sep)
  // An '@' inside a URL's authority (user@host) is not a commit separator.
  if (at < 0 || text.slice(at).includes('/')) return [text, undefined]
  return [text.slice(0, at), text.slice(at + 1)]
}

async function requestArgs (opts: RequestOptions): Promise<Record<string, unknown>> {
  const args: Record<string, unknown> = { source: parseSource(opts.source) }
  if (opts.input != null && opts.inputFile != null) throw new UsageError('give either --input or --input-file, not both')
  if (opts.input != null) {
    try {
      args.input_data = JSON.stringify(JSON.parse(opts.input))
    } catch {
      throw new UsageError(`--input is not valid JSON: ${opts.input.slice(0, 80)} (quote strings: '"text"'; or use --input-file)`)
    }
  }
  if (opts.inputFile != null) args.input_data = await readFile(opts.inputFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--input-file: cannot read ${opts.inputFile} (${err.code ?? err.message})`)
  })

  if (opts.maxInstructions != null || opts.maxMemoryMb != null || opts.maxSeconds != null) {
    const limits = check(resourceLimitsCheck, {
      max_instructions: opts.maxInstructions ?? String(LIMITS.defaultInstructions),
      max_memory_mb: optionalInt(opts.maxMemoryMb, '--max-memory-mb') ?? LIMITS.defaultMemoryMb,
      max_execution_seconds: optionalInt(opts.maxSeconds, '--max-seconds') ?? LIMITS.defaultExecutionSeconds
    }, 'resource limits')
    // max_instructions is capped at 5e11, so it is a safe JSON number (the contract reads numbers).
    args.resource_limits = { ...limits, max_instructions: Number(limits.max_instructions) }
  }
  if (opts.quorum != null && opts.replicas == null) throw new UsageError('--quorum needs --replicas')
  if (opts.replicas != null) {
    const replicas = optionalInt(opts.replicas, '--replicas')!
    const quorum = optionalInt(opts.quorum, '--quorum') ?? Math.floor(replicas / 2) + 1
    args.redundancy = check(redundancyCheck, { replicas, quorum, aggregation: opts.aggregation }, 'redundancy')
  }
  if (opts.responseFormat != null) {
    if (!(RESPONSE_FORMATS as readonly string[]).includes(opts.responseFormat)) {
      throw new UsageError(`--response-format must be one of ${RESPONSE_FORMATS.join(', ')}`)
    }
    args.response_format = opts.responseFormat
  }
  return args
}

function check<T> (checker: Check<T>, value: unknown, what: string): T {
  const r = checker(value, what)
  if (!r.ok) throw new UsageError(r.error.message)
  return r.value
}

// ── who pays ──────────────────────────────────────────────────────────────────────────────────────────

interface Credentials { rpcUrl: string, accountId: string, secretKey: string }
interface KeyEntry { account_id?: unknown, private_key?: unknown, secret_key?: unknown }
interface KeysFile extends KeyEntry { network_id?: unknown, rpc_url?: unknown, root?: KeyEntry, accounts?: KeyEntry[] }

/** Who signs: --account-id + --secret-key or --keys-file, and the RPC URL (shared with `outlayer secrets`). */
export async function credentials (opts: Pick<RequestOptions, 'keysFile' | 'secretKey' | 'networkId' | 'rpcUrl' | 'accountId'>): Promise<Credentials> {
  let file: KeysFile = {}
  if (opts.keysFile != null) {
    if (opts.secretKey != null) throw new UsageError('give either --secret-key or --keys-file, not both')
    try {
      file = JSON.parse(await readFile(opts.keysFile, 'utf8')) as KeysFile
    } catch (err) {
      throw new UsageError(`--keys-file: cannot read ${opts.keysFile} as JSON (${(err as Error).message})`)
    }
  }
  const networkId = opts.networkId ?? (typeof file.network_id === 'string' ? file.network_id : 'localnet')
  const rpcUrl = opts.rpcUrl ?? (typeof file.rpc_url === 'string' ? file.rpc_url : NETWORK_DEFAULTS[networkId]?.rpcUrl)
  if (rpcUrl == null) throw new UsageError(`--rpc-url is required for network "${networkId}"`)
  if (!/^https?:\/\/[^\s/]+/.test(rpcUrl)) throw new UsageError(`--rpc-url: "${rpcUrl}" is not an http(s) URL`)

  const entry = opts.keysFile != null ? pickKey(file, opts.accountId, opts.keysFile) : undefined
  const account = opts.accountId ?? (entry?.account_id as string | undefined)
  const secretKey = opts.secretKey ?? ((entry?.private_key ?? entry?.secret_key) as string | undefined)
  if (account == null || secretKey == null) throw new UsageError('say who pays: --account-id with --secret-key, or --keys-file')
  try {
    KeyPair.fromString(secretKey as KeyPairString)
  } catch {
    throw new UsageError('the secret key must look like ed25519:<base58>')
  }
  return { rpcUrl, accountId: accountId(account, '--account-id'), secretKey }
}

/** A near-cli credential file, or the localnet keys file: the named account, else the first user, else root. */
function pickKey (file: KeysFile, accountId: string | undefined, path: string): KeyEntry {
  const entries = [...(file.account_id != null ? [file] : []), ...(Array.isArray(file.accounts) ? file.accounts : []), ...(file.root != null ? [file.root] : [])]
  const entry = accountId != null ? entries.find(e => e.account_id === accountId) : entries[0]
  if (entry == null) throw new UsageError(`--keys-file: ${path} has no key${accountId != null ? ` for ${accountId}` : ''}`)
  return entry
}

function accountId (value: string, flag: string): string {
  const r = validateAccountId(value, flag)
  if (!r.ok) throw new UsageError(r.error.message)
  return r.value
}

// ── the chain ─────────────────────────────────────────────────────────────────────────────────────────

async function estimateDeposit (provider: Provider, contractId: string, args: Record<string, unknown>): Promise<bigint> {
  const estimate = await provider.callFunction({
    contractId,
    method: 'estimate_execution_cost',
    args: { resource_limits: args.resource_limits, params: args.params }
  })
  if (typeof estimate !== 'string' || !/^\d+$/.test(estimate)) {
    throw new RequestCommandError('BAD_ESTIMATE', `${contractId}.estimate_execution_cost returned ${JSON.stringify(estimate)}, not a yocto amount (is it an outlayer contract?)`)
  }
  return BigInt(estimate)
}

type TxResponse = Awaited<ReturnType<Provider['viewTransactionStatus']>>

/**
 * Waits for the final outcome. An RPC wait is capped by the node (nearcore: TIMEOUT_ERROR after ~10-20 s), so
 * this asks again until the deadline, and shows that it is still waiting.
 */
async function waitForOutcome (provider: Provider, txHash: string, accountId: string, timeoutMs: number): Promise<TxResponse | undefined> {
  const deadline = Date.now() + timeoutMs
  const startedAt = Date.now()
  while (Date.now() < deadline) {
    try {
      const res = await provider.viewTransactionStatus({ txHash, accountId, waitUntil: 'FINAL' })
      const status = res.status as { SuccessValue?: string, Failure?: unknown } | undefined
      if (status != null && (status.SuccessValue != null || status.Failure != null)) return res
      // An RPC that answers before the outcome exists must not make this a busy loop.
      await new Promise(resolve => setTimeout(resolve, 1000))
    } catch (err) {
      if (!isWaitTimeout(err)) throw err
    }
    progress(`waiting for the mesh to resolve the request (${Math.round((Date.now() - startedAt) / 1000)} s)`)
  }
  return undefined
}

/** nearcore's TIMEOUT_ERROR (HTTP 408), or a tx not yet visible to a load-balanced RPC. */
function isWaitTimeout (err: unknown): boolean {
  const e = err as { name?: string, cause?: unknown }
  return e?.name === 'TransactionTimeoutError' || e?.name === 'UnknownTransactionError' || e?.cause === 408
}

// ── the answer ────────────────────────────────────────────────────────────────────────────────────────

interface Outcome {
  txHash: string
  requestId?: string
  /** the callback's return value: the output per response_format; null when the request failed or timed out */
  result: unknown
  success: boolean
  timedOut: boolean
  error?: string
  /** the contract refused the request itself (bad source, limits, deposit): its panic message */
  refused?: string
  resourcesUsed?: unknown
  workers?: string[]
  paymentCharged?: string
  paymentRefunded?: string
  exitCode: number
}

function readOutcome (res: TxResponse, txHash: string): Outcome {
  const status = res.status as { SuccessValue?: string, Failure?: unknown }
  const logs = (res.receipts_outcome ?? []).flatMap(r => r.outcome.logs)
  const requested = eventData(logs, 'execution_requested')
  const completed = eventData(logs, 'execution_completed')
  const requestId = requested?.request_id != null ? String(requested.request_id) : undefined
  if (status.Failure != null || completed == null) {
    const refused = failureMessage(status.Failure) ?? 'the transaction failed without a completion event'
    return { txHash, requestId, result: null, success: false, timedOut: false, refused, exitCode: requested == null ? EXIT.usage : EXIT.local }
  }
  const success = completed.success === true
  const timedOut = completed.timed_out === true
  return {
    txHash,
    requestId,
    result: decodeValue(status.SuccessValue ?? ''),
    success,
    timedOut,
    ...(typeof completed.error_message === 'string' && completed.error_message !== '' ? { error: completed.error_message } : {}),
    resourcesUsed: completed.resources_used,
    workers: Array.isArray(completed.workers) ? completed.workers as string[] : [],
    paymentCharged: String(completed.payment_charged),
    paymentRefunded: String(completed.payment_refunded),
    exitCode: success ? EXIT.ok : timedOut ? EXIT.jobLocal : EXIT.guest
  }
}

/** The data of our NEP-297 event `name` in the receipts' logs (only this tx's receipts, so at most one). */
function eventData (logs: string[], name: string): Record<string, unknown> | undefined {
  for (const log of logs) {
    if (!log.startsWith('EVENT_JSON:')) continue
    try {
      const body = JSON.parse(log.slice('EVENT_JSON:'.length)) as { standard?: string, event?: string, data?: unknown }
      if (body.standard !== 'near-outlayer' || body.event !== name) continue
      const data = Array.isArray(body.data) ? body.data[0] : body.data
      if (data != null && typeof data === 'object') return data as Record<string, unknown>
    } catch { /* not ours */ }
  }
  return undefined
}

function failureMessage (failure: unknown): string | undefined {
  if (failure == null) return undefined
  const text = JSON.stringify(failure)
  const panic = /"ExecutionError":"([^"]*)"/.exec(text)
  return panic?.[1] ?? text
}

function decodeValue (base64: string): unknown {
  const text = Buffer.from(base64, 'base64').toString('utf8')
  try { return JSON.parse(text) } catch { return text }
}

function describe (o: Outcome): string {
  if (o.refused != null) return `refused: ${o.refused}\n  tx ${o.txHash}\n`
  const head = o.success
    ? (typeof o.result === 'string' ? o.result : JSON.stringify(o.result, null, 2))
    : o.timedOut ? 'timed out: no quorum before the yield timeout (refunded all but the base fee)' : `failed: ${o.error ?? 'unknown error'}`
  return [
    head,
    `  request ${o.requestId ?? '?'}  tx ${o.txHash}`,
    `  workers ${o.workers?.join(', ') || '(none)'}`,
    `  charged ${yoctoToNear(BigInt(o.paymentCharged ?? '0'))} NEAR, refunded ${yoctoToNear(BigInt(o.paymentRefunded ?? '0'))} NEAR`,
    ''
  ].join('\n')
}

// ── small parsers ─────────────────────────────────────────────────────────────────────────────────────

function parseNear (text: string, flag: string): bigint {
  if (!/^\d+(\.\d{1,24})?$/.test(text)) throw new UsageError(`${flag}: "${text}" is not an amount of NEAR like 0.5`)
  return nearToYocto(text)
}

function optionalInt (text: string | undefined, flag: string): number | undefined {
  if (text == null) return undefined
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag}: "${text}" is not a whole number`)
  return Number(text)
}

function positiveInt (text: string, flag: string, max: number): number {
  const n = optionalInt(text, flag)!
  if (n < 1 || n > max) throw new UsageError(`${flag}: must be 1..${max}`)
  return n
}

function progress (line: string): void {
  process.stderr.write(`${line}\n`)
}
