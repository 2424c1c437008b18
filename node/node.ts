/**
 * createNode: the node's composition root, wiring only. Builds, in order: logger and metrics → store → artifact
 * store → chain client and feed → p2p mesh → chain watcher → executor → roles (keystore, builder, worker, resolver: each
 * subscribes to what it needs in its own start()) → HTTP API. start() starts the parts in that order, stop()
 * stops them in reverse and closes the store and the executor; both are idempotent, and a node can be started
 * again after stop() (the store re-opens, the executor is created again on first use). A failed start stops
 * what started.
 *
 *   const node = await createNode(config)
 *   await node.start()
 *   node.status()   // the /status snapshot
 *   await node.stop()
 */
import { readFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { parseSecretKey, setSignatureConfirmer } from '../protocol/index.js'
import { fastVerifies } from '../protocol/native-ed25519.js'
import { buildFromGit as sandboxBuildFromGit, createArtifactStore, ensureBuilderImage } from '../sandbox/builder/index.js'
import { checkCacheDir, createExecutor, createNearRpcProvider, type Executor } from '../sandbox/exec/index.js'
import { createApiServer, createExplorer, ExecutionIndex, nodeStatus, type ApiServer } from './api/index.js'
import type { NodeStatus } from './api/types.js'
import { ArtifactResolver, DEFAULT_ARTIFACT_OPTIONS } from './artifacts/index.js'
import { ChainWatcher, createBlockFeed, createOutlayerClient, RegisteredKeys, type OutlayerClient } from './chain/index.js'
import { meshInitOf, type NodeConfig } from './config.js'
import { decodeP2pKey } from './keys.js'
import { createLogger, type Logger } from './log.js'
import { createMetrics, type Metrics, type Registry } from './metrics.js'
import { createMeshNode, type GossipLimits, type Libp2pStack, type MeshNode } from './p2p/index.js'
import { builder as createBuilder, type GitBuild } from './roles/builder/index.js'
import { GroupCache, RecordCache, StreamPool, createKeystoreChain, fetchSecrets, keystore as createKeystore, keystoreProtocol, type KeystoreNode } from './roles/keystore/index.js'
import { resolver as createResolver, type Resolver } from './roles/resolver/index.js'
import { worker as createWorker, type ExecuteFn, type SecretsSource, type Worker, type WorkerBehaviour } from './roles/worker/index.js'
import { openStore, type NodeStore } from './store/index.js'

/** Parts a caller may supply instead of the defaults (tests inject a lying executor; several nodes share a process). */
export interface NodeOverrides {
  logger?: Logger
  /** prom-client registry for this node's metrics @default a new one per node */
  registry?: Registry
  /** replaces the executor's execute (a liar in tests) */
  execute?: ExecuteFn
  /** a shared executor (nodes in one process); the node does not close it @default one per node, min(capacity, cores) threads */
  executor?: Executor
  /** git → wasm build for the builder role @default sandbox/builder buildFromGit */
  buildFromGit?: GitBuild
  /** the builder image's content id for build keys @default config.worker.builderImage, else (builder role) Docker's */
  builderImage?: () => Promise<string>
  /** gossipsub heartbeat etc. (tests: `{ heartbeatMs: 100 }`) */
  gossip?: Partial<GossipLimits>
  /** false: no HTTP API (in-process meshes) @default true */
  http?: boolean
  /** where the chain watcher starts without a stored cursor @default the current final height */
  startHeight?: number
  /** a byzantine worker (sim/ and tests only) @default honest */
  behaviour?: WorkerBehaviour
  /** transports, encrypters, muxers instead of tcp + noise + yamux (sim/'s simulated network) */
  libp2p?: Libp2pStack
}

export interface OutlayerNode {
  readonly config: NodeConfig
  readonly mesh: MeshNode
  readonly client: OutlayerClient
  readonly store: NodeStore
  readonly metrics: Metrics
  readonly watcher: ChainWatcher
  readonly worker?: Worker
  readonly resolver?: Resolver
  /** the keystore role (its share, `runDkg`), when config roles include 'keystore' */
  readonly keystore?: KeystoreNode
  /** the API's base URL once started with http on */
  readonly apiUrl: string | undefined
  /** idempotent; start after stop works */
  start: () => Promise<void>
  /** idempotent: stops the API, watcher, roles and mesh, then closes the executor and the store */
  stop: () => Promise<void>
  status: () => Promise<NodeStatus>
}

interface Startable { start: () => Promise<void>, stop: () => Promise<void> }

export async function createNode (config: NodeConfig, overrides: NodeOverrides = {}): Promise<OutlayerNode> {
  const roles = new Set(config.roles)
  // gossip envelopes and reveals: OpenSSL confirms valid signatures, the strict pure-JS check has the last word
  setSignatureConfirmer(fastVerifies)
  const logger = overrides.logger ?? createLogger(`outlayer:${config.near.accountId}`)
  const metrics = createMetrics(overrides.registry)
  const signingKey = parseSecretKey(config.signingKey)
  const opened: Startable[] = []
  const closeOpened = async (): Promise<void> => {
    for (const part of [...opened].reverse()) await part.stop().catch(err => logger.warn({ err }, 'close step failed'))
  }

  try {
    const store = await openStore(join(config.dataDir, 'store'))
    opened.push({ start: store.open, stop: store.close })
    const artifactStore = createArtifactStore(join(config.dataDir, 'artifacts'), { maxBytes: DEFAULT_ARTIFACT_OPTIONS.storeBytes })
    const client = createOutlayerClient({
      rpcUrl: config.near.rpcUrl,
      contractId: config.near.contractId,
      accountId: config.near.accountId,
      secretKey: config.near.secretKey,
      accessKeys: config.chain.accessKeys,
      batchInFlight: config.chain.batchInFlight
    })
    // who may author gossip hints and count as a builder: the chain's registered workers, cached (chain/registered-keys.ts)
    const registered = new RegisteredKeys({ client, logger: logger.child({ module: 'chain' }) })
    const contractId = config.near.contractId
    const mesh = await createMeshNode({
      ...meshInitOf(config),
      privateKey: decodeP2pKey(config.p2p.privateKey),
      signingKey,
      metrics,
      logger: logger.child({ module: 'p2p' }),
      artifactSource: async (hash) => await artifactStore.get(hash),
      isRegisteredKey: registered.has,
      // the get_request a task or attestation hint costs, run inside gossip validation behind mesh.lookupGuard
      lookUpRequest: async (_type, payload) => payload.contract_id === contractId && await client.getRequest(payload.request_id) != null,
      ...(overrides.gossip != null ? { gossip: overrides.gossip } : {}),
      ...(overrides.libp2p != null ? { stack: overrides.libp2p } : {}),
      start: false
    })
    opened.push(mesh)
    opened.push({ start: async () => { await registered.refresh() }, stop: async () => {} })
    // the account's extra signing keys (chain.accessKeys > 1), added before any role sends
    opened.push({
      start: async () => {
        const { added } = await client.ensureAccessKeys()
        if (added.length > 0) logger.info({ added }, 'added function-call access keys')
      },
      stop: async () => {}
    })
    const watcher = new ChainWatcher({ feed: createBlockFeed(config.near.feedUrl ?? config.near.rpcUrl), client, store: store.section('chain'), logger: logger.child({ module: 'chain' }), metrics }, {
      contractId: config.near.contractId,
      pollMs: config.chain.pollMs,
      reconcileEveryBlocks: config.chain.reconcileEveryBlocks,
      // every action goes through a transaction the contract re-checks, so the head is safe to follow
      optimistic: true,
      ...(overrides.startHeight != null ? { startHeight: overrides.startHeight } : {})
    })
    // every request the watcher sees moves the guard's id window (and is known to exist, so its hints cost no RPC)
    watcher.on('request:new', ({ request }) => { mesh.lookupGuard.seen(request.request_id.toString()) })
    watcher.on('reconciled', () => { void registered.refresh() })
    let dockerImage: Promise<string> | undefined
    const builderImage = overrides.builderImage ?? (config.worker.builderImage != null
      ? async () => config.worker.builderImage!
      : roles.has('builder') ? async () => await (dockerImage ??= ensureBuilderImage().then(i => i.contentId, err => { dockerImage = undefined; throw err })) : undefined)

    const built = roles.has('builder')
      ? createBuilder({ signingKey, dataDir: join(config.dataDir, 'build') })({
        buildFromGit: overrides.buildFromGit ?? sandboxBuildFromGit, artifacts: artifactStore, dht: mesh, readFile: async (p) => new Uint8Array(await readFile(p)), logger, metrics
      })
      : undefined
    // one chain view for the keystore's release checks and the worker's secrets look-ups (roles/keystore/chain.ts)
    const keystoreChain = createKeystoreChain({ provider: client.provider, contractId })
    const keystoreNode: KeystoreNode | undefined = roles.has('keystore')
      ? createKeystore({ network: config.network, nodeKey: signingKey, dataDir: config.dataDir })({ libp2p: mesh.libp2p, chain: keystoreChain, logger })
      : undefined
    // the published group is read once and again only after a rotation, a secrets record only once it changed
    // (roles/keystore/group-cache.ts, record-cache.ts)
    const keystoreGroups = new GroupCache(keystoreChain)
    const keystoreRecords = new RecordCache(keystoreChain)
    // one kept stream per keystore member between releases (roles/keystore/stream-pool.ts)
    const keystoreStreams = new StreamPool(mesh.libp2p, keystoreProtocol(config.network))
    const secrets: SecretsSource = async ({ requestId, owner, profile, accessor, signal }) => (await fetchSecrets({
      libp2p: mesh.libp2p, chain: keystoreChain, groups: keystoreGroups, records: keystoreRecords, streams: keystoreStreams, network: config.network, requestId, workerId: client.accountId, workerKey: signingKey, owner, profile, accessor, ...(signal != null ? { signal } : {})
    })).env
    const chainConfig = roles.has('worker') ? await client.getConfig() : undefined
    let worker: Worker | undefined
    if (roles.has('worker')) {
      // created on first use and closed on stop: a pool of one thread per core at most (more threads than cores
      // run no more wasm, they only cost a heap each; jobs past it wait in the pool's queue, their deadline not yet
      // started), its prepared-module cache under the data dir unless config names one shared by the machine's
      // nodes; the cache dir is checked (0700, ours) at start. The guests' NEAR view queries go to the node's own RPC
      const cacheDir = config.worker.execCacheDir ?? join(config.dataDir, 'exec-cache')
      let own: Executor | undefined
      const executor = (): Executor => overrides.executor ?? (own ??= createExecutor({ workers: Math.min(config.worker.capacity, availableParallelism()), cacheDir, nearRpc: createNearRpcProvider(config.near.rpcUrl) }))
      opened.push({ start: async () => { if (overrides.executor == null) await checkCacheDir(cacheDir) }, stop: async () => { const e = own; own = undefined; await e?.close() } })
      const artifacts = new ArtifactResolver({
        store: artifactStore, network: mesh, isRegisteredKey: registered.has, ...(builderImage != null ? { builderImage } : {}), ...(built != null ? { build: built.build } : {}), logger, metrics
      },
        { ...DEFAULT_ARTIFACT_OPTIONS, trustBuilders: config.worker.trustBuilders })
      worker = createWorker({
        signingKey, capacity: config.worker.capacity, allowedSources: config.worker.allowedSources, networkId: chainConfig!.networkId, buildUnassigned: built != null,
        ...(overrides.behaviour != null ? { behaviour: overrides.behaviour } : {})
      })({ client, store: store.section('worker'), gossip: mesh, lookupGuard: mesh.lookupGuard, watcher, artifacts, execute: overrides.execute ?? (async (wasm, opts) => await executor().execute(wasm, opts)), secrets, logger, metrics })
    }
    const resolver = roles.has('resolver')
      ? createResolver()({ client, store: store.section('resolver'), gossip: mesh, watcher, ...(worker != null ? { worker } : {}), logger, metrics })
      : undefined

    let lastBlockAt: number | undefined
    watcher.on('block', () => { lastBlockAt = Date.now() })
    const status = async (): Promise<NodeStatus> => await nodeStatus({
      config, mesh, jobs: async () => await worker?.openJobs() ?? [],
      height: () => ({ height: watcher.height() > 0 ? watcher.height() : null, ...(lastBlockAt != null ? { updatedAtMs: lastBlockAt } : {}) })
    })
    let api: ApiServer | undefined
    // the explorer follows the feed for the dashboard; only a node that serves HTTP runs it
    const index = new ExecutionIndex({ feed: createBlockFeed(config.near.feedUrl ?? config.near.rpcUrl), logger: logger.child({ module: 'explorer' }) }, { contractId: config.near.contractId })
    const explorer = createExplorer({
      index, client, mesh, network: config.network, ...(builderImage != null ? { builderImage } : {}), ...(worker != null ? { transcripts: async (id: string) => await worker!.transcript(id) } : {})
    })
    const http: Startable = {
      start: async () => {
        if (overrides.http === false || api != null) return
        await index.start()
        api = await createApiServer({
          host: config.http.host, port: config.http.port, registry: metrics.registry, status, logger, explorer, ...(config.http.allowedHosts != null ? { allowedHosts: config.http.allowedHosts } : {})
        })
      },
      stop: async () => { await api?.close(); api = undefined; await index.stop() }
    }

    // roles subscribe to the watcher in their start(), so they start before it and stop after it
    const parts: Startable[] = [...opened, ...[keystoreNode, resolver, worker].filter(p => p != null), watcher, http]
    let running: Startable[] = []
    const stop = async (): Promise<void> => {
      for (const part of running.splice(0).reverse()) await part.stop().catch(err => logger.warn({ err }, 'stop step failed'))
      await closeOpened() // also when start() was never called: createNode opened the store and the mesh
    }
    const node: OutlayerNode = {
      config, mesh, client, store, metrics, watcher, worker, resolver, keystore: keystoreNode,
      get apiUrl () { return api?.url },
      status,
      start: async () => {
        if (running.length > 0) return
        try {
          running = []
          for (const part of parts) { await part.start(); running.push(part) }
          logger.info({ roles: config.roles, peerId: mesh.peerId, api: api?.url }, 'node started')
        } catch (err) {
          await stop()
          throw err
        }
      },
      stop
    }
    return node
  } catch (err) {
    await closeOpened()
    throw err
  }
}
