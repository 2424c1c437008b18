/** admitModule: the admission verdict alone, from a shared preparation thread (never the caller's thread). */
import { AdmissionError } from './errors.js'
import type { AdmissionCaps } from './admission.js'
import { PreparePool } from './prepare-pool.js'

export type AdmissionResult = { ok: true, reason: null } | { ok: false, reason: AdmissionError['code'], error: AdmissionError }

let shared: PreparePool | null = null

/**
 * Would this module be admitted (under `caps`, by default the executor's)? Resolves with the verdict for bad
 * input; rejects only with PreparationError, when the preparation thread could not decide (deadline, heap).
 * Its thread never keeps the process alive while idle.
 */
export async function admitModule (wasm: Uint8Array, caps: Partial<AdmissionCaps> = {}): Promise<AdmissionResult> {
  shared ??= new PreparePool()
  try {
    await shared.admit(wasm, caps)
    return { ok: true, reason: null }
  } catch (err) {
    if (err instanceof AdmissionError) return { ok: false, reason: err.code, error: err }
    throw err
  }
}
