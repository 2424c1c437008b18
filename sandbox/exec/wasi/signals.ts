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
