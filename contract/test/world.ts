/**
 * A real localnet with the outlayer contract deployed by scripts/deploy.ts (the contract account keeps no key), an operator account,
 * bonded workers whose ed25519 keys sign attestations inside the test (protocol/attestation.ts), and helpers
 * to request, claim, attest and resolve. Every test file builds one in `before` and stops it in `after`.
 */
import { Account, JsonRpcProvider, KeyPairSigner, type KeyPairString } from 'near-api-js'
import { HostGuestPanicError } from 'near-api-js/rpc-errors'
import {
  keyPairFromSeed, publicKeyToString, sha256, signAttestation, type KeyPair as WorkerKey
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

export interface Attested {
  success: boolean
  output: Uint8Array
  error: string
  instructions: bigint
}

export interface World {
  net: Localnet
  provider: JsonRpcProvider
  root: Account
  contractId: string
  /** the operator account (`operator_id`), which resolves; a prefunded account that is neither worker nor user */
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
    blockTimeMs: opts.blockTimeMs ?? 50,
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
      config: { min_bond: NEAR.toString(), ...opts.config },
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
}

export async function call (w: World, from: Account, method: string, args: Record<string, unknown>, deposit = 0n, gas = MAX_GAS): Promise<CallResult> {
  const outcome = await from.callFunctionRaw({ contractId: w.contractId, methodName: method, args, deposit, gas, waitUntil: 'FINAL' })
  return decodeOutcome(outcome)
}

export function decodeOutcome (outcome: unknown): CallResult {
  const o = outcome as { status: { SuccessValue?: string, Failure?: unknown }, transaction_outcome: { outcome: { gas_burnt: number } }, receipts_outcome: Array<{ outcome: { logs: string[], gas_burnt: number, executor_id: string } }> }
  if (o.status.SuccessValue === undefined) throw new Error(`transaction failed: ${JSON.stringify(o.status.Failure)}`)
  const raw = Buffer.from(o.status.SuccessValue, 'base64').toString()
  const gasBurnt = o.receipts_outcome.reduce((n, r) => n + BigInt(r.outcome.gas_burnt), BigInt(o.transaction_outcome.outcome.gas_burnt))
  return {
    value: raw === '' ? undefined : JSON.parse(raw),
    logs: o.receipts_outcome.flatMap(r => r.outcome.logs),
    gasBurnt,
    receipts: o.receipts_outcome.map(r => ({ executor: r.outcome.executor_id, gas: BigInt(r.outcome.gas_burnt) }))
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

export async function claim (w: World, worker: Worker, requestId: number): Promise<void> {
  await call(w, worker.account, 'claim_lease', { request_id: requestId })
}

export function attest (w: World, worker: Worker, requestId: number, r: Attested): { worker_id: string, signature: string } {
  const signature = signAttestation({ contractId: w.contractId, requestId: BigInt(requestId), ...r }, worker.key.secretKey)
  return { worker_id: worker.id, signature: Buffer.from(signature).toString('base64') }
}

/** The attested fields as resolve_execution's `response` (or an attestation's own `response`). */
export function responseOf (r: Attested, timeMs = 0, compileMs = 0): Record<string, unknown> {
  return {
    success: r.success,
    output: Buffer.from(r.output).toString('base64'),
    error: r.error,
    resources_used: { instructions: r.instructions.toString(), time_ms: timeMs, compile_time_ms: compileMs }
  }
}

export async function resolve (w: World, requestId: number, response: Record<string, unknown>, attestations: unknown[]): Promise<CallResult> {
  return await call(w, w.operator, 'resolve_execution', { request_id: requestId, response, attestations })
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

export const WASM_SOURCE = { WasmUrl: { url: 'https://example.com/random.wasm', hash: 'ab'.repeat(32), build_target: 'wasm32-wasip1' } }
