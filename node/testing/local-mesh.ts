/**
 * startLocalMesh: a whole outlayer-mesh in one process — localnet, the deployed contract, N registered workers
 * and their nodes over TCP on 127.0.0.1 (node 0 also the resolver), the examples served over HTTP, and a user
 * account that sends requests. `npm start` (scripts/start.ts), `npm run bench:mesh` and the mesh tests build on
 * it; it is the seed of the simulator.
 *
 *   const mesh = await startLocalMesh({ nodes: 3 })
 *   const { requestId, txHash } = await mesh.request({ source: { WasmUrl: await mesh.example('random') } })
 *   await mesh.waitClosed(requestId); console.log(await mesh.result(txHash))
 *   await mesh.stop()
 */
import { createServer, type Server } from 'node:http'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { startLocalnet, type Localnet } from '../../localnet/index.js'
import { parseSecretKey, publicKeyToString, sha256Hex, type FieldRule } from '../../protocol/index.js'
import { ensureBuilderImage } from '../../sandbox/builder/index.js'
import { checkCacheDir, createExecutor, defaultCacheDir } from '../../sandbox/exec/index.js'
import { ChainError, createBlockFeed, createOutlayerClient, findRequestIds, type OutlayerClient, type RequestView } from '../chain/index.js'
import { defaultConfig, type NodeConfig, type Role } from '../config.js'
import { generateNearKey, generateP2pKey } from '../keys.js'
import { createLogger } from '../log.js'
import { createNode, type NodeOverrides, type OutlayerNode } from '../node.js'
import { deployOutlayer, type DeployConfig } from '../../scripts/deploy.js'
import { ensureContracts } from '../../scripts/build-contract.js'
import { ensureExamples } from '../../scripts/build-examples.js'

const YOCTO_PER_NEAR = 10n ** 24n
const BOND = YOCTO_PER_NEAR

export interface LocalMeshOptions {
  /** nodes (= registered workers) @default 3 */
  nodes?: number
  /** roles of node i @default worker everywhere, plus resolver on node 0 */
  roles?: (i: number) => Role[]
  /** nodes that get a config but are not started here (e.g. started as a child process by a test) */
  external?: number[]
  /** nodes that start with no bootstrap peers and nobody dials: they see the chain only */
  partitioned?: number[]
  blockTimeMs?: number
  /** primaries' commit window (get_config commit_window_blocks); the phase closes at twice it, so it must cover a build or a slow machine @default 30 */
  commitWindowBlocks?: number
  yieldTimeoutBlocks?: number
  /** reconcile every N blocks @default 10 */
  reconcileEveryBlocks?: number
  /** each node's signing keys (config chain.accessKeys): above 1, function-call keys added on start @default 1 */
  accessKeys?: number
  /** each node's batched sends in flight (config chain.batchInFlight): 0 sends each commit and resolve alone @default 0 */
  batchInFlight?: number
  overrides?: (i: number) => NodeOverrides
  /** progress lines @default stderr */
  progress?: (line: string) => void
  /**
   * the prepared-module cache every node shares (config worker.execCacheDir), so N nodes instrument a module once
   * @default sandbox/exec's defaultCacheDir() ($OUTLAYER_CACHE_DIR or <repo>/.cache/instrumented, as the sandbox tests)
   */
  execCacheDir?: string
  /** pino level for the nodes @default warn (OUTLAYER_LOG_LEVEL wins) */
  logLevel?: 'silent' | 'error' | 'warn' | 'info' | 'debug'
  /** worker i's bond in yocto (min_bond is 1 NEAR: a bond above it survives a slash) @default 1 NEAR */
  bond?: (i: number) => bigint
  /** requester accounts; requestMany sends request k from requester k mod this, so sends do not queue on one nonce @default 1 */
  requesters?: number
  /**
   * localnet's randomSecret (the same random_seed in every block): with it the workers also register one after
   * another in node order, so the contract's pool, and with it every assignment, is the same in every run
   */
  randomSecret?: string
}

export interface LocalMesh {
  net: Localnet
  contractId: string
  /** node configs, by index; external nodes too */
  configs: NodeConfig[]
  /** started nodes by index (undefined for external ones) */
  nodes: Array<OutlayerNode | undefined>
  /** the requester's account (requesters[0]) */
  user: Requester
  /** every requester account (LocalMeshOptions.requesters) */
  requesters: Requester[]
  /** http URL and sha256 of an example wasm served to the workers */
  example: (name: string) => Promise<{ url: string, hash: string }>
  /** starts node i from its config (again, e.g. after a crash) */
  startNode: (i: number) => Promise<OutlayerNode>
  /** sends request_execution as the user; resolves with the request id once the contract has emitted it */
  request: (args: RequestArgs) => Promise<{ requestId: string, txHash: string }>
  /** sends them all at once (request k from requester k mod requesters), then finds their ids in one pass over the feed (for load) */
  requestMany: (args: RequestArgs[]) => Promise<Array<{ requestId: string, txHash: string }>>
  /** waits until get_request says the request is no longer pending; returns that view */
  waitClosed: (requestId: string, timeoutMs?: number) => Promise<RequestView>
  /** the callback's return value (the output per response_format), from the request transaction */
  result: (txHash: string) => Promise<unknown>
  stop: () => Promise<void>
}

export interface Requester { accountId: string, secretKey: string, client: OutlayerClient }

export interface RequestArgs {
  source: Record<string, unknown>
  input_data?: string
  replicas?: number
  quorum?: number
  aggregation?: 'identical' | 'median' | 'per_field'
  /** per_field: field name → median | identical | mode */
  fields?: Record<string, FieldRule>
  response_format?: 'Bytes' | 'Text' | 'Json'
  resource_limits?: { max_instructions: string | number, max_memory_mb: number, max_execution_seconds: number }
  /** a keystore profile of the owner's secrets, given to the run as env vars (issue 12) */
  secrets_ref?: { profile: string, account_id: string }
  /** the request's params (e.g. `{ response_consensus: 'identical' }`) */
  params?: Record<string, unknown>
}

async function serveDir (files: Record<string, string>): Promise<{ server: Server, base: string }> {
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1)
    const path = files[name]
    if (path == null) { res.writeHead(404).end(); return }
    readFile(path).then(body => res.writeHead(200, { 'content-type': 'application/wasm' }).end(body), () => res.writeHead(500).end())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

export async function startLocalMesh (opts: LocalMeshOptions = {}): Promise<LocalMesh> {
  const say = opts.progress ?? ((line: string) => process.stderr.write(`start: ${line}\n`))
  const n = opts.nodes ?? 3
  const cleanups: Array<() => Promise<void>> = []
  const stop = async (): Promise<void> => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {})
  }
  try {
    const dir = await mkdtemp(join(tmpdir(), 'outlayer-mesh-'))
    cleanups.push(async () => await rm(dir, { recursive: true, force: true }))
    // compile-if-stale the contracts and examples while the chain starts
    const examplesReady = ensureExamples()
    const contractsReady = ensureContracts()
    examplesReady.catch(() => {})
    contractsReady.catch(() => {})
    const net = await startLocalnet({ port: 0, blockTimeMs: opts.blockTimeMs ?? 500, accounts: n + (opts.requesters ?? 1), ...(opts.yieldTimeoutBlocks != null ? { yieldTimeoutBlocks: opts.yieldTimeoutBlocks } : {}), ...(opts.randomSecret != null ? { randomSecret: opts.randomSecret } : {}) })
    cleanups.push(async () => await net.stop())
    say(`localnet up at ${net.rpcUrl} (block every ${opts.blockTimeMs ?? 500} ms)`)

    await contractsReady
    const { contractId } = await deployOutlayer({
      rpcUrl: net.rpcUrl, networkId: net.networkId, masterAccountId: net.root.accountId, masterSecretKey: net.root.secretKey,
      config: { commit_window_blocks: opts.commitWindowBlocks ?? 30, min_bond: BOND.toString() } as DeployConfig
    })
    say(`contract deployed at ${contractId}`)

    const configs: NodeConfig[] = []
    const registrations: Array<() => Promise<unknown>> = []
    const bondOf = opts.bond ?? (() => BOND)
    for (let i = 0; i < n; i++) {
      const account = net.accounts[i]!
      const signing = generateNearKey()
      const roles = opts.roles?.(i) ?? (i === 0 ? ['worker', 'resolver'] : ['worker'])
      configs.push(defaultConfig({
        network: 'localnet',
        dataDir: join(dir, `node${i}`),
        near: {
          rpcUrl: net.rpcUrl, feedUrl: net.feedUrl, networkId: net.networkId, contractId,
          accountId: account.accountId, secretKey: account.secretKey
        },
        p2p: { privateKey: await generateP2pKey(), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [] },
        signingKey: signing.secretKey,
        roles,
        http: { host: '127.0.0.1', port: 0 },
        worker: { capacity: 4, allowedSources: ['GitHub', 'WasmUrl', 'Project'], trustBuilders: 1, execCacheDir: opts.execCacheDir ?? defaultCacheDir() },
        chain: { reconcileEveryBlocks: opts.reconcileEveryBlocks ?? 10, pollMs: Math.max(50, Math.min(250, opts.blockTimeMs ?? 500)), accessKeys: opts.accessKeys ?? 1, batchInFlight: opts.batchInFlight ?? 0 }
      }))
      if (!roles.includes('worker')) continue
      // one account each, so the registrations go out together
      const client = createOutlayerClient({ rpcUrl: net.rpcUrl, contractId, accountId: account.accountId, secretKey: account.secretKey })
      const bond = bondOf(i)
      registrations.push(async () => await client.registerWorker(publicKeyToString(parseSecretKey(signing.secretKey).publicKey), bond))
    }
    if (opts.randomSecret != null) for (const register of registrations) await register()
    else await Promise.all(registrations.map(async register => await register()))
    say(`${registrations.length} workers registered`)

    const requesters: Requester[] = net.accounts.slice(n).map(keys => ({
      ...keys, client: createOutlayerClient({ rpcUrl: net.rpcUrl, contractId, accountId: keys.accountId, secretKey: keys.secretKey })
    }))
    const user = requesters[0]!
    const senderOf = new Map<string, Requester>()
    const examples = await examplesReady
    const served = await serveDir(Object.fromEntries(Object.entries(examples).map(([name, path]) => [`${name}.wasm`, path])))
    cleanups.push(async () => await new Promise<void>(resolve => served.server.close(() => resolve())))

    const nodes: Array<OutlayerNode | undefined> = new Array(n).fill(undefined)
    const partitioned = new Set(opts.partitioned ?? [])
    // a tree, not a star: libp2p refuses more than a few inbound connections per second from one host
    // (connectionManager.inboundConnectionThreshold), and here every node is on 127.0.0.1
    const bootstrapOf = (i: number): string[] => {
      if (partitioned.has(i)) return []
      const running = nodes.map((node, j) => node != null && j !== i && !partitioned.has(j) ? node : undefined)
      const before = running.slice(0, i).filter(n => n != null)
      const picks = before.length > 0
        ? [before[before.length - 1], before[Math.floor((before.length - 1) / 2)]]
        : [running.find(n => n != null)]
      return [...new Set(picks.filter(n => n != null))].flatMap(n => n.mesh.multiaddrs())
    }
    // one machine, one Docker: every node, builder or not, names builds by this machine's builder image (only
    // asked when a git source is run, so meshes without git sources need no image)
    let image: Promise<string> | undefined
    const builderImage = async (): Promise<string> => await (image ??= ensureBuilderImage().then(i => i.contentId))
    // one executor for every node in this process, one thread per core: a pool per node (its run threads and its
    // preparation thread, each booting tsx and compiling the sources again) ran ~90 threads on 2 cores for 10 nodes
    // and starved the chain; the nodes share the prepared-module cache already. Its threads start on first use.
    const execCacheDir = opts.execCacheDir ?? defaultCacheDir()
    await checkCacheDir(execCacheDir)
    const executor = createExecutor({ workers: availableParallelism(), cacheDir: execCacheDir })
    cleanups.push(async () => await executor.close())
    const startNode = async (i: number): Promise<OutlayerNode> => {
      const config = { ...configs[i]!, p2p: { ...configs[i]!.p2p, bootstrap: bootstrapOf(i) } }
      const logger = createLogger(`node${i}`, { level: opts.logLevel ?? (process.env.OUTLAYER_LOG_LEVEL as 'warn' | undefined) ?? 'warn', base: { node: `n${i}` } })
      const node = await createNode(config, { logger, http: false, gossip: { heartbeatMs: 100 }, builderImage, executor, ...opts.overrides?.(i) })
      await node.start()
      nodes[i] = node
      return node
    }
    cleanups.push(async () => { for (const node of nodes) await node?.stop() })
    const external = new Set(opts.external ?? [])
    for (let i = 0; i < n; i++) if (!external.has(i)) await startNode(i)
    say(`${n - external.size} nodes started in-process (resolver: ${configs.map((c, i) => c.roles.includes('resolver') ? `node${i}` : '').filter(Boolean).join(', ') || 'none'})`)

    const provider = user.client.provider
    const pollMs = Math.max(100, Math.min(500, (opts.blockTimeMs ?? 500) / 2))
    const feed = createBlockFeed(net.feedUrl)

    const send = async (all: RequestArgs[]): Promise<Array<{ requestId: string, txHash: string }>> => {
      const fromHeight = await feed.finalHeight()
      const sent = await Promise.all(all.map(async (args, k) => {
        const from = requesters[k % requesters.length]!
        const limits = args.resource_limits ?? { max_instructions: 1_000_000_000, max_memory_mb: 128, max_execution_seconds: 10 }
        const request = {
          source: args.source,
          resource_limits: limits,
          ...(args.input_data != null ? { input_data: args.input_data } : {}),
          ...(args.secrets_ref != null ? { secrets_ref: args.secrets_ref } : {}),
          ...(args.params != null ? { params: args.params } : {}),
          response_format: args.response_format ?? 'Text',
          redundancy: { replicas: args.replicas ?? 3, quorum: args.quorum ?? 2, aggregation: args.aggregation ?? 'identical', ...(args.fields != null ? { fields: args.fields } : {}) }
        }
        const tx = await from.client.requestExecution(request, await from.client.estimateDeposit(request))
        senderOf.set(tx.txHash, from)
        return tx
      }))
      const ids = await findRequestIds({ feed, contractId, txHashes: sent.map(s => s.txHash), fromHeight, timeoutMs: 60_000 })
      return sent.map(s => ({ txHash: s.txHash, requestId: ids.get(s.txHash)! }))
    }

    const mesh: LocalMesh = {
      net, contractId, configs, nodes, user, requesters, startNode, stop,
      example: async (name) => {
        const path = (examples as Record<string, string>)[name]
        if (path == null) throw new Error(`no example named ${name}`)
        return { url: `${served.base}/${name}.wasm`, hash: sha256Hex(await readFile(path)) }
      },
      request: async (args) => (await send([args]))[0]!,
      requestMany: send,
      waitClosed: async (requestId, timeoutMs = 60_000) => {
        const deadline = Date.now() + timeoutMs
        for (;;) {
          // a transport failure (a reset connection under load) is not an answer: ask again until the deadline
          const view = await user.client.getRequest(requestId).catch(err => { if (err instanceof ChainError && err.code === 'RPC_FAILED') return undefined; throw err })
          if (view != null && view.status !== 'pending') return view
          if (Date.now() > deadline) throw new Error(`request ${requestId} still pending after ${timeoutMs} ms`)
          // the answer changes once a block at most: asking more often only loads the chain the mesh runs on
          await new Promise(resolve => setTimeout(resolve, pollMs))
        }
      },
      result: async (txHash) => {
        const tx = await provider.viewTransactionStatus({ txHash, accountId: (senderOf.get(txHash) ?? user).accountId, waitUntil: 'FINAL' })
        const value = (tx.status as { SuccessValue?: string }).SuccessValue
        if (value == null) throw new Error(`request transaction ${txHash} failed: ${JSON.stringify(tx.status)}`)
        const text = Buffer.from(value, 'base64').toString('utf8')
        try { return JSON.parse(text) } catch { return text }
      }
    }
    return mesh
  } catch (err) {
    await stop()
    throw err
  }
}
