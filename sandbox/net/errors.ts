export type AddressRefusedCode =
  /** not a URL we can check (no host, a scheme we do not guard) */
  | 'BAD_URL'
  /** the name does not resolve (or not within the deadline) */
  | 'UNRESOLVABLE'
  /** the host is, or resolves to, an address outside the public internet */
  | 'PRIVATE_ADDRESS'

/** A host the guard will not let us connect to. Nothing was sent to it. */
export class AddressRefusedError extends Error {
  static readonly NAME = 'AddressRefusedError'
  override readonly name = AddressRefusedError.NAME
  constructor (readonly code: AddressRefusedCode, message: string, options?: ErrorOptions) {
    super(message, options)
  }
}
