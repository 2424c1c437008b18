/** Chain failures, one class per condition with a fixed code; callers branch on `name`/`code`, never on text. */
import { CodedError } from '../errors.js'
export type ChainErrorCode =
  /** the RPC could not be reached or answered with an error */
  | 'RPC_FAILED'
  /** the transaction executed and the contract refused it (panic); `message` carries the panic text */
  | 'CALL_REFUSED'
  /** a view or call returned something that is not the JSON we expect */
  | 'BAD_RESPONSE'
  /** the block feed could not be read */
  | 'FEED_FAILED'
  /** the node has no key for the account this call needs (e.g. resolve without the operator key) */
  | 'NO_SIGNER'
  /** the access key pool's size or a key index is out of range */
  | 'BAD_KEY_POOL'

export class ChainError extends CodedError<ChainErrorCode> { override readonly name = 'ChainError' }
