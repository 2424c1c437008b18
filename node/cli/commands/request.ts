/**
 * `outlayer request`: sends `request_execution` as a user and waits for the transaction's final outcome. The
 * contract yields until the mesh resolves the request, then its callback's return value becomes the tx's
 * result, so "final outcome" means "the answer" (or a refund after the yield timeout).
 */
import type { Command } from 'commander'
import { readFile } from 'node:fs/promises'
import { KeyPair, yoctoToNear, type KeyPairString } from 'near-api-js'
import {
  parseSource as parseSourceText, redundancyCheck, resourceLimitsCheck, validateAccountId,
  LIMITS, RESPONSE_FORMATS, TGAS, type CodeSource, type Check
} from '../../../protocol/index.js'
import { ChainError, createOutlayerClient, type RequestOutcome } from '../../chain/index.js'
import { NETWORK_DEFAULTS } from '../../config.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { intFlag, nearFlag, optionalIntFlag } from '../flags.js'
import { CodedError } from '../../errors.js'

interface RequestOptions {
  source: string
  input?: string
  inputFile?: string
  replicas?: string
  quorum?: string
  aggregation: string
  fields?: string
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

export function register (program: Command): void {
  program.command('request')
    .description('send request_execution as a user and print the result once the contract resumes')
    .requiredOption('--source <S>', 'owner/repo@commit | <git-url>@commit | <wasm-url>#<sha256> | project:<owner/name>[@version]')
    .option('--input <JSON>', 'input_data: a JSON value, sent as its compact text')
    .option('--input-file <F>', 'input_data: the text of this file, as is')
    .option('--replicas <R>', `workers that run it independently (1..${LIMITS.maxReplicas})`)
    .option('--quorum <Q>', 'agreeing workers needed (> R/2; default floor(R/2)+1)')
    .option('--aggregation <A>', 'identical | median | per_field', 'identical')
    .option('--fields <JSON>', 'per_field: {"name": "median" | "identical" | "mode", ...} (at most 16 names of [A-Za-z0-9_])')
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
export class RequestCommandError extends CodedError<'RPC_UNREACHABLE' | 'BAD_ESTIMATE'> { override readonly name = 'RequestCommandError' }

async function request (opts: RequestOptions): Promise<number> {
  // Everything the user typed is checked before any network traffic.
  const contractId = accountId(opts.contractId, '--contract-id')
  const args = await requestArgs(opts)
  const creds = await credentials(opts)
  const gas = BigInt(intFlag(opts.gasTgas, '--gas-tgas', { min: 1, max: 1000 })) * TGAS
  const timeoutMs = intFlag(opts.timeoutS, '--timeout-s', { min: 1, max: 86_400 }) * 1000
  const explicitDeposit = opts.deposit != null ? nearFlag(opts.deposit, '--deposit') : undefined

  const client = createOutlayerClient({ rpcUrl: creds.rpcUrl, contractId, accountId: creds.accountId, secretKey: creds.secretKey, rpcRetries: 2 })
  return await explainUnreachable(creds.rpcUrl, async () => {
    const deposit = explicitDeposit ?? await client.estimateDeposit(args)
    progress(`sending request_execution to ${contractId} as ${creds.accountId} (deposit ${yoctoToNear(deposit)} NEAR)`)
    const { txHash } = await client.requestExecution(args, deposit, { gas, waitUntil: 'INCLUDED' })
    progress(`tx ${txHash} included; waiting for the mesh to run it and the contract to resume (or to time out and refund)`)
    const startedAt = Date.now()
    const outcome = await client.waitOutcome(txHash, {
      timeoutMs,
      onWait: () => progress(`waiting for the mesh to resolve the request (${Math.round((Date.now() - startedAt) / 1000)} s)`)
    })
    if (outcome == null) {
      progress(`no final outcome within ${opts.timeoutS} s; the tx ${txHash} may still complete`)
      return EXIT.jobLocal
    }
    const exitCode = exitCodeOf(outcome)
    process.stdout.write(opts.json === true ? JSON.stringify({ ...outcome, exitCode }, null, 2) + '\n' : describe(outcome))
    return exitCode
  })
}

/** fetch() rejects with a TypeError when nothing answers: say which URL, not "fetch failed". */
async function explainUnreachable<T> (rpcUrl: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    const transport = err instanceof ChainError && err.code === 'RPC_FAILED' && isUnreachable(err.cause)
    if (err instanceof TypeError || transport) {
      const cause = (err instanceof ChainError ? err.cause : err) as Error & { cause?: Error }
      throw new RequestCommandError('RPC_UNREACHABLE', `cannot reach the NEAR RPC at ${rpcUrl} (${cause?.cause?.message ?? cause?.message})`, { cause: err })
    }
    if (err instanceof ChainError && err.code === 'BAD_RESPONSE') throw new RequestCommandError('BAD_ESTIMATE', err.message, { cause: err })
    throw err
  }
}

function isUnreachable (err: unknown): boolean {
  const e = err as { name?: string, cause?: { code?: string } } | undefined
  return e instanceof TypeError || e?.name === 'FetchError' || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH/.test(String(e?.cause?.code ?? ''))
}

// ── what the user asked for ───────────────────────────────────────────────────────────────────────────

/** The source flag's short forms (protocol/source.ts parseSource), as a UsageError. Exported for tests. */
export function parseSource (text: string): CodeSource {
  const parsed = parseSourceText(text, '--source')
  if (!parsed.ok) throw new UsageError(parsed.error.message)
  return parsed.value
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
      max_memory_mb: optionalIntFlag(opts.maxMemoryMb, '--max-memory-mb') ?? LIMITS.defaultMemoryMb,
      max_execution_seconds: optionalIntFlag(opts.maxSeconds, '--max-seconds') ?? LIMITS.defaultExecutionSeconds
    }, 'resource limits')
    // max_instructions is capped at 5e11, so it is a safe JSON number (the contract reads numbers).
    args.resource_limits = { ...limits, max_instructions: Number(limits.max_instructions) }
  }
  if (opts.quorum != null && opts.replicas == null) throw new UsageError('--quorum needs --replicas')
  if (opts.replicas != null) {
    const replicas = intFlag(opts.replicas, '--replicas')
    const quorum = optionalIntFlag(opts.quorum, '--quorum') ?? Math.floor(replicas / 2) + 1
    const fields = opts.fields != null ? parseJsonFlag(opts.fields, '--fields') : undefined
    args.redundancy = check(redundancyCheck, { replicas, quorum, aggregation: opts.aggregation, fields }, 'redundancy')
  }
  if (opts.responseFormat != null) {
    if (!(RESPONSE_FORMATS as readonly string[]).includes(opts.responseFormat)) {
      throw new UsageError(`--response-format must be one of ${RESPONSE_FORMATS.join(', ')}`)
    }
    args.response_format = opts.responseFormat
  }
  return args
}

function parseJsonFlag (text: string, flag: string): unknown {
  try { return JSON.parse(text) } catch { throw new UsageError(`${flag} must be JSON`) }
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

// ── the answer ────────────────────────────────────────────────────────────────────────────────────────

function exitCodeOf (o: RequestOutcome): number {
  if (o.refused != null) return o.requestId == null ? EXIT.usage : EXIT.local
  return o.success ? EXIT.ok : o.timedOut ? EXIT.jobLocal : EXIT.guest
}

function describe (o: RequestOutcome): string {
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

function progress (line: string): void {
  process.stderr.write(`${line}\n`)
}
