/**
 * The baseline: N bare js-libp2p gossipsub nodes (no outlayer code) on the same simulated network, topology and
 * heartbeat as the real nodes, publishing messages of the same size. Its p99 is the denominator of the report's
 * "gossip p99 ratio", and its 50-node run is the network layer's own test.
 */
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { gossipsub, StrictNoSign, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { GossipProbe, countReceivedCopies, type GossipFigures } from './gossip-probe.js'
import type { SimNetwork } from './network.js'
import { plaintext } from './plaintext.js'
import type { Rng } from './prng.js'
import { dialPlan } from './topology.js'
import { simTransport } from './transport.js'

const TOPIC = '/outlayer/sim/baseline'

export interface BareMeshInit {
  network: SimNetwork
  nodes: number
  /** earlier nodes each node dials @default 6 */
  degree?: number
  /** who dials whom; the runner passes the real nodes' plan @default dialPlan(nodes, degree, rng) */
  plan?: number[][]
  /** @default 100 */
  heartbeatMs?: number
  rng: Rng
}

export interface BareMesh {
  nodes: Array<Libp2p<{ pubsub: GossipSub }>>
  hosts: string[]
  probe: GossipProbe
  /** waits until every node has at least one mesh peer on the topic (or the timeout passes) */
  ready: (timeoutMs?: number) => Promise<boolean>
  /** publishes `count` messages of `bytes` bytes from seeded publishers, `intervalMs` apart, then waits `settleMs` */
  run: (opts: { count: number, bytes: number, intervalMs: number, settleMs: number }) => Promise<GossipFigures>
  stop: () => Promise<void>
}

export async function startBareMesh (init: BareMeshInit): Promise<BareMesh> {
  const { network, rng } = init
  const probe = new GossipProbe()
  const nodes: BareMesh['nodes'] = []
  const hosts: string[] = []
  try {
    for (let i = 0; i < init.nodes; i++) {
      const host = network.allocateHost()
      const node = await createLibp2p({
        privateKey: await generateKeyPair('Ed25519'),
        addresses: { listen: [`/ip4/${host}/tcp/4001`] },
        transports: [simTransport({ network })],
        connectionEncrypters: [plaintext()],
        streamMuxers: [yamux()],
        connectionManager: { inboundConnectionThreshold: 50 },
        services: {
          identify: identify(),
          pubsub: gossipsub({ globalSignaturePolicy: StrictNoSign, emitSelf: false, allowPublishToZeroTopicPeers: true, heartbeatInterval: init.heartbeatMs ?? 100 })
        }
      })
      node.services.pubsub.subscribe(TOPIC)
      countReceivedCopies(node.services.pubsub, () => { probe.copy() })
      node.services.pubsub.addEventListener('message', (evt) => {
        const id = new TextDecoder().decode(evt.detail.data.subarray(0, 16))
        probe.delivered(id)
      })
      nodes.push(node)
      hosts.push(host)
    }
    const plan = init.plan ?? dialPlan(init.nodes, init.degree ?? 6, rng.derive('baseline-topology'))
    await Promise.all(plan.map(async (targets, i) => {
      for (const j of targets) await nodes[i]!.dial(multiaddr(nodes[j]!.getMultiaddrs()[0]!)).catch(() => {})
    }))
  } catch (err) {
    await Promise.all(nodes.map(async n => await n.stop()))
    throw err
  }

  const publishRng = rng.derive('baseline-publishers')
  return {
    nodes,
    hosts,
    probe,
    ready: async (timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline) {
        if (nodes.every(n => meshPeers(n.services.pubsub) > 0)) return true
        await new Promise(resolve => setTimeout(resolve, 100))
      }
      return false
    },
    run: async ({ count, bytes, intervalMs, settleMs }) => {
      for (let m = 0; m < count; m++) {
        const id = `m${String(m).padStart(15, '0')}`
        const data = new Uint8Array(Math.max(16, bytes))
        data.set(new TextEncoder().encode(id))
        const from = nodes[publishRng.int(nodes.length)]!
        probe.sent(id, nodes.length - 1)
        await from.services.pubsub.publish(TOPIC, data).catch(() => {})
        await new Promise(resolve => setTimeout(resolve, intervalMs))
      }
      await new Promise(resolve => setTimeout(resolve, settleMs))
      return probe.figures()
    },
    stop: async () => { await Promise.all(nodes.map(async n => await n.stop())) }
  }
}

function meshPeers (pubsub: GossipSub): number {
  return (pubsub as unknown as { getMeshPeers: (topic: string) => string[] }).getMeshPeers(TOPIC).length
}
