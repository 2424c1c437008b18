/**
 * A module the executor refuses before it runs (sandbox AdmissionError: the pre-scan's caps, invalid wasm, a
 * forbidden import, a malformed `outlayer.http` section…) is refused by every honest node with the same
 * INSTRUMENTER_VERSION under the same code, so it is an attested refusal (refusal.ts), `trap(admission:<code>)`.
 * Only the code is attested: the detail may carry a parser's wording. Preparation timeouts, heap limits and host
 * errors are local (the executor returns them as `host_error`, attest.ts never attests one), and so is any
 * other error: whether it would recur elsewhere is unknown, so it stays MODULE_REFUSED or a local failure.
 */
import { AdmissionError, INSTRUMENTER_VERSION } from '../../../sandbox/exec/index.js'
import type { ExecutionResult } from '../../../protocol/index.js'
import { refusalResult } from './refusal.js'

/** admission is part of the executor's versioned rules: replicas on another version may decide otherwise */
export const ADMISSION_REFUSED_INSTRUMENTER = `admission-refused/${INSTRUMENTER_VERSION}`

/** The attested refusal for a deterministic admission error; undefined for anything else. */
export function admissionRefusalOf (err: unknown): ExecutionResult | undefined {
  if (!(err instanceof AdmissionError) || err.retryable !== false) return undefined
  return refusalResult(`admission:${err.code}`, ADMISSION_REFUSED_INSTRUMENTER)
}
