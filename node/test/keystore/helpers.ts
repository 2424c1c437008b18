/**
 * A localnet with the outlayer contract and bonded workers (contract/test/world.ts), keystore nodes on real
 * libp2p over TCP on 127.0.0.1, their DKG, the published group, and the FT / NFT / DAO test contracts.
 * Every keystore node logs into `logs` (pino, debug level) so tests can grep for leaked secrets.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFile } from 'node:fs/promises'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { JsonRpcProvider } from 'near-api-js'
import { pino, type Logger } from 'pino'
import { bytesToHex } from '@noble/hashes/utils.js'
import { keyPairFromSeed, publicKeyToString, sha256, type KeyPair } from '../../../protocol/index.js'
import type { PartialWithProof } from '../../../protocol/secrets/index.js'
import { ensureContracts } from '../../../scripts/build-contract.js'
import { deployContract } from '../../../scripts/deploy.js'
import { NEAR, call, startWorld, type World } from '../../../contract/test/world.js'
import { createKeystoreChain, groupArgs, keystore, type Dealer, type KeystoreChain, type KeystoreNode } from '../../roles/keystore/index.js'

export const NETWORK = 'localnet'
/** the resource limits of the tests' requests */
export const LIMITS = { max_instructions: 1_000_000_000, max_memory_mb: 64, max_execution_seconds: 10 }

export interface Member {
  libp2p: Libp2p
  privateKey: PrivateKey
  nodeKey: KeyPair
  dataDir: string
  node: KeystoreNode
  account: string
}

export interface KeystoreWorld {
  w: World
  chain: KeystoreChain
  members: Member[]
  logs: string[]
  logger: Logger
  /** a libp2p node the workers' fetchSecrets dials from */
  client: Libp2p
  tokens: { ft: string, nft: string, dao: string }
  stop: () => Promise<void>
}

export async function newLibp2p (privateKey?: PrivateKey): Promise<Libp2p> {
  return await createLibp2p({
    ...(privateKey != null ? { privateKey } : {}),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: 100 }
  })
}

/** Every node dials every other one, so dialProtocol by peer id finds addresses in the peer store. */
export async function connectAll (nodes: Libp2p[]): Promise<void> {
  for (const a of nodes) for (const b of nodes) if (a !== b) await a.dial(b.getMultiaddrs()[0]!)
}

export function memberNodeKey (i: number): KeyPair {
  return keyPairFromSeed(sha256(`keystore-test/member/${i}`))
}

/** A cheating part for one member: a liar's partials, or a dealer's bad resharing dealing. */
export interface Cheat { prove?: (s: bigint, e: Uint8Array, c: Uint8Array) => PartialWithProof, deal?: Dealer }

export async function startMember (i: number, dataDir: string, logger: Logger, chain: KeystoreChain, privateKey?: PrivateKey, cheat?: Cheat['prove'] | Cheat): Promise<Member> {
  const key = privateKey ?? await generateKeyPair('Ed25519')
  const libp2p = await newLibp2p(key)
  const nodeKey = memberNodeKey(i)
  const parts: Cheat = typeof cheat === 'function' ? { prove: cheat } : cheat ?? {}
  const node = keystore({ network: NETWORK, nodeKey, dataDir })({ libp2p, chain, logger: logger.child({ member: i }), ...parts })
  await node.start()
  return { libp2p, privateKey: key, nodeKey, dataDir, node, account: `ks${i}.test.near` }
}

export interface StartOptions { members: number, threshold: number, workers?: number }

export async function startKeystoreWorld (opts: StartOptions): Promise<KeystoreWorld> {
  // long yields and the longest commit window: a request stays pending, and a backup stays refused, for a whole test
  const w = await startWorld({ workers: opts.workers ?? 3, accounts: (opts.workers ?? 3) + 4, yieldTimeoutBlocks: 100_000, config: { commit_window_blocks: 75 } })
  const logs: string[] = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => { logs.push(line) } })
  const provider = new JsonRpcProvider({ url: w.net.rpcUrl }, { retries: 2, wait: 100, backoff: 1.5 })
  const chain = createKeystoreChain({ provider, contractId: w.contractId })
  const members: Member[] = []
  for (let i = 0; i < opts.members; i++) members.push(await startMember(i, await mkdtemp(join(tmpdir(), `keystore-${i}-`)), logger, chain))
  const client = await newLibp2p()
  await connectAll([...members.map(m => m.libp2p), client])
  const paths = await ensureContracts()
  const tokens = { ft: `ft.${w.net.root.accountId}`, nft: `nft.${w.net.root.accountId}`, dao: `dao.${w.net.root.accountId}` }
  const deploy = async (contractId: string, wasm: string, initArgs: Record<string, unknown>): Promise<void> => {
    await deployContract({ rpcUrl: w.net.rpcUrl, masterAccountId: w.net.root.accountId, masterSecretKey: w.net.root.secretKey, contractId, wasm: await readFile(wasm), initArgs, initialBalance: 5n * NEAR })
  }
  await deploy(tokens.ft, paths.ft, { owner_id: w.net.root.accountId, total_supply: '1000000' })
  await deploy(tokens.nft, paths.nft, { owner_id: w.net.root.accountId })
  await deploy(tokens.dao, paths.dao, { owner_id: w.net.root.accountId, roles: ['council'] })
  return {
    w, chain, members, logs, logger, client, tokens,
    stop: async () => {
      for (const m of members) { await m.node.stop(); await m.libp2p.stop() }
      await client.stop()
      await w.stop()
      for (const m of members) await rm(m.dataDir, { recursive: true, force: true })
    }
  }
}

/** Runs the DKG on every member (or those of `among`) at once and publishes the group with set_keystore_group (the owner, once). */
export async function dkgAndPublish (k: KeystoreWorld, threshold: number, session = 'genesis', among: Member[] = k.members): Promise<Uint8Array> {
  const members = among.map(m => ({ peer_id: m.libp2p.peerId.toString() }))
  const results = await Promise.all(among.map(async (m, index) => await m.node.runDkg({ session, members, index, threshold, timeoutMs: 20_000 })))
  const first = results[0]!
  const group = groupArgs(first.groupKey, threshold, among.map((m, i) => ({
    account_id: m.account,
    peer_id: m.libp2p.peerId.toString(),
    public_key: publicKeyToString(m.nodeKey.publicKey),
    verifying_share: bytesToHex(first.verifyingShares[results[i]!.identifier]!)
  })))
  await call(k.w, k.w.root, 'set_keystore_group', { group })
  return first.groupKey
}
