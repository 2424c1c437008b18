/**
 * The simulator's only coupling to node/. It starts localnet, the contract and N real nodes through the node's
 * public construction path (node/testing startLocalMesh → createNode), with the node's own hooks: a
 * `behaviour` per worker (byzantine or recording), and in scale mode `libp2p` = the simulated transport and
 * plaintext instead of TCP and noise. It exposes what the runner needs: crash/restart, dials, per-node events,
 * the chain's events, gossip copies (MeshNode.getStats), and gossip peers for attackers built from node/p2p.
 * Nothing here reads a node's private state.
 */
import { rm } from 'node:fs/promises'
import { generateKeyPair as generateLibp2pKey } from '@libp2p/crypto/keys'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { gossipTopic, parseSecretKey, publicKeyToString, type KeyPair } from '../../protocol/index.js'
import { createBlockFeed } from '../../node/chain/index.js'
import { decodeP2pKey } from '../../node/keys.js'
import { chainEvents, type ChainEvent } from './chain-events.js'
import type { OutlayerNode } from '../../node/node.js'
import { createMeshNode, type Libp2pStack, type MeshNode } from '../../node/p2p/index.js'
import { buildLibp2p, meshTopics } from '../../node/p2p/libp2p.js'
import type { WorkerBehaviour } from '../../node/roles/worker/index.js'
import { startLocalMesh, type LocalMesh, type RequestArgs } from '../../node/testing/local-mesh.js'
import { execute as sandboxExecute } from '../../sandbox/exec/index.js'
import { SimError } from '../errors.js'

export type { OutlayerNode, MeshNode, RequestArgs }

export const NETWORK = 'localnet'

export interface SimNodesInit {
  nodes: number
  blockTimeMs: number
  commitWindowBlocks: number
  yieldTimeoutBlocks: number
  heartbeatMs: number
  /** node i's worker behaviour (honest-recording or byzantine) */
  behaviourFor: (i: number) => WorkerBehaviour
  /** worker i's bond in yocto */
  bondOf: (i: number) => bigint
  /** requester accounts, so sends do not queue on one nonce */
  requesters: number
  /** localnet's per-chain secret (from the scenario seed): the contract's draws then reproduce */
  randomSecret: string
  /** scale mode: the simulated transport and plaintext; undefined = TCP + noise (real mode) */
  stack?: Libp2pStack
  /** called at every start and restart of node i, before it joins: wire probes and behaviours here */
  onStart: (i: number, node: OutlayerNode) => void
  progress: (line: string) => void
}

export type { ChainEvent }

export interface SimNodes {
  readonly size: number
  readonly contractId: string
  height: () => number
  peerIdOf: (i: number) => string
  signingKeyOf: (i: number) => KeyPair
  accountOf: (i: number) => string
  node: (i: number) => OutlayerNode | undefined
  isUp: (i: number) => boolean
  /** stops node i as a crash would leave it: `cut` first severs its links (scale mode) so peers see a reset */
  crash: (i: number, opts: { keepData: boolean, cut?: () => void }) => Promise<void>
  restart: (i: number) => Promise<void>
  /** node i registers again with `bond` yocto, topping its bond up (after a slash) */
  topUpBond: (i: number, bond: bigint) => Promise<void>
  /** node i dials node j (extra topology, reconnects after a heal); failures are ignored */
  dial: (i: number, j: number) => Promise<void>
  /** gossip copies received by every node (duplicates included), crashed incarnations too */
  gossipCopies: () => number
  example: (name: string) => Promise<{ url: string, hash: string }>
  /**
   * Runs the wasm at `url` once on the nodes' shared in-process executor, so the first requests do not pay its
   * preparation (binaryen, instrumentation, the disk cache, the thread pool) inside their commit window.
   */
  warmUp: (url: string) => Promise<void>
  requestMany: LocalMesh['requestMany']
  /** the callback's return value for a request transaction, as the raw text the contract returned */
  resultText: (txHash: string) => Promise<string | null>
  getRequest: (id: string) => Promise<Record<string, unknown> | null>
  /** contract events in [from, to] */
  events: (from: number, to: number) => Promise<ChainEvent[]>
  /** a MeshNode (real gossip code) under its own key, for sybils, spam and wrong builds */
  startMeshPeer: (signingKey: KeyPair, bootstrap: number[]) => Promise<MeshNode>
  /** a bare peer on the node's libp2p stack: publishes raw bytes; forwards nothing when `forward` is false */
  startRawPeer: (bootstrap: number[], forward: boolean) => Promise<RawPeer>
  stop: () => Promise<void>
}

export interface RawPeer {
  peerId: string
  publish: (topic: 'tasks' | 'attestations' | 'builds', bytes: Uint8Array) => Promise<void>
  stop: () => Promise<void>
}

export async function startSimNodes (init: SimNodesInit): Promise<SimNodes> {
  const mesh = await startLocalMesh({
    nodes: init.nodes,
    blockTimeMs: init.blockTimeMs,
    commitWindowBlocks: init.commitWindowBlocks,
    yieldTimeoutBlocks: init.yieldTimeoutBlocks,
    reconcileEveryBlocks: 5,
    // the nodes' logs only when OUTLAYER_LOG_LEVEL asks for them (stderr, next to the progress bar): to trace a run
    ...(process.env.OUTLAYER_LOG_LEVEL == null ? { logLevel: 'silent' as const } : {}),
    progress: init.progress,
    bond: init.bondOf,
    requesters: init.requesters,
    randomSecret: init.randomSecret,
    overrides: (i) => ({
      // in-process executor: N worker-thread pools would cost more memory than the nodes
      execute: sandboxExecute,
      behaviour: init.behaviourFor(i),
      gossip: { heartbeatMs: init.heartbeatMs },
      ...(init.stack != null ? { libp2p: init.stack } : {})
    })
  }).catch((err: Error) => { throw new SimError('SETUP_FAILED', `localnet, contract or nodes did not start: ${err.message}`, { cause: err }) })
  return await wrap(mesh, init)
}

async function wrap (mesh: LocalMesh, init: SimNodesInit): Promise<SimNodes> {
  const peerIds = mesh.configs.map(c => peerIdFromPrivateKey(decodeP2pKey(c.p2p.privateKey)).toString())
  const extras: Array<{ stop: () => Promise<void> }> = []
  // startLocalMesh started every node before we could subscribe; later restarts go through startNode below
  mesh.nodes.forEach((node, i) => { if (node != null) init.onStart(i, node) })
  const addrOf = (j: number): string | undefined => mesh.nodes[j]?.mesh.multiaddrs()[0]
  const bootstrapAddrs = (list: number[]): string[] => list.map(addrOf).filter((a): a is string => a != null)
  const copiesOf = (node: OutlayerNode | undefined): number => node == null ? 0 : Object.values(node.mesh.getStats().gossip).reduce((a, t) => a + t.copies, 0)
  let retiredCopies = 0

  return {
    size: init.nodes,
    contractId: mesh.contractId,
    height: () => mesh.net.height(),
    peerIdOf: (i) => peerIds[i]!,
    signingKeyOf: (i) => parseSecretKey(mesh.configs[i]!.signingKey),
    accountOf: (i) => mesh.configs[i]!.near.accountId,
    node: (i) => mesh.nodes[i],
    isUp: (i) => mesh.nodes[i] != null,
    crash: async (i, { keepData, cut }) => {
      const node = mesh.nodes[i]
      if (node == null) return
      mesh.nodes[i] = undefined
      retiredCopies += copiesOf(node)
      cut?.()
      await node.stop()
      if (!keepData) await rm(mesh.configs[i]!.dataDir, { recursive: true, force: true })
    },
    restart: async (i) => {
      if (mesh.nodes[i] != null) return
      const node = await mesh.startNode(i)
      init.onStart(i, node)
    },
    topUpBond: async (i, bond) => {
      const node = mesh.nodes[i]
      if (node == null) return
      await node.client.registerWorker(publicKeyToString(parseSecretKey(mesh.configs[i]!.signingKey).publicKey), bond)
    },
    dial: async (i, j) => {
      const addr = addrOf(j)
      const node = mesh.nodes[i]
      if (addr == null || node == null || i === j) return
      await node.mesh.dial(addr, { signal: AbortSignal.timeout(10_000) }).catch(() => {})
    },
    gossipCopies: () => retiredCopies + mesh.nodes.reduce((a, node) => a + copiesOf(node), 0),
    example: mesh.example,
    warmUp: async (url) => {
      const response = await fetch(url)
      if (!response.ok) throw new SimError('SETUP_FAILED', `warm-up: ${url} answered ${response.status}`)
      await sandboxExecute(new Uint8Array(await response.arrayBuffer()))
    },
    requestMany: mesh.requestMany,
    resultText: async (txHash) => {
      // the callback returns a Text output as a JSON string
      const value = await mesh.result(txHash).catch(() => null)
      return value == null ? null : typeof value === 'string' ? value : JSON.stringify(value)
    },
    getRequest: async (id) => await mesh.user.client.getRequest(id) as Record<string, unknown> | null,
    events: chainEvents(createBlockFeed(mesh.net.feedUrl), mesh.contractId),
    startMeshPeer: async (signingKey, bootstrap) => {
      const peer = await createMeshNode({ network: NETWORK, signingKey, privateKey: await generateLibp2pKey('Ed25519'), bootstrap: bootstrapAddrs(bootstrap), gossip: { heartbeatMs: init.heartbeatMs }, ...(init.stack != null ? { stack: init.stack } : {}) })
      extras.push(peer)
      return peer
    },
    startRawPeer: async (bootstrap, forward) => {
      const libp2p = await buildLibp2p({
        network: NETWORK, privateKey: await generateLibp2pKey('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [],
        heartbeatMs: init.heartbeatMs, maxRpcBytes: 4 * 1024 * 1024, dhtValidators: {}, dhtSelectors: {}, ...(init.stack != null ? { stack: init.stack } : {})
      })
      await libp2p.start()
      for (const topic of meshTopics(NETWORK)) {
        // a black hole accepts nothing, so gossipsub forwards nothing; an invalid-message sender forwards as usual
        if (!forward) libp2p.services.pubsub.topicValidators.set(topic, async () => TopicValidatorResult.Ignore)
        libp2p.services.pubsub.subscribe(topic)
      }
      for (const addr of bootstrapAddrs(bootstrap)) await libp2p.dial(multiaddr(addr), { signal: AbortSignal.timeout(10_000) }).catch(() => {})
      const raw: RawPeer = {
        peerId: libp2p.peerId.toString(),
        publish: async (topic, bytes) => { await libp2p.services.pubsub.publish(gossipTopic(NETWORK, topic), bytes).catch(() => {}) },
        stop: async () => { await libp2p.stop() }
      }
      extras.push(raw)
      return raw
    },
    stop: async () => {
      for (const e of extras.splice(0)) await e.stop().catch(() => {})
      await mesh.stop()
    }
  }
}
