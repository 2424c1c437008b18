/**
 * Build records and wasm provider records over kad-dht. Thin wrappers that turn kad-dht's query event streams
 * into plain results (as DHTContentRouting does), and keep the merge rules of build-record.ts.
 */
import type { KadDHT } from '@libp2p/kad-dht'
import type { PeerId, PeerInfo } from '@libp2p/interface'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import { fromHex, isHex, type BuildAttestation } from '../../../protocol/index.js'
import { MeshError } from '../errors.js'
import type { MeshLogger } from '../logger.js'
import { ANY_KEY, checkAttestation, decodeBuildRecord, encodeBuildRecord, mergeRegistered, recordKeyBytes, type IsRegisteredKey } from './build-record.js'

const RAW_CODEC = 0x55
const SHA2_256 = 0x12

/** The CID a wasm is provided under: CIDv1, raw codec, sha2-256 of the wasm bytes. */
export function wasmCid (wasmHash: string): CID {
  if (!isHex(wasmHash, 32)) throw new MeshError('BAD_INPUT', 'a wasm hash is 32 bytes of lowercase hex')
  return CID.createV1(RAW_CODEC, createDigest(SHA2_256, fromHex(wasmHash)))
}

export interface DhtQueryOptions {
  signal?: AbortSignal
  /** only attestations by these builders are kept (see build-record.ts) @default ANY_KEY */
  isRegisteredKey?: IsRegisteredKey
}

/** Every valid attestation by a registered builder any reachable peer holds for this build key (the union). */
export async function findBuildRecords (dht: KadDHT, buildKey: string, log: MeshLogger, options: DhtQueryOptions = {}): Promise<BuildAttestation[]> {
  if (!isHex(buildKey, 32)) throw new MeshError('BAD_INPUT', 'a build key is 32 bytes of lowercase hex')
  const sets: BuildAttestation[][] = []
  const take = (value: Uint8Array, from: PeerId): void => {
    try {
      sets.push(decodeBuildRecord(value, buildKey))
    } catch (err) {
      log.debug({ buildKey, peer: from.toString(), err: (err as Error).message }, 'build record refused')
    }
  }
  try {
    for await (const event of dht.get(recordKeyBytes(buildKey), { signal: options.signal })) {
      if (event.name === 'VALUE') take(event.value, event.from)
      else if (event.name === 'PEER_RESPONSE' && event.record != null) take(event.record.value, event.from)
    }
  } catch (err) {
    // a failed query (no peers, aborted, correction refused) still leaves whatever was collected so far
    log.debug({ buildKey, err: (err as Error).message }, 'build record query ended with an error')
  }
  return mergeRegistered(options.isRegisteredKey ?? ANY_KEY, ...sets)
}

/**
 * Merges our attestation into what the network holds (registered builders only, so sybils stored by others are
 * dropped here) and puts the result; returns how many peers stored it.
 */
export async function putBuildRecord (dht: KadDHT, attestation: BuildAttestation, log: MeshLogger, options: DhtQueryOptions = {}): Promise<number> {
  const checked = checkAttestation(attestation, attestation.build_key)
  const existing = await findBuildRecords(dht, checked.build_key, log, options)
  // our own attestation stays even before the chain cache knows our key: the record must not be empty
  const value = encodeBuildRecord(mergeRegistered(k => k === checked.builder || (options.isRegisteredKey ?? ANY_KEY)(k), existing, [checked]))
  let stored = 0
  for await (const event of dht.put(recordKeyBytes(checked.build_key), value, { signal: options.signal })) {
    if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') stored++
    if (event.name === 'QUERY_ERROR') log.debug({ buildKey: checked.build_key, peer: event.from.toString(), err: event.error.message }, 'build record put refused by a peer')
  }
  return stored
}

export async function provideWasm (dht: KadDHT, wasmHash: string, options: DhtQueryOptions = {}): Promise<void> {
  for await (const _ of dht.provide(wasmCid(wasmHash), options)) { /* drain: the query runs as it is iterated */ }
}

/** Providers other than `self`, in the order the DHT found them, with their addresses when known. */
export async function findWasmProviders (dht: KadDHT, wasmHash: string, self: PeerId, log: MeshLogger, options: DhtQueryOptions = {}): Promise<PeerInfo[]> {
  const found = new Map<string, PeerInfo>()
  try {
    for await (const event of dht.findProviders(wasmCid(wasmHash), options)) {
      if (event.name !== 'PROVIDER') continue
      for (const p of event.providers) {
        if (!p.id.equals(self) && !found.has(p.id.toString())) found.set(p.id.toString(), p)
      }
    }
  } catch (err) {
    log.debug({ wasmHash, err: (err as Error).message }, 'provider query ended with an error')
  }
  return [...found.values()]
}
