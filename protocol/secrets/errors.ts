import { CodedError } from '../errors.js'

/** Failures of the threshold-secrets primitives: one class, a closed code union (callers branch on `code`). */
export type SecretsErrorCode =
  /** bytes that are not a valid point, scalar, blob or message of this format */
  | 'MALFORMED'
  /** a format version this code does not know */
  | 'UNSUPPORTED_VERSION'
  /** the AEAD tag did not verify: wrong key, wrong label, too few or bad partials, or tampered bytes */
  | 'DECRYPT_FAILED'
  /** a DLEQ proof that does not verify */
  | 'BAD_PROOF'
  /** fewer partials than the threshold, or duplicated identifiers */
  | 'NOT_ENOUGH_PARTIALS'
  /** the plaintext is over the size the contract stores */
  | 'TOO_LARGE'
  /** a secrets payload that is not a JSON object of env-var names to strings */
  | 'BAD_PAYLOAD'
  /** a DKG message that is missing, duplicated or inconsistent */
  | 'DKG_FAILED'
  /** a resharing dealing or sub-share that is missing, duplicated or does not match its commitments */
  | 'RESHARE_FAILED'

export class SecretsError extends CodedError<SecretsErrorCode> {
  override readonly name = 'SecretsError'
}
