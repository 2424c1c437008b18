/** Store failures, one class per condition; callers match on `name` or `code`. */
export type StoreErrorCode = 'STORE_CLOSED' | 'STORE_CORRUPT'

export class StoreError extends Error {
  override readonly name = 'StoreError'
  constructor (readonly code: StoreErrorCode, message: string) {
    super(message)
  }
}
