/**
 * `outlayer secrets put|list|delete`: secrets for code (an accessor) under a profile, encrypted on this machine
 * to the keystore group key published on chain (protocol/secrets format v1) and stored with `store_secrets`.
 * Values are read from a file (JSON object or KEY=VALUE lines), never from argv (which `ps` shows).
 */
import type { Command } from 'commander'
import { signerOptions } from '../flags.js'
import { readFile } from 'node:fs/promises'
import { Account, JsonRpcProvider, KeyPair, KeyPairSigner, type KeyPairString } from 'near-api-js'
import { TGAS } from '../../../protocol/index.js'
import { SecretsError, accessorKey, encryptSecrets, parseAccessor, type Accessor } from '../../../protocol/secrets/index.js'
import { KeystoreError, checkCondition, parseGroup } from '../../roles/keystore/index.js'
import { UsageError } from '../exit-codes.js'
import { credentials } from './request.js'

interface SecretsOptions {
  accessor: string
  profile: string
  access?: string
  envFile?: string
  contractId: string
  rpcUrl?: string
  networkId?: string
  accountId?: string
  secretKey?: string
  keysFile?: string
}

const STORAGE_YOCTO_PER_BYTE = 10n ** 19n

function common (cmd: Command): Command {
  return signerOptions(cmd
    .requiredOption('--accessor <A>', 'repo:owner/name[@branch] | wasm:<sha256 hex> | project:<owner/name>')
    .option('--profile <P>', 'profile name (1..64 characters)', 'default')
    .requiredOption('--contract-id <C>', 'the outlayer contract account')
    .option('--rpc-url <U>', 'NEAR JSON-RPC URL'), 'the secrets owner')
}

export function register (program: Command): void {
  const secrets = program.command('secrets').description('store, list and delete threshold-encrypted secrets')
  common(secrets.command('put').description('encrypt env vars to the keystore group key and store them'))
    .requiredOption('--access <JSON>', 'access condition, e.g. \'"AllowAll"\' or \'{"Whitelist":{"accounts":["a.near"]}}\'')
    .requiredOption('--env-file <F>', 'the secrets: a JSON object {"NAME":"value"} or KEY=VALUE lines')
    .action(async (opts: SecretsOptions) => { await put(opts) })
  common(secrets.command('list').description('show the stored record (never its values) for the accessor and profile'))
    .action(async (opts: SecretsOptions) => { await list(opts) })
  common(secrets.command('delete').description('delete the record and get its storage deposit back'))
    .action(async (opts: SecretsOptions) => { await remove(opts) })
}

function accessorOf (opts: SecretsOptions): Accessor {
  try { return parseAccessor(opts.accessor) } catch (err) { throw new UsageError(`--accessor: ${(err as Error).message}`) }
}

function profileOf (opts: SecretsOptions): string {
  if (opts.profile.length < 1 || opts.profile.length > 64) throw new UsageError('--profile must be 1..64 characters')
  return opts.profile
}

function accessOf (text: string): unknown {
  let v: unknown
  try { v = JSON.parse(text) } catch { throw new UsageError(`--access is not JSON: ${text.slice(0, 80)}`) }
  try { checkCondition(v) } catch (err) {
    if (err instanceof KeystoreError) throw new UsageError(`--access: ${err.message}`)
    throw err
  }
  return v
}

/** KEY=VALUE lines (# comments, blank lines) or one JSON object. */
export function parseEnvFile (text: string): Record<string, string> {
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) {
    try { return JSON.parse(trimmed) as Record<string, string> } catch { throw new UsageError('--env-file: starts with { but is not JSON') }
  }
  const out: Record<string, string> = {}
  for (const [n, line] of text.split('\n').entries()) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue
    const eq = line.indexOf('=')
    if (eq <= 0) throw new UsageError(`--env-file line ${n + 1}: expected KEY=VALUE`)
    out[line.slice(0, eq).trim()] = line.slice(eq + 1)
  }
  return out
}

async function session (opts: SecretsOptions): Promise<{ provider: JsonRpcProvider, account: Account, owner: string }> {
  const creds = await credentials(opts)
  const provider = new JsonRpcProvider({ url: creds.rpcUrl }, { retries: 2, wait: 250, backoff: 1.5 })
  return { provider, account: new Account(creds.accountId, provider, new KeyPairSigner(KeyPair.fromString(creds.secretKey as KeyPairString))), owner: creds.accountId }
}

async function put (opts: SecretsOptions): Promise<void> {
  const accessor = accessorOf(opts)
  const profile = profileOf(opts)
  const access = accessOf(opts.access!)
  let envText: string
  try { envText = await readFile(opts.envFile!, 'utf8') } catch (err) { throw new UsageError(`--env-file: cannot read ${opts.envFile!} (${(err as Error).message})`) }
  const env = parseEnvFile(envText)
  const { provider, account, owner } = await session(opts)
  const raw = await provider.callFunction({ contractId: opts.contractId, method: 'get_keystore_group', args: {} })
  if (raw == null) throw new UsageError(`no keystore group key is published on ${opts.contractId}: the keystore members run their DKG and the owner calls set_keystore_group first`)
  const group = parseGroup(raw)
  if (!group.ok) throw new UsageError(`the published keystore group is unusable: ${group.error.message}`)
  let blob: Uint8Array
  try {
    blob = encryptSecrets(group.value.groupKey, { owner, accessor: accessorKey(accessor), profile }, env)
  } catch (err) {
    if (err instanceof SecretsError) throw new UsageError(`--env-file: ${err.message}`)
    throw err
  }
  const encoded = Buffer.from(blob).toString('base64')
  // storage is charged at the staking price and the excess refunded: attach enough for the whole record
  const deposit = BigInt(encoded.length * 2 + 2048) * STORAGE_YOCTO_PER_BYTE
  await account.callFunction({ contractId: opts.contractId, methodName: 'store_secrets', args: { accessor, profile, encrypted_secrets_base64: encoded, access }, deposit, gas: 100n * TGAS })
  process.stdout.write(`stored ${Object.keys(env).length} secrets (${blob.length} bytes encrypted to group key ${Buffer.from(group.value.groupKey).toString('hex').slice(0, 16)}…, version ${group.value.version}) for ${accessorKey(accessor)} profile ${profile} of ${owner}\n`)
}

async function list (opts: SecretsOptions): Promise<void> {
  const accessor = accessorOf(opts)
  const profile = profileOf(opts)
  const { provider, owner } = await session(opts)
  const record = await provider.callFunction({ contractId: opts.contractId, method: 'get_secrets', args: { owner, accessor, profile } }) as { access: unknown, encrypted_secrets_base64: string, updated_at: number } | null
  if (record == null) { process.stdout.write(`no secrets for ${accessorKey(accessor)} profile ${profile} of ${owner}\n`); return }
  process.stdout.write(`${accessorKey(accessor)}  profile ${profile}  owner ${owner}  ${Buffer.from(record.encrypted_secrets_base64, 'base64').length} bytes  updated at block ${record.updated_at}\n  access ${JSON.stringify(record.access)}\n`)
}

async function remove (opts: SecretsOptions): Promise<void> {
  const accessor = accessorOf(opts)
  const profile = profileOf(opts)
  const { account, owner } = await session(opts)
  await account.callFunction({ contractId: opts.contractId, methodName: 'delete_secrets', args: { accessor, profile }, gas: 50n * TGAS })
  process.stdout.write(`deleted the secrets for ${accessorKey(accessor)} profile ${profile} of ${owner}\n`)
}
