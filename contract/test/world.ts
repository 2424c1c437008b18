/**
 * A real localnet with the outlayer contract deployed by scripts/deploy.ts (the contract account keeps no key), an
 * operator account (it may only pause), bonded workers whose ed25519 keys sign digest v2 inside the test
 * (protocol/attestation.ts), and helpers to request, commit, reveal and resolve. Every test file builds one in
 * `before`, checks the money invariant after each test and stops it in `after`.
 */
import assert from 'node:assert/strict'
import { Account, JsonRpcProvider, KeyPairSigner, actions, type KeyPairString } from 'near-api-js'
import { HostGuestPanicError } from 'near-api-js/rpc-errors'
import {
  EMPTY_TRANSCRIPT_HASH, attestationDigestV2, commitHash, commitSalt, keyPairFromSeed, publicKeyToString, sha256,
  signAttestationV2, toHex, type AttestationContext, type KeyPair as WorkerKey
} from '../../protocol/index.js'
import { startLocalnet, type Localnet } from '../../localnet/index.js'
import { deployOutlayer, type DeployConfig } from '../../scripts/deploy.js'

export const TGAS = 10n ** 12n
export const NEAR = 10n ** 24n
export const MAX_GAS = 300n * TGAS

export interface WorldOptions {
  yieldTimeoutBlocks?: number
  /** 0: blocks come from `w.blocks` (a pump every 20 ms that a test may pause to order transactions in one block) */
  blockTimeMs?: number
  /** prefunded accounts; the first `workers` of them register as workers */
  accounts?: number
  workers?: number
  config?: DeployConfig
  /** accept http://, file:// and private-address sources; default false, as on testnet and mainnet */
  allowLocalSources?: boolean
}

export interface Worker {
  account: Account
  id: string
  key: WorkerKey
}

/** A result as a worker attests it (digest v2 without the request context). */
export interface Attested {
  success: boolean
  output: Uint8Array
  error: string
  instructions: bigint
  /** hex32; default the pinned hash of WASM_SOURCE */
  codeHash?: string
  /** hex32; default sha256("") */
  transcriptHash?: string
}

export interface World {
  net: Localnet
  provider: JsonRpcProvider
  root: Account
  contractId: string
  /** the operator account (`operator_id`), which may pause; a prefunded account that is neither worker nor user */
  operator: Account
  workers: Worker[]
  /** prefunded accounts that are not workers */
  users: Account[]
  view: <T = unknown>(method: string, args?: Record<string, unknown>) => Promise<T>
  balance: (accountId: string) => Promise<bigint>
  /** with blockTimeMs 0: pause the pump, produce blocks by hand, resume it */
  blocks: { pause: () => void, resume: () => void }
  stop: () => Promise<void>
}

function blockPump (net: Localnet, manual: boolean): { pause: () => void, resume: () => void, stop: () => void } {
  let timer: NodeJS.Timeout | undefined
  const resume = (): void => {
    if (!manual || timer != null) return
    timer = setInterval(() => { net.produceBlocks(1).catch(() => {}) }, 20)
  }
  const pause = (): void => { clearInterval(timer); timer = undefined }
  resume()
  return { pause, resume, stop: pause }
}

function account (net: Localnet, provider: JsonRpcProvider, accountId: string, secretKey: string): Account {
  return new Account(accountId, provider, KeyPairSigner.fromSecretKey(secretKey as KeyPairString))
}

export function workerKey (n: number): WorkerKey {
  return keyPairFromSeed(sha256(`contract-test/worker/${n}`))
}

export function publicKeyOf (key: WorkerKey): string {
  return publicKeyToString(key.publicKey)
}

export async function startWorld (opts: WorldOptions = {}): Promise<World> {
  const workerCount = opts.workers ?? 4
  const userCount = Math.max(opts.accounts ?? 0, workerCount + 3)
  const net = await startLocalnet({
    port: 0,
    blockTimeMs: opts.blockTimeMs ?? 20,
    // the last account is the operator
    accounts: userCount + 1,
    yieldTimeoutBlocks: opts.yieldTimeoutBlocks
  })
  const pump = blockPump(net, opts.blockTimeMs === 0)
  try {
    const provider = new JsonRpcProvider({ url: net.rpcUrl }, { retries: 2, wait: 100, backoff: 1.5 })
    const operatorKeys = net.accounts[userCount]!
    const { contractId } = await deployOutlayer({
      rpcUrl: net.rpcUrl,
      networkId: net.networkId,
      masterAccountId: net.root.accountId,
      masterSecretKey: net.root.secretKey,
      operatorId: operatorKeys.accountId,
      allowLocalSources: opts.allowLocalSources ?? false,
      config: { min_bond: NEAR.toString(), network_id: NETWORK_ID, commit_window_blocks: COMMIT_WINDOW, ...opts.config },
      initialBalance: 50n * NEAR
    })
    const all = net.accounts.slice(0, userCount).map(a => account(net, provider, a.accountId, a.secretKey))
    const workers = all.slice(0, workerCount).map((a, i) => ({ account: a, id: a.accountId, key: workerKey(i) }))
    const world: World = {
      net,
      provider,
      root: account(net, provider, net.root.accountId, net.root.secretKey),
      contractId,
      operator: account(net, provider, operatorKeys.accountId, operatorKeys.secretKey),
      workers,
      users: all.slice(workerCount),
      view: async <T>(method: string, args: Record<string, unknown> = {}) => await provider.callFunction({ contractId, method, args }) as T,
      balance: async (accountId: string) => BigInt((await provider.viewAccount({ accountId })).amount),
      blocks: { pause: pump.pause, resume: pump.resume },
      stop: async () => { pump.stop(); await net.stop() }
    }
    await Promise.all(workers.map(async w => await call(world, w.account, 'register_worker', { public_key: publicKeyToString(w.key.publicKey) }, NEAR)))
    return world
  } catch (err) {
    pump.stop()
    await net.stop()
    throw err
  }
}

export interface CallResult {
  value: unknown
  logs: string[]
  /** the whole transaction's gas */
  gasBurnt: bigint
  /** each receipt's executor and gas, in execution order */
  receipts: Array<{ executor: string, gas: bigint }>
  /** what the signer paid for gas, the whole transaction */
  tokensBurnt: bigint
}

export async function call (w: World, from: Account, method: string, args: Record<string, unknown>, deposit = 0n, gas = MAX_GAS): Promise<CallResult> {
  const outcome = await from.callFunctionRaw({ contractId: w.contractId, methodName: method, args, deposit, gas, waitUntil: 'FINAL' })
  return decodeOutcome(outcome)
}

export function decodeOutcome (outcome: unknown): CallResult {
  const o = outcome as { status: { SuccessValue?: string, Failure?: unknown }, transaction_outcome: { outcome: { gas_burnt: number, tokens_burnt: string } }, receipts_outcome: Array<{ outcome: { logs: string[], gas_burnt: number, tokens_burnt: string, executor_id: string } }> }
  if (o.status.SuccessValue === undefined) throw new Error(`transaction failed: ${JSON.stringify(o.status.Failure)}`)
  const raw = Buffer.from(o.status.SuccessValue, 'base64').toString()
  const gasBurnt = o.receipts_outcome.reduce((n, r) => n + BigInt(r.outcome.gas_burnt), BigInt(o.transaction_outcome.outcome.gas_burnt))
  return {
    value: raw === '' ? undefined : JSON.parse(raw),
    logs: o.receipts_outcome.flatMap(r => r.outcome.logs),
    gasBurnt,
    receipts: o.receipts_outcome.map(r => ({ executor: r.outcome.executor_id, gas: BigInt(r.outcome.gas_burnt) })),
    tokensBurnt: o.receipts_outcome.reduce((n, r) => n + BigInt(r.outcome.tokens_burnt), BigInt(o.transaction_outcome.outcome.tokens_burnt))
  }
}

/** The `data` of every NEP-297 `near-outlayer` event called `name` in the logs. */
export function events (logs: string[], name: string): Array<Record<string, unknown>> {
  return logs.filter(l => l.startsWith('EVENT_JSON:'))
    .map(l => JSON.parse(l.slice('EVENT_JSON:'.length)) as { standard: string, event: string, data: Array<Record<string, unknown>> })
    .filter(e => e.standard === 'near-outlayer' && e.event === name)
    .flatMap(e => e.data)
}

/** Expects a contract panic whose message contains `text`. */
export async function refused (promise: Promise<unknown>, text: string): Promise<void> {
  try {
    await promise
  } catch (err) {
    const message = err instanceof HostGuestPanicError ? err.panicMessage : (err as Error).message
    if (!String(message).includes(text)) throw new Error(`expected a panic with "${text}", got: ${String(message)}`, { cause: err })
    return
  }
  throw new Error(`expected a panic with "${text}", but the call succeeded`)
}

/** Writes a markdown gas table (the README's tables come from these) to stderr. */
export function printGasTable (rows: Array<[string, bigint]>, column = 'case'): void {
  process.stderr.write(`\n| method | ${column} | Tgas |\n| --- | --- | --- |\n`)
  for (const [what, gas] of rows) {
    const [method, ...rest] = what.split(': ')
    process.stderr.write(`| \`${method}\` | ${rest.join(': ')} | ${(Number(gas) / Number(TGAS)).toFixed(2)} |\n`)
  }
}

export interface Attempt { panic: string, gas: bigint, burnt: bigint }

/** Sends one call without throwing: its panic message ('' on success), the gas and tokens the whole tx burnt. */
export async function attempt (w: World, from: Account, method: string, args: Record<string, unknown> | Uint8Array, deposit = 0n): Promise<Attempt> {
  const o = await from.signAndSendTransaction({
    receiverId: w.contractId, actions: [actions.functionCall(method, args, MAX_GAS, deposit)], waitUntil: 'FINAL', throwOnFailure: false
  }) as unknown as { status: { Failure?: unknown }, transaction_outcome: { outcome: { gas_burnt: number, tokens_burnt: string } }, receipts_outcome: Array<{ outcome: { gas_burnt: number, tokens_burnt: string } }> }
  const all = [o.transaction_outcome, ...o.receipts_outcome]
  return {
    panic: o.status.Failure === undefined ? '' : JSON.stringify(o.status.Failure),
    gas: all.reduce((n, r) => n + BigInt(r.outcome.gas_burnt), 0n),
    burnt: all.reduce((n, r) => n + BigInt(r.outcome.tokens_burnt), 0n)
  }
}

/** The call is refused with `text`; its signer lost exactly the gas, the contract's balance and stats did not move. */
export async function refusedNoLoss (w: World, from: Account, method: string, args: Record<string, unknown> | Uint8Array, text: string, deposit = 0n): Promise<Attempt> {
  const [signerBefore, contractBefore, statsBefore] = await Promise.all([w.balance(from.accountId), w.balance(w.contractId), w.view('get_stats')])
  const a = await attempt(w, from, method, args, deposit)
  assert.ok(a.panic.includes(text), `expected a panic with "${text}", got: ${a.panic === '' ? 'success' : a.panic}`)
  assert.equal(await w.balance(from.accountId), signerBefore - a.burnt, 'the signer paid its gas and nothing else')
  assert.equal(await w.balance(w.contractId), contractBefore, 'the contract balance did not move')
  assert.deepEqual(await w.view('get_stats'), statsBefore)
  return a
}

export interface PendingRequest {
  requestId: number
  /** the request transaction; settles when the callback has run */
  done: Promise<CallResult>
}

/** Sends request_execution and returns as soon as the request is on chain (the yield keeps the tx open). */
export async function request (w: World, from: Account, args: Record<string, unknown>, deposit: bigint): Promise<PendingRequest> {
  return await requestVia(w, async () => await call(w, from, 'request_execution', args, deposit))
}

/** Runs `send` (a transaction that leads to one request_execution) and returns once that request is on chain. */
export async function requestVia (w: World, send: () => Promise<CallResult>): Promise<PendingRequest> {
  const before = (await w.view<{ requests: number }>('get_stats')).requests
  const requestId = before + 1
  const done = send()
  done.catch(() => {})
  for (;;) {
    const settled = await Promise.race([done.then(() => 'settled', () => 'settled'), sleep(50).then(() => 'waiting')])
    if (await w.view('get_request', { request_id: requestId }) != null) return { requestId, done }
    if (settled === 'settled') {
      await done // rethrows the refusal
      throw new Error('request_execution finished but no request was stored')
    }
  }
}

export interface AssignmentView {
  request_id: number
  assigned: string[]
  backups: string[]
  commit_deadline: number
  close_at: number
  reveal_by: number
  commits: Array<{ worker_id: string, slot: number, commit: string, block: number, revealed: boolean }>
  phase: 'committing' | 'revealing'
}

export async function assignment (w: World, requestId: number): Promise<AssignmentView> {
  return await w.view<AssignmentView>('get_assignment', { request_id: requestId })
}

export function workerById (w: World, id: string): Worker {
  const found = w.workers.find(x => x.id === id)
  if (found == null) throw new Error(`${id} is not one of this world's workers`)
  return found
}

/** The assigned primaries and backups as this world's workers. */
export async function assignedWorkers (w: World, requestId: number): Promise<{ primaries: Worker[], backups: Worker[], others: Worker[] }> {
  const a = await assignment(w, requestId)
  return {
    primaries: a.assigned.map(id => workerById(w, id)),
    backups: a.backups.map(id => workerById(w, id)),
    others: w.workers.filter(x => !a.assigned.includes(x.id) && !a.backups.includes(x.id))
  }
}

/** The digest context of an open request, read from get_request (what the event carries). */
export async function contextOf (w: World, requestId: number, workerId: string): Promise<AttestationContext> {
  const r = await w.view<{ data_id: string, input_hash: string, seed: string, network_id: string }>('get_request', { request_id: requestId })
  return { networkId: r.network_id, contractId: w.contractId, requestId: BigInt(requestId), dataId: r.data_id, inputHash: r.input_hash, seed: r.seed, workerId }
}

function full (r: Attested): Required<Attested> {
  return { codeHash: WASM_HASH, transcriptHash: EMPTY_TRANSCRIPT_HASH, ...r }
}

export interface Sealed {
  worker: Worker
  result: Attested
  digest: Uint8Array
  salt: Uint8Array
  commit: string
  signature: Uint8Array
}

/** What a worker computes for its result: digest v2, salt, commit and signature. */
export async function seal (w: World, worker: Worker, requestId: number, result: Attested, context: Partial<AttestationContext> = {}): Promise<Sealed> {
  const a = { ...(await contextOf(w, requestId, worker.id)), ...context, ...full(result) }
  const digest = attestationDigestV2(a)
  const salt = commitSalt(worker.key.secretKey, requestId)
  return { worker, result, digest, salt, commit: toHex(commitHash(digest, salt)), signature: signAttestationV2(a, worker.key.secretKey) }
}

export async function commit (w: World, worker: Worker, requestId: number, result: Attested, context: Partial<AttestationContext> = {}): Promise<Sealed> {
  const s = await seal(w, worker, requestId, result, context)
  await call(w, worker.account, 'commit_result', { request_id: requestId, commit: s.commit })
  return s
}

/** A reveal for resolve_execution; `withResponse` adds the worker's own response (when it differs from the main one). */
export function reveal (s: Sealed, withResponse = false): Record<string, unknown> {
  const out: Record<string, unknown> = { worker_id: s.worker.id, salt: toHex(s.salt), signature: Buffer.from(s.signature).toString('base64') }
  if (withResponse) out.response = responseOf(s.result)
  return out
}

/** The attested fields as resolve_execution's `response`; `byHash` names a stored output instead of inlining it. */
export function responseOf (r: Attested, byHash = false): Record<string, unknown> {
  const f = full(r)
  const out: Record<string, unknown> = {
    code_hash: f.codeHash,
    success: f.success,
    error: f.error,
    resources_used: { instructions: f.instructions.toString() },
    transcript_hash: f.transcriptHash
  }
  if (byHash) out.output_hash = toHex(sha256(f.output))
  else out.output = Buffer.from(f.output).toString('base64')
  return out
}

/** reveal_result for `s` (the on-chain fallback of a gossip reveal), sent by `by` (default the worker itself). */
export async function revealOnChain (w: World, requestId: number, s: Sealed, by: Account = s.worker.account): Promise<CallResult> {
  return await call(w, by, 'reveal_result', { request_id: requestId, ...reveal(s), response: responseOf(s.result, true) })
}

export async function resolve (w: World, by: Account, requestId: number, response: Record<string, unknown>, reveals: unknown[], deposit = 0n): Promise<CallResult> {
  return await call(w, by, 'resolve_execution', { request_id: requestId, response, reveals }, deposit)
}

/** Waits until the commit phase of the request is closed (all R committed, or past close_at). */
export async function untilRevealing (w: World, requestId: number): Promise<void> {
  const a = await assignment(w, requestId)
  if (a.phase === 'revealing') return
  await untilHeight(w, a.close_at + 1)
}

/**
 * The honest path: the first `n` primaries commit `result` (default all R), the phase closes, `resolver`
 * (default the last user) resolves with their reveals; returns the callback's outcome.
 */
export async function quorumResolve (w: World, req: PendingRequest, result: Attested, opts: { n?: number, resolver?: Account } = {}): Promise<{ done: CallResult, sealed: Sealed[] }> {
  const { primaries } = await assignedWorkers(w, req.requestId)
  const chosen = primaries.slice(0, opts.n ?? primaries.length)
  const sealed: Sealed[] = []
  for (const p of chosen) sealed.push(await commit(w, p, req.requestId, result))
  await untilRevealing(w, req.requestId)
  await resolve(w, opts.resolver ?? w.users[w.users.length - 1]!, req.requestId, responseOf(result), sealed.map(s => reveal(s)))
  return { done: await req.done, sealed }
}

/**
 * The money invariant, checked after every test: contract balance ≥ bonds + pending deposits + blob deposits +
 * storage staked, and the pending deposits summed from the views equal the contract's own count.
 */
export async function checkInvariant (w: World): Promise<void> {
  const pages = async <T>(method: string): Promise<T[]> => {
    const all: T[] = []
    // 50: get_pending_requests' page cap (contract/src/limits.ts)
    for (let from = 0; ; from += 50) {
      const page = await w.view<T[]>(method, { from_index: from, limit: 50 })
      all.push(...page)
      if (page.length < 50) return all
    }
  }
  const bonds = (await pages<{ bond: string }>('list_workers')).reduce((n, x) => n + BigInt(x.bond), 0n)
  const deposits = (await pages<{ attached_deposit: string }>('get_pending_requests')).reduce((n, x) => n + BigInt(x.attached_deposit), 0n)
  const stats = await w.view<{ deposits_held: string, blob_deposits: string }>('get_stats')
  assert.equal(BigInt(stats.deposits_held), deposits, 'deposits held = the deposits of the pending requests')
  const account = await w.provider.viewAccount({ accountId: w.contractId })
  const staked = BigInt(account.storage_usage) * STORAGE_PRICE
  const owed = bonds + deposits + BigInt(stats.blob_deposits) + staked
  assert.ok(BigInt(account.amount) >= owed, `contract balance ${account.amount} < bonds ${bonds} + deposits ${deposits} + blobs ${stats.blob_deposits} + storage ${staked}`)
}

export function ok (output: string, instructions = 1_000_000n): Attested {
  return { success: true, output: new TextEncoder().encode(output), error: '', instructions }
}

export function sleep (ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/** Waits until `height` has been produced. */
export async function untilHeight (w: World, height: number): Promise<void> {
  while (w.net.height() < height) await sleep(20)
}

export const WASM_HASH = 'ab'.repeat(32)
export const WASM_SOURCE = { WasmUrl: { url: 'https://example.com/random.wasm', hash: WASM_HASH, build_target: 'wasm32-wasip1' } }
export const NETWORK_ID = 'localnet'
/** blocks a primary owns its slot in these tests (50 ms blocks: 3 s, enough for a few final transactions) */
export const COMMIT_WINDOW = 60
export const STORAGE_PRICE = 10n ** 19n
/** RECEIPT_BYTES × storage price: what a finished request keeps paying for */
export const RECEIPT_FEE = 300n * STORAGE_PRICE

/** A worker's bond as get_worker reports it. */
export async function bondOf (w: World, x: Worker): Promise<bigint> {
  return BigInt((await w.view<{ bond: string }>('get_worker', { account_id: x.id })).bond)
}

/** A slashed worker tops its bond up to 1 NEAR again, so that the next test finds it eligible. */
export async function topUpBond (w: World, x: Worker): Promise<void> {
  await call(w, x.account, 'register_worker', { public_key: publicKeyOf(x.key) }, NEAR - await bondOf(w, x))
}
