/**
 * The node's config.json: one typed object, validated on load with errors that name the field,
 * defaults filled for everything that has a sensible default. Secrets live here, so it is written 0600.
 */
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { multiaddr } from '@multiformats/multiaddr'
import { dirname, join } from 'node:path'
import {
  array, fail, int, object, ok, oneOf, optional, str, validateAccountId, SOURCE_KINDS,
  type Check, type ProtocolError, type SourceKind
} from '../protocol/index.js'
import { isBuilderContentId } from '../sandbox/builder/index.js'
import { DEFAULT_ARTIFACT_OPTIONS } from './artifacts/index.js'
import { DEFAULT_WATCHER_OPTIONS, MAX_ACCESS_KEYS } from './chain/index.js'
import { DEFAULT_WORKER_OPTIONS } from './roles/worker/options.js'
import { DEFAULT_TRANSFER_LIMITS, type MeshNodeInit, type TransferLimits } from './p2p/index.js'
import { decodeP2pKey, publicKeyOfNearKey } from './keys.js'

export type Role = 'worker' | 'builder' | 'resolver' | 'keystore'
export const ROLES: readonly Role[] = ['worker', 'builder', 'resolver', 'keystore']
/** former role names, still accepted (with a deprecation warning) so existing configs keep working */
export const DEPRECATED_ROLES: Readonly<Record<string, Role>> = { aggregator: 'resolver' }

/** where config warnings go; the default is a Node DeprecationWarning (code OUTLAYER_DEPRECATED_ROLE) */
export type ConfigWarn = (message: string) => void
const deprecationWarning: ConfigWarn = message => { process.emitWarning(message, { type: 'DeprecationWarning', code: 'OUTLAYER_DEPRECATED_ROLE' }) }

/** Maps deprecated role names to their current ones, warning once per name; anything else is left to the checks. */
function renameRoles (roles: unknown, where: string, warn: ConfigWarn): unknown {
  if (!Array.isArray(roles)) return roles
  return roles.map(role => {
    const current = typeof role === 'string' && Object.hasOwn(DEPRECATED_ROLES, role) ? DEPRECATED_ROLES[role] : undefined
    if (current == null) return role
    warn(`${where}: role "${role}" is deprecated, use "${current}"`)
    return current
  })
}

export interface NodeConfig {
  /** 'localnet' | 'testnet' | 'mainnet': also the gossip/kad namespace */
  network: string
  /** level store, wasm artifacts, keys */
  dataDir: string
  near: {
    rpcUrl: string
    feedUrl?: string
    networkId: string
    contractId: string
    accountId: string
    /** ed25519:..., the worker's NEAR full-access key */
    secretKey: string
    /** deprecated and unused (resolve is permissionless: the resolver signs with `secretKey`); still accepted */
    operatorSecretKey?: string
    /** deprecated and unused, like operatorSecretKey */
    operatorAccountId?: string
  }
  p2p: {
    /** libp2p private key, base64 protobuf (@libp2p/crypto privateKeyToProtobuf) */
    privateKey: string
    listen: string[]
    bootstrap: string[]
    /** wasm transfer limits (each field optional) @default node/p2p/options.ts DEFAULT_TRANSFER_LIMITS */
    transferLimits?: Partial<TransferLimits>
    /** how long a peer banned for flooding is refused @default 10 min */
    banMs?: number
  }
  /** ed25519:... secret key for envelopes and attestations (the key registered with register_worker) */
  signingKey: string
  roles: Role[]
  /**
   * /health, /metrics, /status, dashboard. `allowedHosts`: the public host name(s) the API is reached by (behind
   * a proxy or a DNS name), answered besides loopback:port and the bound address; any other Host gets 421
   */
  http: { host: string, port: number, allowedHosts?: string[] }
  /**
   * `builderImage`: the builder image's content id (`outlayer-builder:2@sha256:<layer digest>`) that build keys
   * name; required for git sources on a node without the builder role (no Docker to read it from).
   * `execCacheDir`: the executor's prepared-module cache (entries keyed by module hash and instrumenter version,
   * checked on every read); point the nodes of one machine at one directory so each module is instrumented once
   * @default `<dataDir>/exec-cache`
   */
  worker: { capacity: number, allowedSources: SourceKind[], trustBuilders: number, builderImage?: string, execCacheDir?: string }
  /**
   * `accessKeys`: signing keys for the account, its own key included; above 1 the node adds the others on start
   * as function-call keys derived from `near.secretKey` (node/chain/key-pool.ts) and spreads its zero-deposit
   * calls over them, so they do not queue on one nonce @default 1. `batchInFlight`: above 0, commits and resolves are
   * batched (node/chain/batcher.ts): up to this many transactions of each kind in flight, the calls arriving
   * meanwhile go as one commit_results / resolve_executions; 0 sends each alone @default 0
   */
  chain: { reconcileEveryBlocks: number, pollMs: number, accessKeys: number, batchInFlight: number }
}

export type ConfigErrorCode = 'CONFIG_NOT_FOUND' | 'CONFIG_NOT_JSON' | 'CONFIG_INVALID' | 'CONFIG_EXISTS'

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  /** the dotted field that is wrong, e.g. `near.rpcUrl` (absent for file-level problems) */
  readonly field?: string
  constructor (readonly code: ConfigErrorCode, message: string, field?: string) {
    super(message)
    if (field != null) this.field = field
  }
}

/** A comma-separated role list as the CLI takes it (`worker,resolver`); throws ConfigError naming `roles`. */
export function parseRoleList (text: string, warn: ConfigWarn = deprecationWarning): Role[] {
  const roles = renameRoles(text.split(',').map(r => r.trim()).filter(r => r !== ''), 'roles', warn) as string[]
  const unknown = roles.find(r => !(ROLES as readonly string[]).includes(r))
  if (unknown != null) throw new ConfigError('CONFIG_INVALID', `roles: unknown role "${unknown}" (use ${ROLES.join(', ')})`, 'roles')
  if (roles.length === 0) throw new ConfigError('CONFIG_INVALID', `roles: give at least one of ${ROLES.join(', ')}`, 'roles')
  return [...new Set(roles)] as Role[]
}

export type NodeConfigInput = Partial<Omit<NodeConfig, 'near' | 'p2p' | 'http' | 'worker' | 'chain'>> & {
  near?: Partial<NodeConfig['near']>
  p2p?: Partial<NodeConfig['p2p']>
  http?: Partial<NodeConfig['http']>
  worker?: Partial<NodeConfig['worker']>
  chain?: Partial<NodeConfig['chain']>
}

/** Defaults for every field that has one. Keys, account and contract have none: they stay '' and fail validation. */
export const CONFIG_DEFAULTS = {
  network: 'localnet',
  dataDir: '.outlayer',
  rpcUrl: 'http://127.0.0.1:3030',
  /** localnet: any free port (several nodes share a machine) */
  listen: ['/ip4/0.0.0.0/tcp/0'],
  /** testnet/mainnet: a fixed port, so others can list this node as a bootstrap peer */
  publicListen: ['/ip4/0.0.0.0/tcp/4001'],
  roles: ['worker'] as Role[],
  http: { host: '127.0.0.1', port: 7700 },
  worker: { capacity: DEFAULT_WORKER_OPTIONS.capacity, allowedSources: [...SOURCE_KINDS], trustBuilders: DEFAULT_ARTIFACT_OPTIONS.trustBuilders },
  chain: { reconcileEveryBlocks: DEFAULT_WATCHER_OPTIONS.reconcileEveryBlocks, pollMs: DEFAULT_WATCHER_OPTIONS.pollMs, accessKeys: 1, batchInFlight: 0 }
} as const

export const CONFIG_FILE_NAME = 'config.json'

/** Where `outlayer init` writes and the other commands look by default: $OUTLAYER_HOME or ~/.outlayer. */
export function defaultConfigDir (env: NodeJS.ProcessEnv = process.env): string {
  const home = env.OUTLAYER_HOME?.trim()
  return home != null && home !== '' ? home : join(homedir(), '.outlayer')
}

export function defaultConfigPath (env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultConfigDir(env), CONFIG_FILE_NAME)
}

/** Public endpoints per network; localnet is `outlayer localnet`'s default port. */
export const NETWORK_DEFAULTS: Record<string, { rpcUrl: string, feedUrl?: string }> = {
  localnet: { rpcUrl: 'http://127.0.0.1:3030' },
  testnet: { rpcUrl: 'https://rpc.testnet.near.org', feedUrl: 'https://testnet.neardata.xyz' },
  mainnet: { rpcUrl: 'https://rpc.mainnet.near.org', feedUrl: 'https://mainnet.neardata.xyz' }
}

/** A complete config from a partial one; nested sections are merged field by field. Does not validate. */
export function defaultConfig (partial: NodeConfigInput = {}): NodeConfig {
  const network = partial.network ?? CONFIG_DEFAULTS.network
  return {
    network,
    dataDir: partial.dataDir ?? CONFIG_DEFAULTS.dataDir,
    near: {
      ...NETWORK_DEFAULTS[network] ?? { rpcUrl: CONFIG_DEFAULTS.rpcUrl },
      networkId: network,
      contractId: '',
      accountId: '',
      secretKey: '',
      ...dropUndefined(partial.near ?? {})
    },
    p2p: {
      privateKey: '',
      listen: [...(network === 'localnet' ? CONFIG_DEFAULTS.listen : CONFIG_DEFAULTS.publicListen)],
      bootstrap: [],
      ...dropUndefined(partial.p2p ?? {})
    },
    signingKey: partial.signingKey ?? '',
    roles: partial.roles ?? [...CONFIG_DEFAULTS.roles],
    http: { ...CONFIG_DEFAULTS.http, ...dropUndefined(partial.http ?? {}) },
    worker: { ...CONFIG_DEFAULTS.worker, allowedSources: [...CONFIG_DEFAULTS.worker.allowedSources], ...dropUndefined(partial.worker ?? {}) },
    chain: { ...CONFIG_DEFAULTS.chain, ...dropUndefined(partial.chain ?? {}) }
  }
}

const url: Check<string> = (v, path) => typeof v === 'string' && /^https?:\/\/[^\s/]+/.test(v)
  ? ok(v)
  : fail('INVALID', 'must be an http(s) URL like http://127.0.0.1:3030', path)
const ed25519Secret: Check<string> = str({ min: 1, pattern: /^ed25519:[1-9A-HJ-NP-Za-km-z]+$/ })
const accountId: Check<string> = (v, path) => validateAccountId(v, path)
const multiaddrCheck: Check<string> = (v, path) => {
  if (typeof v !== 'string' || v.length > 1024) return fail('INVALID', 'expected a multiaddr string', path)
  try {
    multiaddr(v)
    return ok(v)
  } catch {
    return fail('INVALID', `"${v}" is not a multiaddr (like /ip4/127.0.0.1/tcp/4001/p2p/12D3Koo...)`, path)
  }
}

const DAY_MS = 24 * 3600_000
const MIB = 1024 * 1024
/** bounds that keep a node working: nothing zero, no timeout past a day, no transfer past 4 GiB */
const transferLimitsCheck: Check<Partial<TransferLimits>> = object({
  maxBytes: optional(int({ min: 1, max: 4096 * MIB })),
  requestsPerWindow: optional(int({ min: 1, max: 1_000_000 })),
  bytesPerWindow: optional(int({ min: 1, max: 1024 * 1024 * MIB })),
  windowMs: optional(int({ min: 100, max: DAY_MS })),
  timeoutMs: optional(int({ min: 100, max: DAY_MS })),
  maxInboundStreams: optional(int({ min: 1, max: 1024 })),
  fetchDeadlineMs: optional(int({ min: 100, max: DAY_MS })),
  fetchParallel: optional(int({ min: 1, max: 64 })),
  maxProvidersTried: optional(int({ min: 1, max: 1024 }))
}) satisfies Check<{ [K in keyof TransferLimits]: number | undefined }>

const configCheck = object({
  network: str({ min: 1, max: 64, pattern: /^[a-z0-9-]+$/ }),
  dataDir: str({ min: 1 }),
  near: object({
    rpcUrl: url,
    feedUrl: optional(url),
    networkId: str({ min: 1, max: 64 }),
    contractId: accountId,
    accountId,
    secretKey: ed25519Secret,
    operatorSecretKey: optional(ed25519Secret),
    operatorAccountId: optional(accountId)
  }),
  p2p: object({
    privateKey: str({ min: 1 }),
    listen: array(multiaddrCheck, { max: 32 }),
    bootstrap: array(multiaddrCheck, { max: 256 }),
    transferLimits: optional(transferLimitsCheck),
    banMs: optional(int({ min: 1_000, max: 7 * DAY_MS }))
  }),
  signingKey: ed25519Secret,
  roles: array(oneOf(ROLES), { max: ROLES.length }),
  http: object({ host: str({ min: 1, max: 255 }), port: int({ min: 0, max: 65535 }), allowedHosts: optional(array(str({ min: 1, max: 255 }), { max: 16 })) }),
  worker: object({
    capacity: int({ min: 1, max: 1024 }),
    allowedSources: array(oneOf(SOURCE_KINDS), { max: SOURCE_KINDS.length }),
    trustBuilders: int({ min: 1, max: 64 }),
    builderImage: optional(str({ min: 1, max: 200 })),
    execCacheDir: optional(str({ min: 1, max: 4096 }))
  }),
  chain: object({ reconcileEveryBlocks: int({ min: 1, max: 100_000 }), pollMs: int({ min: 10, max: 600_000 }), accessKeys: int({ min: 1, max: MAX_ACCESS_KEYS }), batchInFlight: int({ min: 0, max: MAX_ACCESS_KEYS }) })
})

/**
 * Validates a parsed config (after defaults): field shapes, then the cross-field rules the node relies on.
 * `source` names the file in messages. Throws ConfigError('CONFIG_INVALID') naming the field.
 */
export function validateConfig (value: unknown, source = 'config', warn: ConfigWarn = deprecationWarning): NodeConfig {
  const renamed = typeof value === 'object' && value !== null && 'roles' in value ? { ...value, roles: renameRoles(value.roles, `${source}: roles`, warn) } : value
  const r = configCheck(renamed, 'config')
  if (!r.ok) throw invalid(source, r.error)
  const cfg = r.value as NodeConfig
  const refuse = (field: string, message: string): never => {
    throw new ConfigError('CONFIG_INVALID', `${source}: ${field}: ${message}`, field)
  }
  checkKey(() => publicKeyOfNearKey(cfg.near.secretKey), 'near.secretKey', refuse)
  checkKey(() => publicKeyOfNearKey(cfg.signingKey), 'signingKey', refuse)
  if (cfg.near.operatorSecretKey != null) checkKey(() => publicKeyOfNearKey(cfg.near.operatorSecretKey!), 'near.operatorSecretKey', refuse)
  checkKey(() => decodeP2pKey(cfg.p2p.privateKey), 'p2p.privateKey', refuse)
  if (cfg.roles.length === 0) refuse('roles', `needs at least one of ${ROLES.join(', ')}`)
  if (new Set(cfg.roles).size !== cfg.roles.length) refuse('roles', 'lists a role twice')
  if (cfg.worker.builderImage != null && !isBuilderContentId(cfg.worker.builderImage)) refuse('worker.builderImage', 'must be the builder image\'s content id, like outlayer-builder:2@sha256:<64 hex> (a bare tag names different files on different machines)')
  const transfer = { ...DEFAULT_TRANSFER_LIMITS, ...cfg.p2p.transferLimits }
  if (transfer.bytesPerWindow < transfer.maxBytes) refuse('p2p.transferLimits.bytesPerWindow', `must be ≥ maxBytes (${transfer.maxBytes}), or a wasm of that size could never be served`)
  if (cfg.worker.allowedSources.length === 0) refuse('worker.allowedSources', `needs at least one of ${SOURCE_KINDS.join(', ')}`)
  return cfg
}

/** The part of the mesh node's options that comes from config (node.ts adds keys, hooks and overrides). */
export function meshInitOf (cfg: NodeConfig): Pick<MeshNodeInit, 'network' | 'listen' | 'bootstrap' | 'transferLimits' | 'banMs'> {
  return {
    network: cfg.network,
    listen: cfg.p2p.listen,
    bootstrap: cfg.p2p.bootstrap,
    ...(cfg.p2p.transferLimits != null ? { transferLimits: cfg.p2p.transferLimits } : {}),
    ...(cfg.p2p.banMs != null ? { banMs: cfg.p2p.banMs } : {})
  }
}

/** Reads, fills defaults and validates config.json. */
export async function loadConfig (path: string, warn: ConfigWarn = deprecationWarning): Promise<NodeConfig> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError('CONFIG_NOT_FOUND', `${path}: no config file (create one with "outlayer init")`)
    }
    throw err
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new ConfigError('CONFIG_NOT_JSON', `${path}: not valid JSON: ${(err as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('CONFIG_INVALID', `${path}: expected a JSON object`)
  }
  return validateConfig(defaultConfig(parsed as NodeConfigInput), path, warn)
}

/**
 * Writes config.json with mode 0600 (it holds private keys), via a temp file and rename so a crash never
 * leaves half a config. Refuses to replace an existing file unless `overwrite`.
 */
export async function saveConfig (path: string, cfg: NodeConfig, opts: { overwrite?: boolean } = {}): Promise<void> {
  validateConfig(cfg, path)
  if (opts.overwrite !== true && await exists(path)) {
    throw new ConfigError('CONFIG_EXISTS', `${path} already exists (use --force to overwrite)`)
  }
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(cfg, null, 2) + '\n', { mode: 0o600 })
  await chmod(tmp, 0o600) // the mode option is masked by umask; chmod is not
  await rename(tmp, path)
}

async function exists (path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

function invalid (source: string, error: ProtocolError): ConfigError {
  const field = error.path?.replace(/^config\.?/, '')
  const message = error.message.replace(/^config\./, '').replace(/^config: /, '')
  return new ConfigError('CONFIG_INVALID', `${source}: ${message}`, field === '' ? undefined : field)
}

function checkKey (decode: () => unknown, field: string, refuse: (field: string, message: string) => never): void {
  try {
    decode()
  } catch (err) {
    refuse(field, (err as Error).message)
  }
}

function dropUndefined<T extends object> (o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
