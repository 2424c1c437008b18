/** A run's HttpAccess from the program's manifest and the request's own HTTP options. */
import { AdmissionError, ExecutorError } from '../errors.js'
import { readHttpManifest } from './manifest.js'
import { makePolicy, type HttpPolicy } from './policy.js'
import type { HttpAccess } from './session.js'

/** Throws AdmissionError('bad_manifest') for a malformed manifest, ExecutorError('BAD_OPTIONS') for bad options. */
export function httpAccessFor (wasm: Uint8Array, requested: Partial<HttpPolicy> | undefined): HttpAccess {
  const manifest = readHttpManifest(wasm)
  if (manifest === 'malformed') throw new AdmissionError('bad_manifest', 'the outlayer.http section is not {"hosts": [string]}')
  const made = makePolicy(manifest?.hosts ?? [], requested)
  if (!made.ok) {
    if (manifest?.hosts.some(h => makePolicy([h]).ok === false) === true) throw new AdmissionError('bad_manifest', made.error)
    throw new ExecutorError('BAD_OPTIONS', made.error)
  }
  return { policy: made.policy, channel: null }
}
