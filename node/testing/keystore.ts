/**
 * A local mesh's keystore, set up as an operator and an owner would: every node with the keystore role runs the
 * DKG (through `node.keystore`), the contract owner (localnet's root) publishes the group with
 * `set_keystore_group`, and the user stores a profile encrypted to it for one wasm hash. Used by `npm start`
 * and node/test/mesh/secrets.test.ts.
 */
import { bytesToHex } from '@noble/hashes/utils.js'
import { Account, KeyPairSigner, type KeyPairString } from 'near-api-js'
import { parseSecretKey, publicKeyToString } from '../../protocol/index.js'
import { encryptSecrets } from '../../protocol/secrets/index.js'
import { groupArgs } from '../roles/keystore/index.js'
import type { LocalMesh } from './local-mesh.js'

const GAS = 300n * 10n ** 12n
/** store_secrets' storage deposit (the excess is refunded) */
const SECRETS_DEPOSIT = 10n ** 23n

async function send (mesh: LocalMesh, from: { accountId: string, secretKey: string }, methodName: string, args: Record<string, unknown>, deposit = 0n): Promise<void> {
  const account = new Account(from.accountId, mesh.user.client.provider, KeyPairSigner.fromSecretKey(from.secretKey as KeyPairString))
  await account.callFunction({ contractId: mesh.contractId, methodName, args, deposit, gas: GAS, waitUntil: 'FINAL' })
}

/** DKG among the mesh's keystore nodes and the group published on chain; returns the group key. */
export async function setUpKeystore (mesh: LocalMesh, threshold: number): Promise<Uint8Array> {
  const nodes = mesh.nodes.filter(n => n?.keystore != null).map(n => n!)
  const members = nodes.map(n => ({ peer_id: n.mesh.peerId }))
  const runs = await Promise.all(nodes.map(async (n, index) => await n.keystore!.runDkg({ session: 'genesis', members, index, threshold, timeoutMs: 30_000 })))
  const { groupKey, verifyingShares } = runs[0]!
  const group = groupArgs(groupKey, threshold, nodes.map((n, i) => ({
    account_id: n.config.near.accountId,
    peer_id: n.mesh.peerId,
    public_key: publicKeyToString(parseSecretKey(n.config.signingKey).publicKey),
    verifying_share: bytesToHex(verifyingShares[runs[i]!.identifier]!)
  })))
  await send(mesh, mesh.net.root, 'set_keystore_group', { group })
  return groupKey
}

/** The user's profile for the wasm `hash`, encrypted to the group and stored with access AllowAll. */
export async function storeProfile (mesh: LocalMesh, groupKey: Uint8Array, args: { hash: string, profile: string, env: Record<string, string> }): Promise<void> {
  const owner = mesh.user.accountId
  const blob = encryptSecrets(groupKey, { owner, accessor: `wasm:${args.hash}`, profile: args.profile }, args.env)
  await send(mesh, mesh.user, 'store_secrets', {
    accessor: { WasmHash: { hash: args.hash } }, profile: args.profile, encrypted_secrets_base64: Buffer.from(blob).toString('base64'), access: 'AllowAll'
  }, SECRETS_DEPOSIT)
}
