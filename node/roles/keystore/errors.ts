/** Why a keystore node refused a release, a DKG step failed, or a worker got no secrets; fixed codes. */
import { CodedError } from '../../errors.js'
export type KeystoreErrorCode =
  /** a message that does not parse, is too large, or names another network or contract */
  | 'BAD_MESSAGE'
  /** the release request's signature is not by the worker's registered key */
  | 'BAD_SIGNATURE'
  /** the contract has no such request */
  | 'REQUEST_UNKNOWN'
  /** the request is resolved, completed or cancelled */
  | 'REQUEST_NOT_PENDING'
  /** the worker holds no active lease / assigned slot for the request */
  | 'NOT_ASSIGNED'
  /** the request has no secrets_ref, or its owner or profile is not the one asked for */
  | 'PROFILE_MISMATCH'
  /** the request's code (repo, wasm hash, project) is not the secret's accessor */
  | 'CODE_MISMATCH'
  /** no secrets stored for that owner, accessor and profile */
  | 'SECRETS_UNKNOWN'
  /** the secrets record changed while the release was in flight (the member read another version of it) */
  | 'RECORD_CHANGED'
  /** the access condition does not hold for the request's predecessor */
  | 'ACCESS_DENIED'
  /** the stored access condition cannot be evaluated (malformed, unsupported pattern) */
  | 'BAD_CONDITION'
  /** this node's own chain view failed (RPC down): a local failure, retry elsewhere */
  | 'CHAIN_UNAVAILABLE'
  /** this node holds no share, or no keystore group is published */
  | 'NO_SHARE'
  /** too many requests from this peer */
  | 'RATE_LIMITED'
  /** a DKG run failed (missing, late or inconsistent member); nothing was kept */
  | 'DKG_FAILED'
  /** a resharing failed (a dealer's bad dealing or sub-share, a member silent until the deadline, a bad signature); the old shares are kept */
  | 'RESHARE_FAILED'
  /** fewer than t keystore nodes gave a verified partial */
  | 'NOT_ENOUGH_PARTIALS'
  /** the combined key does not open the secrets (corrupt blob or a group mismatch) */
  | 'DECRYPT_FAILED'
  /** a peer did not answer in time */
  | 'TIMEOUT'
  /** a peer could not be dialled or does not serve the keystore protocol */
  | 'UNREACHABLE'

export class KeystoreError extends CodedError<KeystoreErrorCode> { override readonly name = 'KeystoreError' }
