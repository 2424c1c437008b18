/**
 * Builds the libp2p node: tcp + noise + yamux, identify, ping (kad-dht requires it), bootstrap, gossipsub 17 and
 * kad-dht 16 under our own protocol id. The only place that knows which libp2p modules we use; tests reuse it to
 * build a misbehaving peer with the exact same stack.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { bootstrap } from '@libp2p/bootstrap'
import { gossipsub, StrictNoSign, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper, type KadDHT, type Selectors, type Validators } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import type { Identify } from '@libp2p/identify'
import type { Ping } from '@libp2p/ping'
import type { ConnectionGater, PeerDiscovery, PrivateKey } from '@libp2p/interface'
import { createLibp2p, type Libp2p, type Libp2pOptions } from 'libp2p'
import { GOSSIP_TOPIC_NAMES, gossipTopic, kadProtocol } from '../../protocol/index.js'
import { SCORE_THRESHOLDS, scoreParams } from './score.js'

export interface MeshServices {
  identify: Identify
  ping: Ping
  pubsub: GossipSub
  dht: KadDHT
  [key: string]: unknown
}

export type MeshLibp2p = Libp2p<MeshServices>

/** The connection stack, replaceable as a whole per part (sim/ runs the node over a simulated network with it). */
export interface Libp2pStack {
  /** @default [tcp()] */
  transports?: Libp2pOptions['transports']
  /** @default [noise()] */
  connectionEncrypters?: Libp2pOptions['connectionEncrypters']
  /** @default [yamux()] */
  streamMuxers?: Libp2pOptions['streamMuxers']
}

export interface BuildLibp2pArgs {
  network: string
  privateKey?: PrivateKey
  listen: string[]
  bootstrap: string[]
  /** gossipsub heartbeat; 1 s in production, ~100 ms in tests so meshes form quickly */
  heartbeatMs: number
  /** the largest gossipsub RPC frame accepted on a stream; a frame may batch several envelopes */
  maxRpcBytes: number
  dhtValidators: Validators
  dhtSelectors: Selectors
  /** peers we refuse to connect to or accept (banned for flooding) @default none */
  isBanned?: (peerId: string) => boolean
  /** gossipsub app-specific score (≤ 0: our penalties) @default 0 for every peer */
  appScore?: (peerId: string) => number
  /** replaces parts of tcp + noise + yamux; only for simulations and tests */
  stack?: Libp2pStack
}

export function meshTopics (network: string): string[] {
  return GOSSIP_TOPIC_NAMES.map(name => gossipTopic(network, name))
}

/** Banned peers get no connection either way: a disconnected flooder must not simply dial back in. */
function bannedGater (isBanned: (peerId: string) => boolean): ConnectionGater {
  return {
    denyDialPeer: (peerId) => isBanned(peerId.toString()),
    denyInboundEncryptedConnection: (peerId) => isBanned(peerId.toString()),
    denyOutboundEncryptedConnection: (peerId) => isBanned(peerId.toString())
  }
}

export async function buildLibp2p (args: BuildLibp2pArgs): Promise<MeshLibp2p> {
  const peerDiscovery: Array<(components: any) => PeerDiscovery> = []
  if (args.bootstrap.length > 0) peerDiscovery.push(bootstrap({ list: args.bootstrap, timeout: 0 }))
  return await createLibp2p<MeshServices>({
    ...(args.privateKey != null ? { privateKey: args.privateKey } : {}),
    start: false,
    addresses: { listen: args.listen },
    transports: args.stack?.transports ?? [tcp()],
    connectionEncrypters: args.stack?.connectionEncrypters ?? [noise()],
    streamMuxers: args.stack?.streamMuxers ?? [yamux()],
    peerDiscovery,
    ...(args.isBanned != null ? { connectionGater: bannedGater(args.isBanned) } : {}),
    // libp2p's default of 5 inbound connections per second per host refused peers that joined together from one
    // address (a simulation on 127.0.0.1, runners behind one NAT); each connection still costs a noise handshake
    connectionManager: { inboundConnectionThreshold: 50 },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        // our envelope carries its own ed25519 signature; a second libp2p signature would add bytes and nothing
        // else. Without it, message ids are sha256(data): identical bytes are deduped by gossipsub itself.
        globalSignaturePolicy: StrictNoSign,
        emitSelf: false,
        allowPublishToZeroTopicPeers: true,
        heartbeatInterval: args.heartbeatMs,
        maxInboundDataLength: args.maxRpcBytes,
        allowedTopics: meshTopics(args.network),
        scoreParams: scoreParams(meshTopics(args.network), args.appScore),
        scoreThresholds: SCORE_THRESHOLDS
      }),
      dht: kadDHT({
        protocol: kadProtocol(args.network),
        clientMode: false,
        // keep loopback/private addresses: local meshes and LANs are first-class here
        peerInfoMapper: passthroughMapper,
        validators: args.dhtValidators,
        selectors: args.dhtSelectors,
        // small networks: a query with zero peers is an immediate "not found", not an error
        allowQueryWithZeroPeers: true
      })
    }
  })
}
