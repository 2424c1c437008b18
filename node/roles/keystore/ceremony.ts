/**
 * The DKG ceremony of `outlayer keystore dkg`: the member nodes of this machine (stopped: the ceremony binds
 * their p2p identities) each run on a bare libp2p (tcp + noise + yamux, the keystore protocol only), dial the
 * other members at the addresses the member list gives, run one DKG session together with the members on
 * other machines, and seal their shares into their data dirs. Returns the group every member computed, ready for
 * set_keystore_group. Nothing is kept when any member fails (runDkg's guarantee).
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { bytesToHex } from '@noble/hashes/utils.js'
import { createLibp2p } from 'libp2p'
import type { KeyPair } from '../../../protocol/index.js'
import { memberIdentifier } from '../../../protocol/secrets/index.js'
import type { Logger } from '../../log.js'
import type { KeystoreChain } from './chain.js'
import { KeystoreError } from './errors.js'
import { groupArgs, type GroupArgs } from './group.js'
import { KeystoreNode } from './keystore.js'

/** One member of the group, in the agreed order (member k gets FROST identifier k+1). */
export interface CeremonyMember {
  account_id: string
  peer_id: string
  /** ed25519:… node key (it seals the share and signs rotations) */
  public_key: string
  /** where the others dial it during the ceremony (ignored for this machine's members) */
  addrs: string[]
}

/** A member node of this machine. */
export interface LocalMember {
  privateKey: PrivateKey
  listen: string[]
  nodeKey: KeyPair
  dataDir: string
}

/** What both ceremonies (DKG, resharing) are run with. */
export interface CeremonyBase {
  network: string
  local: LocalMember[]
  /** of the group being made */
  threshold: number
  session: string
  /** the whole run @default 120 s */
  timeoutMs?: number
  /** the members' chain view (their release handler is up during the run, like a started node's) */
  chain: KeystoreChain
  logger: Logger
}

export interface CeremonyArgs extends CeremonyBase {
  members: CeremonyMember[]
}

const MAX_MEMBERS = 16

function check (args: CeremonyArgs): number[] {
  const n = args.members.length
  if (n < 2 || n > MAX_MEMBERS) throw new KeystoreError('DKG_FAILED', `a group has 2..${MAX_MEMBERS} members, not ${n}`)
  if (!Number.isInteger(args.threshold) || args.threshold < 2 || args.threshold > n) throw new KeystoreError('DKG_FAILED', `the threshold must be 2..${n}, not ${args.threshold}`)
  for (const key of ['peer_id', 'account_id', 'public_key'] as const) {
    if (new Set(args.members.map(m => m[key])).size !== n) throw new KeystoreError('DKG_FAILED', `two members share a ${key}`)
  }
  if (args.local.length === 0) throw new KeystoreError('DKG_FAILED', 'no member of the group runs on this machine')
  return args.local.map(l => {
    const peer = peerIdFromPrivateKey(l.privateKey).toString()
    const index = args.members.findIndex(m => m.peer_id === peer)
    if (index < 0) throw new KeystoreError('DKG_FAILED', `the node ${peer} is not in the member list`)
    return index
  })
}

/** This machine's member nodes, each on a bare libp2p with its keystore started, and the addresses of the others learned. */
export interface LocalNodes {
  nodes: Array<{ libp2p: Libp2p, keystore: KeystoreNode }>
  stop: () => Promise<void>
}

export interface StartLocalArgs {
  network: string
  local: LocalMember[]
  /** every other participant and where to dial it (this machine's members are dialled where they listen now) */
  peers: Array<{ peer_id: string, addrs: string[] }>
  chain: KeystoreChain
  logger: Logger
}

export async function startLocalMembers (args: StartLocalArgs): Promise<LocalNodes> {
  const nodes: LocalNodes['nodes'] = []
  const stop = async (): Promise<void> => {
    for (const { libp2p, keystore } of nodes.reverse()) {
      await keystore.stop()
      await libp2p.stop()
    }
  }
  try {
    for (const l of args.local) {
      const libp2p = await createLibp2p({
        privateKey: l.privateKey,
        addresses: { listen: l.listen },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()]
      })
      const keystore = new KeystoreNode({ libp2p, chain: args.chain, logger: args.logger.child({ member: libp2p.peerId.toString() }) }, { network: args.network, nodeKey: l.nodeKey, dataDir: l.dataDir })
      nodes.push({ libp2p, keystore })
      await keystore.start()
    }
    // a tcp/0 port is known only once bound
    const addrsOf = (peer: { peer_id: string, addrs: string[] }): string[] =>
      nodes.find(n => n.libp2p.peerId.toString() === peer.peer_id)?.libp2p.getMultiaddrs().map(a => a.toString()) ?? peer.addrs
    for (const { libp2p } of nodes) {
      for (const peer of args.peers) {
        if (peer.peer_id === libp2p.peerId.toString()) continue
        await libp2p.peerStore.merge(peerIdFromString(peer.peer_id), { multiaddrs: addrsOf(peer).map(a => multiaddr(a)) })
      }
    }
    return { nodes, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

export async function runCeremony (args: CeremonyArgs): Promise<GroupArgs> {
  const indexes = check(args)
  const { nodes, stop } = await startLocalMembers({ network: args.network, local: args.local, peers: args.members, chain: args.chain, logger: args.logger })
  try {
    const members = args.members.map(m => ({ peer_id: m.peer_id }))
    const results = await Promise.all(nodes.map(async ({ keystore }, i) =>
      await keystore.runDkg({ session: args.session, members, index: indexes[i]!, threshold: args.threshold, timeoutMs: args.timeoutMs ?? 120_000 })))
    const first = results[0]!
    const group = groupArgs(first.groupKey, args.threshold, args.members.map((m, k) => {
      const share = first.verifyingShares[memberIdentifier(k)]
      if (share == null) throw new KeystoreError('DKG_FAILED', `no verifying share for member ${k}`)
      return { account_id: m.account_id, peer_id: m.peer_id, public_key: m.public_key, verifying_share: bytesToHex(share) }
    }))
    for (const r of results) {
      if (bytesToHex(r.groupKey) !== group.group_key) throw new KeystoreError('DKG_FAILED', 'the members computed different group keys')
    }
    return group
  } finally {
    await stop()
  }
}
