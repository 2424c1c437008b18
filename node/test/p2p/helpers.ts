/** Shared setup for the p2p tests: real nodes over TCP on 127.0.0.1, port 0, stopped in after hooks. */
import { generateKeyPair } from '../../../protocol/index.js'
import { createMeshNode, type MeshNode, type MeshNodeInit } from '../../p2p/index.js'
import type { GossipTopicName } from '../../../protocol/index.js'

export const NETWORK = 'testnet-p2p'

export type NodeOptions = Partial<Omit<MeshNodeInit, 'network'>>

export async function startNode (opts: NodeOptions = {}): Promise<MeshNode> {
  return await createMeshNode({ network: NETWORK, signingKey: generateKeyPair(), gossip: { heartbeatMs: 100 }, ...opts })
}

/**
 * n nodes; node 0 is the hub every other node bootstraps from, so a message from a leaf reaches the other
 * leaves only by being forwarded through the hub.
 */
export async function startStar (n: number, opts: (i: number) => NodeOptions = () => ({})): Promise<MeshNode[]> {
  const hub = await startNode(opts(0))
  const nodes = [hub]
  for (let i = 1; i < n; i++) nodes.push(await startNode({ bootstrap: hub.multiaddrs(), ...opts(i) }))
  return nodes
}

/** Polls until `check` is true; throws with `what` after timeoutMs (a correctness bound, not a timing assertion). */
export async function waitFor (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** Until every node sees at least `min` subscribers on the topic. */
export async function waitForTopicMesh (nodes: MeshNode[], topic: GossipTopicName, min = 1): Promise<void> {
  await waitFor(() => nodes.every(n => n.topicPeers(topic).length >= min), `topic ${topic} subscribers on every node`)
  // gossipsub grafts on its heartbeat (100 ms in tests); give it a few
  await new Promise(resolve => setTimeout(resolve, 500))
}

export async function stopAll (nodes: Array<{ stop: () => unknown } | undefined>): Promise<void> {
  await Promise.allSettled(nodes.map(async n => await n?.stop()))
}

/** n nodes in a line: node i bootstraps from node i-1 only, so the ends start with no direct connection. */
export async function startLine (n: number, opts: (i: number) => NodeOptions = () => ({})): Promise<MeshNode[]> {
  const nodes: MeshNode[] = []
  for (let i = 0; i < n; i++) {
    nodes.push(await startNode({ ...(i > 0 ? { bootstrap: nodes[i - 1]!.multiaddrs() } : {}), ...opts(i) }))
  }
  await waitFor(() => nodes.every((node, i) => i === 0 || node.peers().includes(nodes[i - 1]!.peerId)), 'each node connected to its predecessor')
  await waitForRouting(nodes)
  return nodes
}

export function randomHex (bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex')
}

/** Until every node has a DHT peer in its routing table (identify must have run first). */
export async function waitForRouting (nodes: MeshNode[]): Promise<void> {
  await waitFor(() => nodes.every(n => n.getStats().dht.routingTable > 0), 'a kad-dht routing table entry on every node')
}
