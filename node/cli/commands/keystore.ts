/**
 * `outlayer keystore dkg|set-group`: making the threshold keystore's group (issue 12).
 *
 *   keystore dkg --config F [--config F …] --threshold t [--members M] [--session S] [--out G] [--force]
 *                [--publish --contract-id C (--keys-file F | --account-id A --secret-key K) [--rpc-url U]]
 *     Each --config is a keystore node of this machine, stopped (the ceremony binds its p2p key and listen
 *     addresses). They run one DKG session with the other members: each seals its share into
 *     <dataDir>/keystore/share.json under its signing key, and the group (group key, threshold, members and
 *     their verifying shares) is printed as JSON, written to --out, and with --publish set on the contract with
 *     the owner's key. --members lists every member in the agreed order, [{account_id, peer_id, public_key,
 *     addrs}], for a group spread over machines: each operator runs this at the same time with the same
 *     --members, --threshold and --session. Without --members the --config nodes are the whole group, in order.
 *   keystore set-group --group G --contract-id C (owner credentials): publishes a group printed by dkg.
 *   keystore reshare --config F [--config F …] --members M --threshold t [--dealers D] [--session S]
 *                [--publish (--keys-file F | --account-id A --secret-key K)]
 *     Redeals the published group's key to the member list M (same JSON as dkg's --members) at threshold t:
 *     the dealers (D: [{peer_id, addrs}], by default every member of the published group, dialled at the
 *     addresses M gives) each deal their share, every participant checks the dealings, and the dealers sign the
 *     new group. --publish sends rotate_keystore_group (any account may: the contract checks that t current
 *     members signed); without it another participant publishes and this waits. Once the group is on chain
 *     each --config node takes its new share and erases the old one (a node leaving erases its share). The
 *     group key does not change: everything encrypted to it still opens. The group is printed as JSON.
 *
 * The owner sets only the first group (set_keystore_group refuses a second); later groups are rotations that t
 * current members sign. A data dir that holds a share already is refused without --force: replacing a share
 * the published group uses loses what was encrypted to it.
 */
import type { Command } from 'commander'
import { access, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Account, JsonRpcProvider, KeyPair, KeyPairSigner, type KeyPairString } from 'near-api-js'
import { TGAS, parseSecretKey, publicKeyToString } from '../../../protocol/index.js'
import { ConfigError, loadConfig, type NodeConfig } from '../../config.js'
import { decodeP2pKey, peerIdOfP2pKey } from '../../keys.js'
import { createLogger } from '../../log.js'
import { createKeystoreChain, type GroupArgs } from '../../roles/keystore/index.js'
import { runCeremony, type CeremonyMember } from '../../roles/keystore/ceremony.js'
import { runReshareCeremony } from '../../roles/keystore/reshare-ceremony.js'
import { UsageError } from '../exit-codes.js'
import { intFlag, signerOptions } from '../flags.js'
import { credentials } from './request.js'

interface OwnerOptions {
  contractId?: string
  rpcUrl?: string
  networkId?: string
  accountId?: string
  secretKey?: string
  keysFile?: string
}

interface DkgOptions extends OwnerOptions {
  config: string[]
  threshold: string
  members?: string
  session: string
  timeoutMs: string
  out?: string
  force?: boolean
  publish?: boolean
}

interface ReshareOptions extends OwnerOptions {
  config: string[]
  members: string
  threshold: string
  dealers?: string
  session: string
  timeoutMs: string
  publish?: boolean
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]

function owner (cmd: Command): Command {
  return signerOptions(cmd
    .option('--contract-id <C>', 'the outlayer contract account (default: the first --config\'s)')
    .option('--rpc-url <U>', 'NEAR JSON-RPC URL (default: the first --config\'s)'), 'the contract owner')
}

export function register (program: Command): void {
  const keystore = program.command('keystore').description('the threshold keystore: run the DKG among its members, publish the group')
  owner(keystore.command('dkg').description('run the DKG for this machine\'s keystore nodes with the other members; seal each share; print (and --publish) the group'))
    .requiredOption('--config <F>', 'config.json of a keystore node of this machine (repeatable)', collect, [])
    .requiredOption('--threshold <t>', 'partials needed to decrypt (2..members)')
    .option('--members <F>', 'every member in order: JSON [{account_id, peer_id, public_key, addrs}] (default: the --config nodes)')
    .option('--session <S>', 'session name every member uses for this run', 'genesis')
    .option('--timeout-ms <N>', 'give up (keeping nothing) after this long', '120000')
    .option('--out <G>', 'also write the group JSON here')
    .option('--force', 'replace a share already in a data dir (what was encrypted to it is lost)')
    .option('--publish', 'set the group on the contract with the owner\'s key (set_keystore_group)')
    .action(async (opts: DkgOptions) => { await dkg(opts) })
  owner(keystore.command('reshare').description('redeal the published group\'s key to a new member list and threshold (same group key); --publish sends rotate_keystore_group'))
    .requiredOption('--config <F>', 'config.json of a keystore node of this machine, a dealer or a new member (repeatable)', collect, [])
    .requiredOption('--members <F>', 'the new group in order: JSON [{account_id, peer_id, public_key, addrs}]')
    .requiredOption('--threshold <t>', 'partials the new group needs (2..members)')
    .option('--dealers <F>', 'the old members that deal: JSON [{peer_id, addrs}] (default: every member of the published group)')
    .option('--session <S>', 'session name every participant uses for this run', 'reshare')
    .option('--timeout-ms <N>', 'give up (keeping the old shares) after this long', '120000')
    .option('--publish', 'send rotate_keystore_group with the dealers\' signatures (any account pays the gas)')
    .action(async (opts: ReshareOptions) => { await reshare(opts) })
  owner(keystore.command('set-group').description('publish a group printed by `keystore dkg` (the contract owner, once)'))
    .requiredOption('--group <G>', 'the group JSON written by `keystore dkg --out`')
    .action(async (opts: OwnerOptions & { group: string }) => {
      let group: GroupArgs
      try { group = JSON.parse(await readFile(opts.group, 'utf8')) as GroupArgs } catch (err) { throw new UsageError(`--group: cannot read ${opts.group} as JSON (${(err as Error).message})`) }
      await publish(opts, group)
    })
}

async function configOf (path: string): Promise<NodeConfig> {
  try { return await loadConfig(path) } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`--config: ${err.message}`)
    throw err
  }
}

const memberOf = (c: NodeConfig): CeremonyMember => ({
  account_id: c.near.accountId,
  peer_id: peerIdOfP2pKey(c.p2p.privateKey),
  public_key: publicKeyToString(parseSecretKey(c.signingKey).publicKey),
  addrs: c.p2p.listen
})

async function membersFile (path: string): Promise<CeremonyMember[]> {
  let v: unknown
  try { v = JSON.parse(await readFile(path, 'utf8')) } catch (err) { throw new UsageError(`--members: cannot read ${path} as JSON (${(err as Error).message})`) }
  const str = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 256
  if (!Array.isArray(v) || !v.every(m => m != null && str(m.account_id) && str(m.peer_id) && str(m.public_key) && Array.isArray(m.addrs) && (m.addrs as unknown[]).every(str))) {
    throw new UsageError('--members: expected [{account_id, peer_id, public_key, addrs: [multiaddr]}]')
  }
  return v as CeremonyMember[]
}

const exists = async (path: string): Promise<boolean> => await access(path).then(() => true, () => false)

async function dkg (opts: DkgOptions): Promise<void> {
  if (opts.config.length === 0) throw new UsageError('--config: at least one keystore node of this machine')
  const configs = await Promise.all(opts.config.map(configOf))
  const members = opts.members != null ? await membersFile(opts.members) : configs.map(memberOf)
  const threshold = intFlag(opts.threshold, '--threshold', { min: 2, max: members.length })
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(opts.session)) throw new UsageError('--session: 1..64 of A-Z a-z 0-9 _ -')
  const first = configs[0]!
  for (const c of configs) {
    if (c.network !== first.network || c.near.contractId !== first.near.contractId) throw new UsageError('--config: every node must be on the same network and contract')
    const share = join(c.dataDir, 'keystore', 'share.json')
    if (opts.force !== true && await exists(share)) throw new UsageError(`${share} exists: this node holds a share already (--force replaces it, losing what was encrypted to it)`)
  }
  const provider = new JsonRpcProvider({ url: opts.rpcUrl ?? first.near.rpcUrl }, { retries: 2, wait: 250, backoff: 1.5 })
  // a bad member list or a member failing mid-way is a KeystoreError (DKG_FAILED): nothing was kept
  const group = await runCeremony({
      network: first.network,
      members,
      local: configs.map(c => ({ privateKey: decodeP2pKey(c.p2p.privateKey), listen: c.p2p.listen, nodeKey: parseSecretKey(c.signingKey), dataDir: c.dataDir })),
      threshold,
      session: opts.session,
      timeoutMs: intFlag(opts.timeoutMs, '--timeout-ms', { min: 1_000 }),
      chain: createKeystoreChain({ provider, contractId: opts.contractId ?? first.near.contractId }),
      // the ceremony's own lines are few; OUTLAYER_LOG_LEVEL=info shows every member's
      logger: createLogger('outlayer-keystore', process.env.OUTLAYER_LOG_LEVEL == null ? { level: 'warn' } : {})
    })
  const text = JSON.stringify(group, null, 2) + '\n'
  if (opts.out != null) await writeFile(opts.out, text)
  process.stdout.write(text)
  if (opts.publish === true) await publish({ ...opts, contractId: opts.contractId ?? first.near.contractId, rpcUrl: opts.rpcUrl ?? first.near.rpcUrl }, group)
}

async function publish (opts: OwnerOptions, group: GroupArgs, signatures?: Array<{ account_id: string, signature: string }>): Promise<void> {
  if (opts.contractId == null) throw new UsageError('--contract-id is required')
  const creds = await credentials(opts)
  const provider = new JsonRpcProvider({ url: creds.rpcUrl }, { retries: 2, wait: 250, backoff: 1.5 })
  const account = new Account(creds.accountId, provider, new KeyPairSigner(KeyPair.fromString(creds.secretKey as KeyPairString)))
  // the first group is the owner's; any later one is a rotation t current members signed
  const [methodName, args] = signatures == null ? ['set_keystore_group', { group }] : ['rotate_keystore_group', { group, signatures }]
  await account.callFunction({ contractId: opts.contractId, methodName, args, gas: 100n * TGAS })
  process.stderr.write(`${methodName} on ${opts.contractId}: ${group.members.length} members, threshold ${group.threshold}, group key ${group.group_key.slice(0, 16)}…\n`)
}

async function dealersFile (path: string): Promise<Array<{ peer_id: string, addrs: string[] }>> {
  let v: unknown
  try { v = JSON.parse(await readFile(path, 'utf8')) } catch (err) { throw new UsageError(`--dealers: cannot read ${path} as JSON (${(err as Error).message})`) }
  const str = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 256
  if (!Array.isArray(v) || !v.every(d => d != null && str(d.peer_id) && Array.isArray(d.addrs) && (d.addrs as unknown[]).every(str))) {
    throw new UsageError('--dealers: expected [{peer_id, addrs: [multiaddr]}]')
  }
  return v as Array<{ peer_id: string, addrs: string[] }>
}

async function reshare (opts: ReshareOptions): Promise<void> {
  if (opts.config.length === 0) throw new UsageError('--config: at least one keystore node of this machine')
  const configs = await Promise.all(opts.config.map(configOf))
  const members = await membersFile(opts.members)
  const threshold = intFlag(opts.threshold, '--threshold', { min: 2, max: members.length })
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(opts.session)) throw new UsageError('--session: 1..64 of A-Z a-z 0-9 _ -')
  const first = configs[0]!
  if (configs.some(c => c.network !== first.network || c.near.contractId !== first.near.contractId)) throw new UsageError('--config: every node must be on the same network and contract')
  const contractId = opts.contractId ?? first.near.contractId
  const rpcUrl = opts.rpcUrl ?? first.near.rpcUrl
  const chain = createKeystoreChain({ provider: new JsonRpcProvider({ url: rpcUrl }, { retries: 2, wait: 250, backoff: 1.5 }), contractId })
  let dealers = opts.dealers != null ? await dealersFile(opts.dealers) : undefined
  if (dealers == null) {
    const current = await chain.getGroup()
    if (current == null) throw new UsageError('no keystore group is published: make the first one with `outlayer keystore dkg`')
    // a dealer of this machine is dialled where it listens; any other must be in --members (or give --dealers)
    const local = new Set(configs.map(c => peerIdOfP2pKey(c.p2p.privateKey)))
    dealers = current.members.map(m => {
      const addrs = members.find(n => n.peer_id === m.peer_id)?.addrs
      if (addrs == null && !local.has(m.peer_id)) throw new UsageError(`dealer ${m.account_id} is not in --members: give its address with --dealers`)
      return { peer_id: m.peer_id, addrs: addrs ?? [] }
    })
  }
  const outcome = await runReshareCeremony({
    network: first.network,
    contractId,
    members,
    dealers,
    local: configs.map(c => ({ privateKey: decodeP2pKey(c.p2p.privateKey), listen: c.p2p.listen, nodeKey: parseSecretKey(c.signingKey), dataDir: c.dataDir })),
    threshold,
    session: opts.session,
    timeoutMs: intFlag(opts.timeoutMs, '--timeout-ms', { min: 1_000 }),
    chain,
    logger: createLogger('outlayer-keystore', process.env.OUTLAYER_LOG_LEVEL == null ? { level: 'warn' } : {}),
    ...(opts.publish === true ? { publish: async (group: GroupArgs, signatures: Array<{ account_id: string, signature: string }>) => { await publish({ ...opts, contractId, rpcUrl }, group, signatures) } } : {})
  })
  process.stdout.write(JSON.stringify(outcome.group, null, 2) + '\n')
  process.stderr.write(`keystore group version ${outcome.version} confirmed; this machine's nodes: ${outcome.confirmations.join(', ')} (old shares erased)\n`)
}
