/**
 * A misbehaving peer for the tests: the same libp2p stack as a MeshNode (node/p2p/libp2p.ts) but no validators
 * and no envelope signing, so it can put any bytes on any topic or serve any bytes for a wasm.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { lpStream } from '@libp2p/utils'
import { WASM_TRANSFER_PROTOCOL, gossipTopic, type GossipTopicName } from '../../../protocol/index.js'
import { wasmCid } from '../../p2p/dht/records.js'
import { CHUNK_BYTES, encodeFrame } from '../../p2p/transfer/wire.js'
import { BUILD_RECORD_NAMESPACE, selectBuildRecord, validateBuildRecord } from '../../p2p/dht/build-record.js'
import { buildLibp2p, type MeshLibp2p } from '../../p2p/libp2p.js'
import { NETWORK, waitFor } from './helpers.js'

/** `network`: whose topics it may publish on (a local mesh's is its config's) */
export async function startAttacker (connectTo: string[], network = NETWORK): Promise<MeshLibp2p> {
  const libp2p = await buildLibp2p({
    network,
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [],
    heartbeatMs: 100,
    maxRpcBytes: 4 * 1024 * 1024,
    dhtValidators: { [BUILD_RECORD_NAMESPACE]: validateBuildRecord },
    dhtSelectors: { [BUILD_RECORD_NAMESPACE]: selectBuildRecord }
  })
  await libp2p.start()
  for (const addr of connectTo) await libp2p.dial(multiaddr(addr))
  return libp2p
}

/** Publishes raw bytes once the target peer is known to be subscribed to the topic. */
export async function publishRaw (attacker: MeshLibp2p, topic: GossipTopicName, data: Uint8Array, targetPeerId: string): Promise<void> {
  const t = gossipTopic(NETWORK, topic)
  attacker.services.pubsub.subscribe(t)
  await waitFor(() => attacker.services.pubsub.getSubscribers(t).some(p => p.toString() === targetPeerId), `attacker sees ${targetPeerId} on ${topic}`)
  await attacker.services.pubsub.publish(t, data)
}

export interface LyingServerArgs {
  /** the bytes served for any requested hash */
  body: Uint8Array
  /** the size announced in the header (defaults to the body's length) */
  announcedSize?: number
}

/** Serves `/outlayer/wasm/1.0.0` in the right wire format but with whatever bytes it was told to send. */
export async function serveLies (attacker: MeshLibp2p, args: LyingServerArgs): Promise<void> {
  await attacker.handle(WASM_TRANSFER_PROTOCOL, async (stream) => {
    const lp = lpStream(stream)
    await lp.read()
    await lp.write(encodeFrame({ status: 'ok', size: args.announcedSize ?? args.body.length }))
    for (let i = 0; i < args.body.length; i += CHUNK_BYTES) await lp.write(args.body.subarray(i, i + CHUNK_BYTES))
    await stream.close()
  })
}

/** Provides once the attacker's DHT knows a peer: right after a dial, identify has not yet put one in its table. */
export async function provideFrom (attacker: MeshLibp2p, wasmHash: string): Promise<void> {
  const table = (attacker.services.dht as unknown as { routingTable: { size: number } }).routingTable
  await waitFor(() => table.size > 0, 'a peer in the attacker\'s DHT routing table')
  for await (const _ of attacker.services.dht.provide(wasmCid(wasmHash))) { /* drain */ }
}

/**
 * Serves `/outlayer/wasm/1.0.0` by reading the request and never answering (a stalling sybil provider).
 * Returns a counter of the streams it stalled.
 */
export async function serveStalls (attacker: MeshLibp2p): Promise<{ opened: () => number }> {
  let opened = 0
  await attacker.handle(WASM_TRANSFER_PROTOCOL, async (stream) => {
    opened++
    const lp = lpStream(stream)
    await lp.read().catch(() => {})
    // hold the stream open until the fetcher gives up on it
    await new Promise<void>(resolve => { stream.addEventListener('close', () => resolve(), { once: true }) })
  })
  return { opened: () => opened }
}
