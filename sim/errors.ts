/** Errors of the simulator: one class, `name` set, a closed `code` union callers branch on. */
export type SimErrorCode =
  /** a dial reached no listener */
  | 'REFUSED'
  /** a dial or connection crossed a partition */
  | 'PARTITIONED'
  | 'ADDRESS_IN_USE'
  /** the plaintext handshake named another peer than the one dialled */
  | 'WRONG_PEER'
  /** a scenario file failed validation (the message lists every problem) */
  | 'BAD_SCENARIO'
  /** the run could not be set up (chain, contract, nodes) */
  | 'SETUP_FAILED'
  /** the run was stopped (RunOptions.signal, Ctrl-C): the report is written with what it saw */
  | 'INTERRUPTED'

export class SimError extends Error {
  override readonly name = 'SimError'
  constructor (readonly code: SimErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}
