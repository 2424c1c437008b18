/**
 * startLocalnet: the composition root of the local chain. Builds, in order, the chain, the HTTP server
 * (JSON-RPC + block feed), the block timer and the keys file; stop() tears them down in reverse.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { keyPairFromSeed, parseSecretKey, publicKeyToString, sha256 } from '../protocol/index.js'
import { type Chain, createChain, type KeyedAccount } from './chain/index.js'
import { startRpcServer } from './rpc/server.js'

export interface LocalnetOptions {
  /** HTTP port on 127.0.0.1; 0 picks a free one. Default 3030 */
  port?: number
  /** a block every this many ms; 0 = only on produceBlocks(n). Default 1000 */
  blockTimeMs?: number
  /** keep the chain (level) and the keys file here; a restart continues the chain. Default: memory + a temp dir */
  dataDir?: string
  /** prefunded user<K>.test.near accounts. Default 4 */
  accounts?: number
  /** blocks before an unresumed yield times out. Default 200; lower only in tests */
  yieldTimeoutBlocks?: number
  /** how long send_tx / tx wait for wait_until before TIMEOUT_ERROR. Default 20 s */
  txTimeoutMs?: number
  /** queries answer as of the block they name, for the last 16 blocks (CreateChainOptions.exactFinality). Default false */
  exactFinality?: boolean
  /**
   * Simulations only: a known per-chain secret, and the same random_seed in every block and receipt (sha256 of it), so the
   * contract's draws (assignments, request seeds) depend only on the request id and the worker pool and a run
   * can be reproduced. Anyone who knows it predicts the draws. Default: a random secret, seeds per block hash.
   */
  randomSecret?: string
}

export interface Localnet {
  readonly rpcUrl: string
  /** the same server: GET /v0/block/:height, /v0/last_block/final (neardata shape) */
  readonly feedUrl: string
  readonly networkId: string
  readonly root: KeyedAccount
  readonly accounts: KeyedAccount[]
  /** JSON: { network_id, rpc_url, feed_url, root, accounts }, keys as near-cli writes them */
  readonly keysFile: string
  readonly chain: Chain
  /** produces n blocks now (manual mode), or waits for the next n (timed mode) */
  produceBlocks (n?: number): Promise<void>
  height (): number
  stop (): Promise<void>
}

export const DEFAULT_PORT = 3030
export const DEFAULT_BLOCK_TIME_MS = 1000

export async function startLocalnet (opts: LocalnetOptions = {}): Promise<Localnet> {
  const blockTimeMs = opts.blockTimeMs ?? DEFAULT_BLOCK_TIME_MS
  if (!Number.isFinite(blockTimeMs) || blockTimeMs < 0) throw new RangeError(`blockTimeMs must be >= 0, got ${blockTimeMs}`)
  const { chain, root, accounts } = await createChain({
    dataDir: opts.dataDir,
    accounts: opts.accounts,
    yieldTimeoutBlocks: opts.yieldTimeoutBlocks,
    exactFinality: opts.exactFinality,
    ...(opts.randomSecret != null ? { randomSecret: opts.randomSecret } : {})
  })
  const cleanups: Array<() => Promise<void>> = [async () => await chain.close()]
  const stopAll = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  }
  try {
    const server = await startRpcServer({
      chain,
      port: opts.port ?? DEFAULT_PORT,
      nodePublicKey: publicKeyToString(keyPairFromSeed(sha256(`outlayer-localnet/node/${chain.chainId}`)).publicKey),
      txTimeoutMs: opts.txTimeoutMs
    })
    cleanups.push(async () => await server.close())

    const producer = new BlockProducer(chain, blockTimeMs)
    cleanups.push(async () => await producer.stop())

    const keysDir = opts.dataDir ?? await mkdtemp(join(tmpdir(), 'outlayer-localnet-'))
    if (opts.dataDir === undefined) cleanups.push(async () => await rm(keysDir, { recursive: true, force: true }))
    const keysFile = await writeKeysFile({ dir: keysDir, networkId: chain.networkId, rpcUrl: server.url, root, accounts })

    producer.start()
    return {
      rpcUrl: server.url,
      feedUrl: server.url,
      networkId: chain.networkId,
      root,
      accounts,
      keysFile,
      chain,
      produceBlocks: async (n = 1) => await producer.produce(n),
      height: () => chain.head().height,
      stop: stopAll
    }
  } catch (err) {
    await stopAll()
    throw err
  }
}

/**
 * Produces blocks one at a time: on a timer, or on request. Productions never overlap, so a manual
 * produceBlocks() in timed mode just waits for the timer's next blocks.
 */
class BlockProducer {
  private timer: NodeJS.Timeout | undefined
  private running = false
  private queue: Promise<void> = Promise.resolve()
  private readonly waiters = new Set<() => void>()

  constructor (private readonly chain: Chain, private readonly blockTimeMs: number) {}

  start (): void {
    if (this.blockTimeMs === 0 || this.running) return
    this.running = true
    this.schedule()
  }

  /** Blocks start every blockTimeMs (production time included), or right after a block that took longer. */
  private schedule (startedAt = performance.now()): void {
    if (!this.running) return
    const delay = Math.max(0, this.blockTimeMs - (performance.now() - startedAt))
    this.timer = setTimeout(() => {
      const start = performance.now()
      this.enqueue().catch(err => process.stderr.write(`localnet: block production failed: ${String(err)}\n`))
        .finally(() => this.schedule(start))
    }, delay)
  }

  private async enqueue (): Promise<void> {
    const next = this.queue.then(async () => { await this.chain.produceBlock() })
    this.queue = next.catch(() => {})
    await next
  }

  async produce (n: number): Promise<void> {
    if (this.running) return await this.waitBlocks(n)
    for (let i = 0; i < n; i++) await this.enqueue()
  }

  /** Resolves after n more timer blocks, or when the producer stops (so no caller hangs on a stopped chain). */
  private async waitBlocks (n: number): Promise<void> {
    const target = this.chain.head().height + n
    await new Promise<void>(resolve => {
      const done = (): void => { off(); this.waiters.delete(done); resolve() }
      const off = this.chain.onBlock(b => { if (b.height >= target) done() })
      this.waiters.add(done)
    })
  }

  async stop (): Promise<void> {
    this.running = false
    clearTimeout(this.timer)
    for (const done of [...this.waiters]) done()
    await this.queue
  }
}

interface KeysFileArgs { dir: string, networkId: string, rpcUrl: string, root: KeyedAccount, accounts: KeyedAccount[] }

/** One entry per account as near-cli's credential files hold it: { account_id, public_key, private_key }. */
function credential ({ accountId, secretKey }: KeyedAccount): Record<string, string> {
  return { account_id: accountId, public_key: publicKeyToString(parseSecretKey(secretKey).publicKey), private_key: secretKey }
}

async function writeKeysFile (args: KeysFileArgs): Promise<string> {
  await mkdir(args.dir, { recursive: true })
  const file = join(args.dir, 'localnet-keys.json')
  const body = {
    network_id: args.networkId,
    rpc_url: args.rpcUrl,
    feed_url: args.rpcUrl,
    root: credential(args.root),
    accounts: args.accounts.map(credential)
  }
  await writeFile(file, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 })
  return file
}
