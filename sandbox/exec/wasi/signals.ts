/**
 * Thrown by host functions to end a run. They unwind the guest's stack like a trap; the job runner turns each
 * into its outcome. They are plain classes (not Errors): nothing but the runner should ever catch them.
 */
export class ProcExit {
  constructor (readonly code: number) {}
}

export class OutputLimit {
  constructor (readonly stream: 'stdout') {}
}

/** A call we admit by name but never serve (sockets, signals): a deterministic trap `wasi_unsupported`. */
export class UnsupportedCall {
  constructor (readonly call: string) {}
}

/**
 * A component broke the canonical ABI at a host boundary (a bad handle, discriminant or string the glue refuses
 * to lift): the guest's own deterministic fault, a trap `canonical_abi`.
 */
export class AbiViolation {
  constructor (readonly detail: string) {}
}

/** This machine could not serve an outside call (network, time): the run ends as a local failure, never attested. */
export class LocalFailure {
  constructor (readonly status: 'timeout' | 'host_error', readonly message: string) {}
}
