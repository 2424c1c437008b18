/**
 * Deploys the outlayer contract with near-api-js 7.2: creates the contract's sub-account, then in one batch
 * signed by the contract account deploys contract/build/outlayer.wasm, calls `new` and deletes the account's only
 * key. The contract account ends with no access key at all, so nothing can spend its balance (pooled deposits and
 * bonds) but the contract's own code; owner methods are called by the owner account.
 *
 *   tsx scripts/deploy.ts --network local --keys-file <localnet-keys.json>
 *   tsx scripts/deploy.ts --network testnet --master me.testnet [--contract outlayer.me.testnet] [--operator me.testnet]
 *
 * The master's key comes from --master-key, $NEAR_MASTER_SECRET_KEY, or near-cli's
 * ~/.near-credentials/<network>/<master>.json. See contract/README.md.
 */
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Account, JsonRpcProvider, KeyPair, KeyPairSigner, actions, type Action, type KeyPairString } from 'near-api-js'
import { ensureContracts } from './build-contract.js'

const TGAS = 10n ** 12n
const YOCTO_PER_NEAR = 10n ** 24n
/** localnet/'s network id: its test servers run on 127.0.0.1 */
const LOCALNET_ID = 'localnet'
const RPC_URLS: Record<string, string> = {
  testnet: 'https://rpc.testnet.near.org',
  mainnet: 'https://rpc.mainnet.near.org'
}

/** Settings passed to `new` (contract/src/config.ts SETTINGS, plus network_id and pricing; bounds: contract/README.md). */
export interface DeployConfig {
  network_id?: string
  commit_window_blocks?: number
  withhold_share_bps?: number
  equivocation_share_bps?: number
  min_bond?: string
  slash_share_bps?: number
  bond_cooldown_blocks?: number
  stale_seconds?: number
  pricing?: { base_fee: string, per_million_instructions_fee: string, compile_fee: string, resolve_fee: string }
}

export interface DeployOutlayerArgs {
  rpcUrl: string
  networkId: string
  masterAccountId: string
  masterSecretKey: string
  /** default `outlayer.<master>` */
  contractId?: string
  /** default the master account */
  ownerId?: string
  /** the operator account (may pause and unpause, nothing else); default the owner */
  operatorId?: string
  config?: DeployConfig
  /**
   * accept `http://`, `file://` and private-address sources (the test servers of a localnet). Fixed at `new`,
   * visible in get_config. Default: true on the localnet (network id `localnet`), false elsewhere
   */
  allowLocalSources?: boolean
  /** NEAR moved to the new account (storage for the code and state). Default 10 NEAR */
  initialBalance?: bigint
  /** another wasm than contract/build/outlayer.wasm */
  wasmPath?: string
}

export class DeployError extends Error {
  override readonly name = 'DeployError'
  constructor (readonly code: 'BAD_ARGS' | 'NO_KEY' | 'DEPLOY_FAILED', message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

function signerFor (secretKey: string): KeyPairSigner {
  return new KeyPairSigner(KeyPair.fromString(secretKey as KeyPairString))
}

export interface DeployContractArgs {
  rpcUrl: string
  masterAccountId: string
  masterSecretKey: string
  /** a sub-account of the master, created here */
  contractId: string
  wasm: Uint8Array
  /** arguments of `new`, which runs signed by the contract account itself */
  initArgs: Record<string, unknown>
  initialBalance?: bigint
  /** more actions for the deploy batch, after `new` and before the key is deleted */
  extraActions?: Action[]
}

/**
 * Creates the sub-account with the master's key as its temporary full-access key, then, signed by the new account,
 * deploys `wasm`, calls `new` and deletes that key, all in one batch: either the contract is initialised and the
 * account keyless, or nothing of the batch happened (and the key is still there to retry).
 */
export async function deployContract (args: DeployContractArgs): Promise<void> {
  const { contractId } = args
  if (!contractId.endsWith(`.${args.masterAccountId}`)) throw new DeployError('BAD_ARGS', `${contractId} is not a sub-account of ${args.masterAccountId}`)
  const provider = new JsonRpcProvider({ url: args.rpcUrl }, { retries: 3, wait: 250, backoff: 1.5 })
  const masterSigner = signerFor(args.masterSecretKey)
  const master = new Account(args.masterAccountId, provider, masterSigner)
  try {
    await master.signAndSendTransaction({
      receiverId: contractId,
      actions: [actions.createAccount(), actions.transfer(args.initialBalance ?? 10n * YOCTO_PER_NEAR), actions.addFullAccessKey(await masterSigner.getPublicKey())],
      waitUntil: 'FINAL'
    })
    // signed by the contract account itself, so `new` sees the contract as predecessor and nobody can front-run it
    const contract = new Account(contractId, provider, masterSigner)
    await contract.signAndSendTransaction({
      receiverId: contractId,
      actions: [
        actions.deployContract(args.wasm),
        actions.functionCall('new', args.initArgs, 100n * TGAS, 0n),
        ...args.extraActions ?? [],
        actions.deleteKey(await masterSigner.getPublicKey())
      ],
      waitUntil: 'FINAL'
    })
  } catch (err) {
    throw new DeployError('DEPLOY_FAILED', `deploying ${contractId}: ${(err as Error).message}`, { cause: err })
  }
}

export async function deployOutlayer (args: DeployOutlayerArgs): Promise<{ contractId: string }> {
  const contractId = args.contractId ?? `outlayer.${args.masterAccountId}`
  const { pricing, ...settings } = args.config ?? {}
  const ownerId = args.ownerId ?? args.masterAccountId
  await deployContract({
    rpcUrl: args.rpcUrl,
    masterAccountId: args.masterAccountId,
    masterSecretKey: args.masterSecretKey,
    contractId,
    wasm: await readFile(args.wasmPath ?? (await ensureContracts()).outlayer),
    initArgs: {
      owner_id: ownerId,
      operator_id: args.operatorId ?? ownerId,
      config: settings,
      allow_local_sources: args.allowLocalSources ?? args.networkId === LOCALNET_ID,
      ...(pricing != null ? { pricing } : {})
    },
    initialBalance: args.initialBalance
  })
  return { contractId }
}

// ---- CLI ----

async function masterKeyFor (network: string, accountId: string, given?: string): Promise<string> {
  if (given != null) return given
  if (process.env.NEAR_MASTER_SECRET_KEY != null) return process.env.NEAR_MASTER_SECRET_KEY
  const file = join(homedir(), '.near-credentials', network, `${accountId}.json`)
  try {
    const creds = JSON.parse(await readFile(file, 'utf8')) as { private_key?: string, secret_key?: string }
    const key = creds.private_key ?? creds.secret_key
    if (key != null) return key
  } catch { /* reported below */ }
  throw new DeployError('NO_KEY', `no key for ${accountId}: pass --master-key, set NEAR_MASTER_SECRET_KEY, or log in with near-cli (${file})`)
}

async function main (): Promise<void> {
  const { Command } = await import('commander')
  const program = new Command('deploy')
    .requiredOption('--network <name>', 'local | testnet | mainnet')
    .option('--rpc <url>', 'RPC URL (default per network; local reads it from --keys-file)')
    .option('--keys-file <path>', 'localnet keys file (local: the master is its root account)')
    .option('--master <accountId>', 'the account the contract becomes a sub-account of')
    .option('--master-key <ed25519:...>', 'its secret key')
    .option('--contract <accountId>', 'contract account (default outlayer.<master>)')
    .option('--owner <accountId>', 'owner (default the master)')
    .option('--operator <accountId>', 'operator account, which may resolve (default the owner)')
    .option('--allow-local-sources', 'accept http://, file:// and private-address sources (localnet only; default there)')
    .option('--config <json>', 'settings for new: {"commit_window_blocks":30,"min_bond":"...","pricing":{...}}')
    .parse()
  const o = program.opts<Record<string, string | undefined>>()
  const network = o.network!
  let rpcUrl = o.rpc ?? RPC_URLS[network]
  let master = o.master
  let masterKey = o.masterKey
  let networkId = network
  if (network === 'local') {
    if (o.keysFile == null) throw new DeployError('BAD_ARGS', '--network local needs --keys-file (written by `outlayer localnet`)')
    const keys = JSON.parse(await readFile(o.keysFile, 'utf8')) as { network_id: string, rpc_url: string, root: { account_id: string, private_key: string } }
    rpcUrl = rpcUrl ?? keys.rpc_url
    master = master ?? keys.root.account_id
    masterKey = masterKey ?? keys.root.private_key
    networkId = keys.network_id
  }
  if (rpcUrl == null || master == null) throw new DeployError('BAD_ARGS', '--rpc and --master are required for this network')
  const result = await deployOutlayer({
    rpcUrl,
    networkId,
    masterAccountId: master,
    masterSecretKey: await masterKeyFor(network, master, masterKey),
    contractId: o.contract,
    ownerId: o.owner,
    operatorId: o.operator,
    ...(o.allowLocalSources != null ? { allowLocalSources: true } : {}),
    config: o.config != null ? JSON.parse(o.config) as DeployConfig : undefined
  })
  process.stdout.write(`${JSON.stringify({ network: networkId, ...result })}\n`)
}

if (process.argv[1] != null && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => { process.stderr.write(`${(err as Error).message}\n`); process.exitCode = 1 })
}
