/**
 * The explorer: what the dashboard and the public API read, assembled from the execution index (chain history),
 * the contract's views through the node's typed client, and the mesh. `Explorer` is the narrow interface the
 * routes use (tests hand in their own); createExplorer builds it for a node.
 */
import { DEFAULT_BUILD_TARGET, type BuildAttestation, type TranscriptEntry } from '../../../protocol/index.js'
import { builderBuildKey } from '../../../sandbox/builder/index.js'
import type { OutlayerClient } from '../../chain/index.js'
import type { MeshNode } from '../../p2p/index.js'
import { parseGroup } from '../../roles/keystore/group.js'
import type { ExecutionIndex } from './execution-index.js'
import type { ExecutionRecord } from './index-record.js'
import type { SecretsEntry } from './secrets-directory.js'
import { NO_HISTORY, REPUTATION_FORMULA, workerStats, type WorkerStats } from './worker-stats.js'

export interface WorkerRow extends WorkerStats {
  account_id: string
  public_key: string
  /** yocto */
  bond: string
  status: string
}

export interface NetworkView {
  peer_id: string
  listen_addrs: string[]
  peers: string[]
  topics: Array<{ topic: string, peers: number, received: number, accepted: number, refused: number }>
  dht: { routing_table: number, records_put: number, records_found: number, provides: number }
  builds: Array<{ build_key: string, repo: string, commit: string, wasm_hashes: Array<{ wasm_hash: string, builders: number }> }>
  chain: { height: number, indexed: number, lag: number }
}

/** the keystore group the contract publishes (get_keystore_group), checked: the key the browser encrypts to */
export interface KeystoreGroupView { version: number, group_key: string, threshold: number, members: number }

export interface Explorer {
  executions: () => ExecutionRecord[]
  execution: (requestId: string) => ExecutionRecord | undefined
  executionByTx: (txHash: string) => ExecutionRecord | undefined
  workers: () => Promise<{ workers: WorkerRow[], formula: string }>
  network: () => Promise<NetworkView>
  /** contract config, pricing and max limits, as the contract returns them */
  contract: () => Promise<{ contract_id: string, network: string, config: unknown, pricing: unknown, max_limits: unknown }>
  estimate: (args: Record<string, unknown>) => Promise<string>
  /** the access key's nonce and a recent block hash, to build a transaction in the browser */
  txContext: (accountId: string, publicKey: string) => Promise<{ nonce: string, block_hash: string }>
  /** relays a transaction signed in the browser; returns its hash once included */
  sendTx: (signedTxBase64: string) => Promise<{ tx_hash: string }>
  /** the contract's view, for pages that read one directly (secrets) */
  view: (method: 'get_secrets' | 'get_worker', args: Record<string, unknown>) => Promise<unknown>
  /** null when no group is published; throws when the published one is unusable */
  keystoreGroup: () => Promise<KeystoreGroupView | null>
  /** an owner's secrets records (ids only) as the indexed blocks announced them, newest first */
  secrets: (owner: string) => SecretsEntry[]
  /** this node's I/O transcript of a request it ran (none on a node without the worker role) */
  transcript: (requestId: string) => Promise<TranscriptEntry[] | undefined>
}

export interface ExplorerParts {
  index: ExecutionIndex
  client: OutlayerClient
  mesh: MeshNode
  network: string
  /** the builder image's content id in build keys (the node's own; without it no build records are listed) */
  builderImage?: () => Promise<string>
  /** the worker role's transcripts (node/roles/worker/jobs.ts) */
  transcripts?: (requestId: string) => Promise<TranscriptEntry[] | undefined>
}

const BUILD_LOOKUP_MS = 1500
const BUILDER_IMAGE_MS = 2000
const MAX_BUILD_KEYS = 20

export function createExplorer ({ index, client, mesh, network, builderImage, transcripts }: ExplorerParts): Explorer {
  const rpc = async <T>(method: string, params: unknown): Promise<T> =>
    await (client.provider as unknown as { sendJsonRpc: (m: string, p: unknown) => Promise<T> }).sendJsonRpc(method, params)
  return {
    executions: () => index.list(),
    execution: (id) => index.get(id),
    executionByTx: (tx) => index.byTxHash(tx),
    workers: async () => {
      const pricing = await client.view<{ resolve_fee?: string }>('get_pricing').catch(() => ({ resolve_fee: '0' }))
      const stats = workerStats(index.list(), BigInt(pricing.resolve_fee ?? '0'))
      const chain = await client.listWorkers()
      const rows: WorkerRow[] = chain.map(w => ({
        account_id: w.account_id, public_key: w.public_key, bond: w.bond.toString(), status: w.status,
        ...(stats.get(w.account_id) ?? NO_HISTORY)
      }))
      return { workers: rows, formula: REPUTATION_FORMULA }
    },
    network: async () => {
      const stats = mesh.getStats()
      const height = await client.height().catch(() => index.headHeight())
      return {
        peer_id: mesh.peerId,
        listen_addrs: mesh.multiaddrs(),
        peers: mesh.peers(),
        topics: (Object.keys(stats.gossip) as Array<keyof typeof stats.gossip>).map(topic => {
          const t = stats.gossip[topic]
          return { topic, peers: mesh.topicPeers(topic).length, received: t.received, accepted: t.accepted, refused: Object.values(t.refused).reduce((a, b) => a + b, 0) }
        }),
        dht: { routing_table: stats.dht.routingTable, records_put: stats.dht.recordsPut, records_found: stats.dht.recordsFound, provides: stats.dht.provides },
        builds: await buildRecords(mesh, index.list(), builderImage),
        chain: { height, indexed: index.height(), lag: Math.max(0, height - index.height()) }
      }
    },
    contract: async () => ({
      contract_id: client.contractId,
      network,
      config: await client.view('get_config'),
      pricing: await client.view('get_pricing'),
      max_limits: await client.view('get_max_limits')
    }),
    estimate: async (args) => String(await client.view<string>('estimate_execution_cost', args)),
    txContext: async (accountId, publicKey) => {
      const key = await rpc<{ nonce: number | string }>('query', { request_type: 'view_access_key', finality: 'final', account_id: accountId, public_key: publicKey })
      const block = await rpc<{ header: { hash: string } }>('block', { finality: 'final' })
      return { nonce: String(key.nonce), block_hash: block.header.hash }
    },
    sendTx: async (signed) => {
      const out = await rpc<{ transaction?: { hash?: string } }>('send_tx', { signed_tx_base64: signed, wait_until: 'INCLUDED_FINAL' })
      return { tx_hash: String(out.transaction?.hash ?? '') }
    },
    view: async (method, args) => await client.view(method, args),
    keystoreGroup: async () => {
      const raw = await client.view<unknown>('get_keystore_group')
      if (raw == null) return null
      const g = parseGroup(raw)
      if (!g.ok) throw new Error(g.error.message)
      return { version: g.value.version, group_key: Buffer.from(g.value.groupKey).toString('hex'), threshold: g.value.threshold, members: g.value.members.length }
    },
    secrets: (owner) => index.secrets.list(owner),
    transcript: async (id) => await transcripts?.(id)
  }
}

/**
 * Build records in the DHT for the GitHub sources of indexed requests: wasm hash → how many builders vouch. The
 * builder image's content id is asked for only when there is a GitHub source, and waited for at most
 * BUILDER_IMAGE_MS: the first ask may inspect or build the Docker image (minutes on a busy engine), and the
 * network view must not wait for it (the lookup goes on, and a later view lists the records).
 */
async function buildRecords (mesh: MeshNode, records: readonly ExecutionRecord[], builderImageOf?: () => Promise<string>): Promise<NetworkView['builds']> {
  const sources: Array<{ repo: string, commit: string, build_target: string }> = []
  for (const r of records) {
    const g = (r.source as { GitHub?: { repo?: string, commit?: string, build_target?: string } } | null)?.GitHub
    if (g?.repo == null || g.commit == null || sources.length >= MAX_BUILD_KEYS) continue
    sources.push({ repo: g.repo, commit: g.commit, build_target: g.build_target ?? DEFAULT_BUILD_TARGET })
  }
  if (sources.length === 0 || builderImageOf == null) return []
  const image = builderImageOf()
  image.catch(() => {})
  const builderImage = await Promise.race([image, new Promise<undefined>(resolve => { setTimeout(() => { resolve(undefined) }, BUILDER_IMAGE_MS).unref() })]).catch(() => undefined)
  if (builderImage == null) return []
  const seen = new Map<string, { repo: string, commit: string }>()
  for (const s of sources) {
    try { seen.set(builderBuildKey(s, builderImage), { repo: s.repo, commit: s.commit }) } catch {}
  }
  return await Promise.all([...seen].map(async ([key, { repo, commit }]) => {
    const found: BuildAttestation[] = await mesh.findBuildRecords(key, { signal: AbortSignal.timeout(BUILD_LOOKUP_MS) }).catch(() => [])
    const byHash = new Map<string, number>()
    for (const a of found) byHash.set(a.wasm_hash, (byHash.get(a.wasm_hash) ?? 0) + 1)
    return { build_key: key, repo, commit, wasm_hashes: [...byHash].map(([wasm_hash, builders]) => ({ wasm_hash, builders })) }
  }))
}
