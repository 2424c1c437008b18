/** Shared set-up for the RPC tests: a real localnet, near-api-js clients, raw JSON-RPC calls, schema checks. */
import { TxExecutionStatusSchema, VALIDATION_SCHEMA_MAP } from '@near-js/jsonrpc-types'
import { execFile } from 'node:child_process'
import { mkdir, readFile, rename, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Account, JsonRpcProvider, KeyPair, KeyPairSigner, type KeyPairString } from 'near-api-js'
import { sha256Hex } from '../../../protocol/index.js'
import { type Localnet, type LocalnetOptions, startLocalnet } from '../../index.js'

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(here, '..', '..', '..')

/** A localnet on a free port with fast blocks; callers stop it in `after`. */
export async function startTestNet (opts: LocalnetOptions = {}): Promise<Localnet> {
  return await startLocalnet({ port: 0, blockTimeMs: 50, accounts: 2, ...opts })
}

export interface TestNet { net: Localnet, root: Account, rpc: JsonRpcProvider }

/**
 * Starts a localnet before the suite's tests and stops it after them; the fields are filled in by `before`.
 * The first chain in a process loads binaryen (tens of seconds on a loaded 2-core box), hence the long hook
 * timeout; no test asserts a timing.
 */
export function useTestNet (opts: LocalnetOptions = {}): TestNet {
  const t = {} as TestNet
  before(async function () {
    this.timeout(180_000)
    t.net = await startTestNet(opts)
    t.root = account(t.net, t.net.root)
    t.rpc = provider(t.net)
  })
  after(async () => { await t.net?.stop() })
  return t
}

/** near-api-js's provider with few retries, so a broken server fails fast instead of backing off for minutes. */
export function provider (net: Localnet): JsonRpcProvider {
  return new JsonRpcProvider({ url: net.rpcUrl }, { retries: 2, wait: 100, backoff: 1.5 })
}

export function account (net: Localnet, key: { accountId: string, secretKey: string }): Account {
  return new Account(key.accountId, provider(net), KeyPairSigner.fromSecretKey(key.secretKey as KeyPairString))
}

let unique = 0
/** Creates `<prefix><n>.<parent>` with a fresh full-access key and `amount` yocto. */
export async function createSubAccount (parent: Account, net: Localnet, prefix: string, amount: bigint): Promise<{ account: Account, keyPair: KeyPair }> {
  const keyPair = KeyPair.fromRandom('ed25519')
  const accountId = `${prefix}${unique++}.${parent.accountId}`
  await parent.createAccount({ newAccountId: accountId, publicKey: keyPair.getPublicKey(), nearToTransfer: amount })
  return { account: account(net, { accountId, secretKey: keyPair.toString() }), keyPair }
}

export interface RawReply { status: number, body: Record<string, unknown> }

export async function rawRequest (url: string, body: string | Uint8Array): Promise<RawReply> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
  return { status: res.status, body: await res.json() as Record<string, unknown> }
}

/** One JSON-RPC call as any client would send it; the reply is checked against @near-js/jsonrpc-types. */
export async function rpc (net: Localnet, method: string, params: unknown): Promise<RawReply> {
  const reply = await rawRequest(net.rpcUrl, JSON.stringify({ jsonrpc: '2.0', id: 'dontcare', method, params }))
  assertSchema(method, reply.body)
  return reply
}

const toCamel = (key: string): string => key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())

/** The official schemas use camelCase keys (the TS client converts), so convert the wire JSON the same way. */
export function camelize (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelize)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [toCamel(k), camelize(v)]))
}

interface Schema { safeParse: (v: unknown) => { success: boolean, error?: { message: string } } }
type SchemaMap = Record<string, { responseSchema: () => Schema }>

const TX_METHODS = new Set(['send_tx', 'tx', 'EXPERIMENTAL_tx_status', 'broadcast_tx_commit'])

/**
 * nearcore's RpcTransactionResponse is `{ #[serde(flatten)] Option<outcome>, final_execution_status }`, so before
 * the tx has executed (wait_until NONE / INCLUDED / INCLUDED_FINAL) the result is `{ final_execution_status }`
 * alone. The generated schema requires the outcome; that case is checked field by field instead.
 */
function isStatusOnly (method: string, body: unknown): boolean {
  const result = (body as { result?: unknown }).result
  return TX_METHODS.has(method) && result !== null && typeof result === 'object' &&
    Object.keys(result).length === 1 && 'final_execution_status' in result
}

export function assertSchema (method: string, body: unknown): void {
  const entry = (VALIDATION_SCHEMA_MAP as unknown as SchemaMap)[method]
  if (entry === undefined) return
  const parsed = isStatusOnly(method, body)
    ? (TxExecutionStatusSchema as unknown as () => Schema)().safeParse((body as { result: { final_execution_status: unknown } }).result.final_execution_status)
    : entry.responseSchema().safeParse(camelize(body))
  if (!parsed.success) {
    throw new Error(`${method} response does not match @near-js/jsonrpc-types: ${parsed.error?.message ?? '?'}\n${JSON.stringify(body).slice(0, 2000)}`)
  }
}

const run = promisify(execFile)

/** Builds fixtures/<name>.ts with asc, MVP + sign-extension as nearcore admits (cached by source hash in the temp dir). */
export async function fixtureWasm (name: 'notes' | 'yielder'): Promise<Uint8Array> {
  const source = join(here, 'fixtures', `${name}.ts`)
  const dir = join(tmpdir(), 'outlayer-localnet-rpc-fixtures')
  const sources = await Promise.all([source, join(here, 'fixtures', 'host.ts')].map(async f => await readFile(f, 'utf8')))
  const out = join(dir, `${name}-${sha256Hex(sources.join('\0')).slice(0, 16)}.wasm`)
  if (!await stat(out).then(() => true, () => false)) {
    await mkdir(dir, { recursive: true })
    const tmp = `${out}.${process.pid}.tmp`
    await run(process.execPath, [join(repoRoot, 'node_modules/assemblyscript/bin/asc.js'), source, '-O3', '--runtime', 'stub',
      '--disable', 'bulk-memory,nontrapping-f2i,mutable-globals', '-o', tmp])
    await rename(tmp, out)
  }
  return new Uint8Array(await readFile(out))
}

export const notesWasm = async (): Promise<Uint8Array> => await fixtureWasm('notes')

export async function nearHelloWasm (): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(repoRoot, 'node_modules/near-hello/dist/main.wasm')))
}

/** Decodes the base64 SuccessValue of an outcome status as JSON. */
export function successJson (status: unknown): unknown {
  const value = (status as { SuccessValue?: string }).SuccessValue
  if (typeof value !== 'string') throw new Error(`expected a SuccessValue, got ${JSON.stringify(status)}`)
  return value === '' ? undefined : JSON.parse(Buffer.from(value, 'base64').toString('utf8'))
}
