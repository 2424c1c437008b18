/** The CLI's flag parsers, one per kind: each throws a UsageError that names the flag and what it expects. */
import { nearToYocto } from '../../protocol/index.js'
import { ConfigError, parseRoleList, type Role } from '../config.js'
import type { Command } from 'commander'
import { UsageError } from './exit-codes.js'

/** A whole number in [min, max] @default min 0, max Number.MAX_SAFE_INTEGER */
export function intFlag (text: string, flag: string, { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number, max?: number } = {}): number {
  const n = /^\d{1,16}$/.test(text.trim()) ? Number(text.trim()) : NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag}: "${text}" is not a whole number from ${min} to ${max}`)
  return n
}

export function optionalIntFlag (text: string | undefined, flag: string, range?: { min?: number, max?: number }): number | undefined {
  return text == null ? undefined : intFlag(text, flag, range)
}

/** a non-negative integer of any size (fuel, nanoseconds) */
export function bigintFlag (text: string | undefined, flag: string): bigint | undefined {
  if (text == null) return undefined
  if (!/^\d{1,40}$/.test(text)) throw new UsageError(`${flag}: "${text}" is not a non-negative integer`)
  return BigInt(text)
}

/** an amount of NEAR like 0.5, in yocto */
export function nearFlag (text: string, flag: string): bigint {
  if (!/^\d+(\.\d{1,24})?$/.test(text)) throw new UsageError(`${flag}: "${text}" is not an amount of NEAR like 0.5`)
  return nearToYocto(text)
}

/** a comma-separated role list (config.ts parseRoleList) */
export function rolesFlag (text: string): Role[] {
  try {
    return parseRoleList(text)
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`--${err.message}`)
    throw err
  }
}

/** The flags that name the account a command signs with: `--account-id` with `--secret-key`, or a `--keys-file`. */
export function signerOptions (cmd: Command, who: string): Command {
  return cmd
    .option('--network-id <N>', 'localnet | testnet | mainnet')
    .option('--account-id <A>', `${who} (with --secret-key, or picks it from --keys-file)`)
    .option('--secret-key <K>', 'ed25519:... key of --account-id')
    .option('--keys-file <F>', 'a near-cli credential file, or the localnet keys file')
}
