/** Store failures, one class per condition; callers match on `name` or `code`. */
import { CodedError } from '../errors.js'
export type StoreErrorCode =
  /** used after close() */
  | 'STORE_CLOSED'
  /** a record that must exist does not, or does not have the shape its owner wrote */
  | 'STORE_CORRUPT'
  /** the directory holds a store of another layout (an older node's); refused, never read as empty */
  | 'STORE_FORMAT'

export class StoreError extends CodedError<StoreErrorCode> { override readonly name = 'StoreError' }
