/**
 * `outlayer init`: creates a node's identity (libp2p key, NEAR account key, signing key) and its config.json
 * (mode 0600, it holds the keys), then says how to register the worker on chain.
 */
import { Command, Option } from 'commander'
import { chmod, mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import {
  CONFIG_FILE_NAME, ConfigError, ROLES, defaultConfig, defaultConfigDir, saveConfig, validateConfig,
  type NodeConfig, type Role
} from '../../config.js'
import { KeyError, generateNearKey, generateP2pKey, peerIdOfP2pKey, publicKeyOfNearKey } from '../../keys.js'
import { parsePublicKey, toHex } from '../../../protocol/index.js'
import { UsageError } from '../exit-codes.js'
import { intFlag, rolesFlag } from '../flags.js'

interface InitOptions {
  dir?: string
  network: string
  rpcUrl?: string
  feedUrl?: string
  contractId?: string
  accountId?: string
  secretKey?: string
  operatorAccountId?: string
  operatorSecretKey?: string
  roles: string
  bootstrap: string[]
  listen: string[]
  httpHost?: string
  httpPort?: string
  execCacheDir?: string
  force?: boolean
  json?: boolean
}

export function register (program: Command): void {
  program.command('init')
    .description('create the node keys and config.json')
    .option('--dir <D>', 'config and data directory (default $OUTLAYER_HOME or ~/.outlayer)')
    .option('--network <name>', 'localnet | testnet | mainnet (also the gossip namespace)', 'localnet')
    .option('--rpc-url <U>', 'NEAR JSON-RPC URL (default per network)')
    .option('--feed-url <U>', 'block feed URL, neardata shape (default per network)')
    .option('--contract-id <C>', 'the outlayer contract account (required)')
    .option('--account-id <A>', "the worker's NEAR account (default: the implicit account of its new key)")
    .option('--secret-key <K>', "use this ed25519:... key for the worker's NEAR account instead of a new one")
    .option('--operator-account-id <A>', 'deprecated, unused: the resolver signs with the node\'s own account')
    .option('--operator-secret-key <K>', "deprecated, unused: the resolver signs with the node's own account")
    .addOption(new Option('--roles <list>', `comma-separated: ${ROLES.join(',')}`).default('worker'))
    .option('--bootstrap <multiaddr>', 'a bootstrap peer (repeatable)', collect, [])
    .option('--listen <multiaddr>', 'a libp2p listen address (repeatable; default tcp/0 on localnet, tcp/4001 elsewhere)', collect, [])
    .option('--http-host <host>', 'API/dashboard interface')
    .option('--http-port <port>', 'API/dashboard port')
    .option('--exec-cache-dir <D>', 'prepared-module cache shared by the nodes of this machine (default <dir>/exec-cache)')
    .option('--force', 'overwrite an existing config.json (its keys are lost)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: InitOptions) => { await init(opts) })
}

async function init (opts: InitOptions): Promise<void> {
  const dir = resolve(opts.dir ?? defaultConfigDir())
  const path = join(dir, CONFIG_FILE_NAME)
  if (opts.contractId == null) throw new UsageError('--contract-id is required (the outlayer contract account, e.g. outlayer.test.near)')

  const nearKey = opts.secretKey != null ? { secretKey: opts.secretKey, publicKey: usageKey(opts.secretKey, '--secret-key') } : generateNearKey()
  if (opts.operatorSecretKey != null) usageKey(opts.operatorSecretKey, '--operator-secret-key')
  const signing = generateNearKey()
  const accountId = opts.accountId ?? implicitAccountId(nearKey.publicKey)

  const cfg: NodeConfig = defaultConfig({
    network: opts.network,
    dataDir: dir,
    near: {
      rpcUrl: opts.rpcUrl,
      feedUrl: opts.feedUrl,
      networkId: opts.network,
      contractId: opts.contractId,
      accountId,
      secretKey: nearKey.secretKey,
      operatorAccountId: opts.operatorAccountId,
      operatorSecretKey: opts.operatorSecretKey
    },
    p2p: {
      privateKey: await generateP2pKey(),
      listen: opts.listen.length > 0 ? opts.listen : undefined,
      bootstrap: opts.bootstrap
    },
    signingKey: signing.secretKey,
    roles: rolesFlag(opts.roles),
    http: { host: opts.httpHost, port: opts.httpPort != null ? intFlag(opts.httpPort, '--http-port', { max: 65535 }) : undefined },
    worker: { execCacheDir: opts.execCacheDir != null ? resolve(opts.execCacheDir) : undefined }
  })

  // Bad flags and an existing config are the user's to fix: exit 2 with the field named, before touching disk.
  await userError(async () => {
    validateConfig(cfg, 'flags')
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await chmod(dir, 0o700).catch(() => {}) // best effort: an existing shared dir keeps its mode
    await saveConfig(path, cfg, { overwrite: opts.force === true })
  })

  const summary = {
    configPath: path,
    network: cfg.network,
    rpcUrl: cfg.near.rpcUrl,
    contractId: cfg.near.contractId,
    peerId: peerIdOfP2pKey(cfg.p2p.privateKey),
    accountId,
    implicitAccount: opts.accountId == null,
    nearPublicKey: nearKey.publicKey,
    signingPublicKey: signing.publicKey,
    roles: cfg.roles
  }
  process.stdout.write(opts.json === true ? JSON.stringify(summary, null, 2) + '\n' : describe(summary))
}

function describe (s: {
  configPath: string, network: string, rpcUrl: string, contractId: string, peerId: string, accountId: string,
  implicitAccount: boolean, nearPublicKey: string, signingPublicKey: string, roles: Role[]
}): string {
  const net = s.network === 'localnet' ? '' : ` --networkId ${s.network}`
  return [
    `wrote ${s.configPath} (mode 0600: it holds the node's private keys)`,
    '',
    `  network        ${s.network}  (rpc ${s.rpcUrl})`,
    `  contract       ${s.contractId}`,
    `  roles          ${s.roles.join(', ')}`,
    `  peer id        ${s.peerId}`,
    `  NEAR account   ${s.accountId}${s.implicitAccount ? '  (implicit account of the key below)' : ''}`,
    `  account key    ${s.nearPublicKey}`,
    `  signing key    ${s.signingPublicKey}  (signs envelopes and attestations)`,
    '',
    'next:',
    s.implicitAccount
      ? `  1. fund ${s.accountId}: an implicit account exists once it receives NEAR`
      : `  1. make sure ${s.accountId} exists and has ${s.nearPublicKey} as a full-access key`,
    '  2. register the signing key with a bond (at least the contract\'s minimum bond):',
    `       near call ${s.contractId} register_worker '{"public_key":"${s.signingPublicKey}"}' --accountId ${s.accountId} --deposit <BOND>${net}`,
    `  3. outlayer start --config ${s.configPath}`,
    ''
  ].join('\n')
}

/** NEAR's implicit account id of an ed25519 key: the hex of its 32 public bytes. */
function implicitAccountId (publicKey: string): string {
  return toHex(parsePublicKey(publicKey))
}

async function userError (fn: () => Promise<void>): Promise<void> {
  try {
    await fn()
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message.replace(/^flags: /, ''))
    throw err
  }
}

function usageKey (secretKey: string, flag: string): string {
  try {
    return publicKeyOfNearKey(secretKey)
  } catch (err) {
    if (err instanceof KeyError) throw new UsageError(`${flag}: ${err.message}`)
    throw err
  }
}


function collect (value: string, previous: string[]): string[] {
  return [...previous, value]
}
