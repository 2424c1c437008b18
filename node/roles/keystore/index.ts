/**
 * The keystore role (issue 12): a threshold share of the secrets key, released partial by partial to the
 * workers assigned to a request after on-chain checks; the DKG that makes the shares; the worker's client.
 */
import type { Libp2p } from '@libp2p/interface'
import type { Logger } from '../../log.js'
import type { KeyPair } from '../../../protocol/index.js'
import type { PartialWithProof } from '../../../protocol/secrets/index.js'
import type { KeystoreChain } from './chain.js'
import { KeystoreNode } from './keystore.js'
import type { Dealer } from './reshare-run.js'

export { KeystoreError, type KeystoreErrorCode } from './errors.js'
export { KeystoreNode, type KeystoreStatus } from './keystore.js'
export { fetchSecrets, type FetchSecretsArgs, type FetchedSecrets, type Blame } from './client.js'
export { createKeystoreChain, type KeystoreChain, type SecretsRecord, type ReleaseView, type ReleaseViewArgs } from './chain.js'
export { GroupCache } from './group-cache.js'
export { RecordCache, type CachedRecord, type RecordKey } from './record-cache.js'
export { StreamPool } from './stream-pool.js'
export { evaluateAccess, checkCondition, type ChainViews, type Operator } from './access.js'
export { compilePattern, type CompiledPattern } from './pattern.js'
export { checkRelease, codeMatches, normaliseRepo } from './checks.js'
export { parseGroup, groupArgs, rotationDigest, type KeystoreGroup, type KeystoreMember, type GroupArgs } from './group.js'
export { keystoreProtocol, signRelease, verifyRelease, releaseContext, MAX_FRAME_BYTES, type ReleaseRequest, type KeystoreMessage, type KeystoreAnswer } from './wire.js'
export type { DkgRunArgs, DkgMember } from './dkg-run.js'
export { ReshareFailed, type ReshareRunArgs, type ReshareOutcome, type Dealer } from './reshare-run.js'
export type { ReshareConfirmation } from './keystore.js'

/** The libp2p surface the role uses: its own stream protocol, nothing else. */
export type KeystoreLibp2p = Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol' | 'peerId'>

export interface KeystoreInit {
  /** network name in the protocol id `/outlayer/<network>/keystore/1.0.0` */
  network: string
  /** the node's ed25519 key; its 32-byte seed seals the share at rest */
  nodeKey: KeyPair
  /** the share lives in `<dataDir>/keystore/share.json` */
  dataDir: string
  /** per-stream deadline for reading a request and writing the answer @default 5 s */
  timeoutMs?: number
  /** requests accepted per peer per minute @default 600 */
  maxRequestsPerMinute?: number
}

export interface KeystoreComponents {
  libp2p: KeystoreLibp2p
  chain: KeystoreChain
  logger: Logger
  /** makes the partial and its proof (tests inject a liar) @default provePartial */
  prove?: (share: bigint, ephemeral: Uint8Array, ctx: Uint8Array) => PartialWithProof
  /** makes this node's resharing dealing (tests inject a cheat) @default dealReshare */
  deal?: Dealer
}

export interface KeystoreEvents {
  'release:granted': [{ requestId: string, workerId: string }]
  'release:refused': [{ requestId: string, workerId: string, code: string }]
  'dkg:done': [{ session: string, groupKey: string }]
  'dkg:failed': [{ session: string, message: string }]
  'reshare:done': [{ session: string, version: number }]
  'reshare:failed': [{ session: string, message: string }]
}

export function keystore (init: KeystoreInit): (components: KeystoreComponents) => KeystoreNode {
  return (components) => new KeystoreNode(components, init)
}
