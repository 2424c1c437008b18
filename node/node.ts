/**
 * createNode: the node's composition root. Builds, in order: logger and metrics → store → artifact store →
 * chain client and feed → p2p mesh → roles (builder before worker, which uses it; aggregator) → chain watcher →
 * HTTP API; then wires the events between them. stop() tears down in reverse. A failed start stops what started.
 *
 *   const node = await createNode(config)
 *   await node.start()
 *   node.status()   // the /status snapshot
 *   await node.stop()
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Registry } from 'prom-client'
import { parseSecretKey, type AttestationPayload, type BuildAttestation } from '../protocol/index.js'
import { BUILDER_IMAGE, buildFromGit as sandboxBuildFromGit, createArtifactStore } from '../sandbox/builder/index.js'
import { execute as sandboxExecute } from '../sandbox/exec/index.js'
import { createApiServer, type ApiServer } from './api/index.js'
import type { NodeStatus } from './api/types.js'
import { ChainWatcher, createBlockFeed, createOutlayerClient, normaliseRequest, type OutlayerClient } from './chain/index.js'
import type { NodeConfig } from './config.js'
import { decodeP2pKey } from './keys.js'
import { createLogger, type Logger } from './log.js'
import { createMetrics, type Metrics } from './metrics.js'
import { createMeshNode, type GossipLimits, type MeshNode } from './p2p/index.js'
import { aggregator as createAggregator, type Aggregator } from './roles/aggregator/index.js'
import { builder as createBuilder, type GitBuild } from './roles/builder/index.js'
import { nodeStatus } from './roles/status.js'
import { WasmResolver, worker as createWorker, type Executor, type LocalBuild, type Worker } from './roles/worker/index.js'
import { openStore, type NodeStore } from './store/index.js'

/** Parts a caller may supply instead of the defaults (tests inject a lying executor; several nodes share a process). */
export interface NodeOverrides {
  logger?: Logger
  /** prom-client registry for this node's metrics @default a new one per node */
  registry?: Registry
  execute?: Executor
  /** git → wasm build for the builder role @default sandbox/builder buildFromGit */
  buildFromGit?: GitBuild
  /** gossipsub heartbeat etc. (tests: `{ heartbeatMs: 100 }`) */
  gossip?: Partial<GossipLimits>
  /** false: no HTTP API (in-process meshes) @default true */
  http?: boolean
  /** the contract's lease length is read from get_config; this replaces it */
  leaseBlocks?: number
  /** where the chain watcher starts without a stored cursor @default the current final height */
  startHeight?: number
}

export interface OutlayerNode {
  readonly config: NodeConfig
  readonly mesh: MeshNode
  readonly client: OutlayerClient
  readonly store: NodeStore
  readonly metrics: Metrics
  readonly watcher: ChainWatcher
  readonly worker?: Worker
  readonly aggregator?: Aggregator
  /** the API's base URL once started with http on */
  readonly apiUrl: string | undefined
  start: () => Promise<void>
  stop: () => Promise<void>
  status: () => Promise<NodeStatus>
}

const DEFAULT_LEASE_BLOCKS = 60
const ARTIFACT_CAP_BYTES = 2 * 1024 * 1024 * 1024

export async function createNode (config: NodeConfig, overrides: NodeOverrides = {}): Promise<OutlayerNode> {
  const roles = new Set(config.roles)
  const logger = overrides.logger ?? createLogger(`outlayer:${config.near.accountId}`)
  const metrics = createMetrics(overrides.registry ?? new Registry())
  const signingKey = parseSecretKey(config.signingKey)
  const teardown: Array<() => Promise<void>> = []
  const stopAll = async (): Promise<void> => {
    for (const fn of teardown.splice(0).reverse()) await fn().catch(err => logger.warn({ err }, 'stop step failed'))
  }

  try {
    const buildFromGit: GitBuild | undefined = roles.has('builder') ? overrides.buildFromGit ?? sandboxBuildFromGit : undefined
    const store = await openStore(join(config.dataDir, 'store'))
    teardown.push(async () => await store.close())
    const artifacts = createArtifactStore(join(config.dataDir, 'artifacts'), { maxBytes: ARTIFACT_CAP_BYTES })
    const client = createOutlayerClient({
      rpcUrl: config.near.rpcUrl,
      contractId: config.near.contractId,
      accountId: config.near.accountId,
      secretKey: config.near.secretKey,
      ...(roles.has('aggregator') && config.near.operatorSecretKey != null && config.near.operatorAccountId != null
        ? { operatorAccountId: config.near.operatorAccountId, operatorSecretKey: config.near.operatorSecretKey }
        : {})
    })
    const feed = createBlockFeed(config.near.feedUrl ?? config.near.rpcUrl)

    const mesh = await createMeshNode({
      network: config.network,
      privateKey: decodeP2pKey(config.p2p.privateKey),
      signingKey,
      listen: config.p2p.listen,
      bootstrap: config.p2p.bootstrap,
      metrics,
      logger: logger.child({ module: 'p2p' }),
      artifactSource: async (hash) => await artifacts.get(hash),
      ...(overrides.gossip != null ? { gossip: overrides.gossip } : {}),
      start: false
    })
    teardown.push(async () => await mesh.stop())

    const chainConfig = await contractConfigOf(client, logger)
    const leaseBlocks = overrides.leaseBlocks ?? chainConfig.leaseBlocks
    const announce = async (attestation: BuildAttestation): Promise<void> => {
      await mesh.putBuildRecord(attestation)
      await mesh.provideWasm(attestation.wasm_hash)
      await mesh.publish('build', { ...attestation, peer_id: mesh.peerId })
    }
    const build: LocalBuild | undefined = buildFromGit != null
      ? createBuilder({ signingKey, builderImage: BUILDER_IMAGE, dataDir: join(config.dataDir, 'build') })({
        buildFromGit, artifacts, announce, readFile: async (p) => new Uint8Array(await readFile(p)), logger, metrics
      })
      : undefined
    const wasm = new WasmResolver({
      artifacts,
      network: {
        findBuilds: async (key, signal) => await mesh.findBuildRecords(key, signal != null ? { signal } : {}),
        fetchWasm: async (hash, signal) => await mesh.fetchWasm(hash, signal != null ? { signal } : {})
      },
      ...(build != null ? { build } : {}),
      metrics
    }, { builderImage: BUILDER_IMAGE, trustBuilders: config.worker.trustBuilders })

    const aggregator = roles.has('aggregator') ? createAggregator()({ client, store, logger, metrics }) : undefined
    const publish = async (a: AttestationPayload): Promise<void> => {
      await mesh.publish('attestation', a).catch(err => logger.warn({ err, requestId: a.request_id }, 'attestation gossip failed'))
      await aggregator?.onAttestation(a)
    }
    const worker = roles.has('worker')
      ? createWorker({ signingKey, capacity: config.worker.capacity, allowedSources: config.worker.allowedSources, leaseBlocks, minBond: chainConfig.minBond })({
        client, store, wasm, execute: overrides.execute ?? sandboxExecute, publish, logger, metrics
      })
      : undefined

    const watcher = new ChainWatcher({ feed, client, store, logger: logger.child({ module: 'chain' }), metrics }, {
      contractId: config.near.contractId,
      pollMs: config.chain.pollMs,
      reconcileEveryBlocks: config.chain.reconcileEveryBlocks,
      // every action goes through a transaction the contract re-checks, so the head is safe to follow
      optimistic: true,
      ...(overrides.startHeight != null ? { startHeight: overrides.startHeight } : {})
    })
    let lastBlockAt: number | undefined
    wireEvents({ watcher, mesh, client, store, worker, aggregator, metrics, logger, markBlock: () => { lastBlockAt = Date.now() } })

    let api: ApiServer | undefined
    const status = async (): Promise<NodeStatus> => await nodeStatus({
      config, store, mesh, leaseBlocks: () => leaseBlocks,
      height: () => ({ height: watcher.height() > 0 ? watcher.height() : null, ...(lastBlockAt != null ? { updatedAtMs: lastBlockAt } : {}) })
    })

    let started = false
    const node: OutlayerNode = {
      config, mesh, client, store, metrics, watcher,
      ...(worker != null ? { worker } : {}),
      ...(aggregator != null ? { aggregator } : {}),
      get apiUrl () { return api?.url },
      status,
      start: async () => {
        if (started) return
        started = true
        try {
          await mesh.start()
          await aggregator?.start()
          teardown.push(async () => await aggregator?.stop())
          worker?.start()
          teardown.push(async () => await worker?.stop())
          await watcher.start()
          teardown.push(async () => await watcher.stop())
          if (overrides.http !== false) {
            api = await createApiServer({ host: config.http.host, port: config.http.port, registry: metrics.registry, status, logger })
            teardown.push(async () => await api?.close())
          }
          logger.info({ roles: config.roles, peerId: mesh.peerId, leaseBlocks, api: api?.url }, 'node started')
        } catch (err) {
          await stopAll()
          throw err
        }
      },
      stop: async () => {
        started = false
        await stopAll()
      }
    }
    return node
  } catch (err) {
    await stopAll()
    throw err
  }
}

/** The contract's lease length and minimum bond (get_config); defaults when the chain cannot be asked right now. */
async function contractConfigOf (client: OutlayerClient, logger: Logger): Promise<{ leaseBlocks: number, minBond: bigint }> {
  try {
    const cfg = await client.getConfig()
    const n = Number(cfg?.lease_blocks)
    let minBond = 0n
    try { minBond = BigInt(String(cfg?.min_bond ?? '0')) } catch { /* keep 0: rank every active worker */ }
    if (Number.isSafeInteger(n) && n > 0) return { leaseBlocks: n, minBond }
  } catch (err) {
    logger.warn({ err }, `cannot read the contract config; assuming lease_blocks = ${DEFAULT_LEASE_BLOCKS}`)
  }
  return { leaseBlocks: DEFAULT_LEASE_BLOCKS, minBond: 0n }
}

interface Wiring {
  watcher: ChainWatcher
  mesh: MeshNode
  client: OutlayerClient
  store: NodeStore
  worker: Worker | undefined
  aggregator: Aggregator | undefined
  metrics: Metrics
  logger: Logger
  markBlock: () => void
}

/** Events between the parts; every async handler ends in a logged catch, so nothing escapes as an unhandled rejection. */
function wireEvents ({ watcher, mesh, client, store, worker, aggregator, metrics, logger, markBlock }: Wiring): void {
  const log = logger.child({ module: 'node' })
  const safe = (what: string, p: Promise<unknown> | undefined): void => { p?.catch(err => log.warn({ err }, `${what} failed`)) }

  watcher.on('request:new', (e) => {
    safe('worker.consider', worker?.consider(e))
    safe('aggregator.onRequest', aggregator?.onRequest(e))
    // gossip is a hint that lets nodes whose feed lags start early; the chain stays the truth
    if (e.origin === 'feed' && worker != null) {
      safe('task gossip', mesh.publish('task', { contract_id: client.contractId, request_id: e.request.request_id.toString(), block_height: String(e.height) }))
    }
  })
  watcher.on('request:resolved', ({ requestId, height }) => {
    safe('resolve bookkeeping', (async () => {
      const stored = await store.getRequest(requestId)
      if (stored == null || stored.state === 'resolved') return
      const parsed = normaliseRequest(stored.raw)
      if (aggregator != null && parsed != null) metrics.resolveLatencyBlocks.observe(Math.max(0, height - Number(parsed.request.block_height)))
      if (worker != null) await worker.onResolved(requestId)
      else {
        await store.setRequestState(requestId, 'resolved')
        await store.forget(requestId)
      }
    })())
  })
  watcher.on('block', ({ height }) => { markBlock(); worker?.onBlock(height); aggregator?.onBlock(height) })

  mesh.on('task', (payload) => {
    if (payload.contract_id !== client.contractId || worker == null) return
    safe('gossiped task', (async () => {
      if (await store.getRequest(payload.request_id) != null) return
      const parsed = normaliseRequest(await client.getRequest(payload.request_id))
      if (parsed != null) await worker.consider({ ...parsed, height: watcher.height(), origin: 'gossip' })
    })())
  })
  mesh.on('attestation', (payload) => { safe('aggregator.onAttestation', aggregator?.onAttestation(payload)) })
}
