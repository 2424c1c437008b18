/** NEAR account ids and amounts, as nearcore checks them. */
import { fail, ok, type Result } from './errors.js'

const ACCOUNT_ID = /^(([a-z\d]+[-_])*[a-z\d]+\.)*([a-z\d]+[-_])*[a-z\d]+$/

/** Rules of near-account-id: 2..64 chars of [a-z0-9_-.], separators not doubled or at the ends; or a 64-hex implicit id. */
export function validateAccountId (value: unknown, path = 'account_id'): Result<string> {
  if (typeof value !== 'string') return fail('INVALID', 'expected an account id string', path)
  if (value.length < 2 || value.length > 64) return fail('INVALID', `account id "${value}" must be 2..64 characters`, path)
  if (!ACCOUNT_ID.test(value)) return fail('INVALID', `account id "${value}" is not valid`, path)
  return ok(value)
}

export const YOCTO_PER_NEAR = 10n ** 24n
export const nearToYocto = (near: number | string): bigint => {
  const [whole, frac = ''] = String(near).split('.')
  return BigInt(whole ?? '0') * YOCTO_PER_NEAR + BigInt((frac + '0'.repeat(24)).slice(0, 24))
}
export const TGAS = 10n ** 12n
