/**
 * An attested refusal: a request the worker will not run, for a reason every honest replica derives alike from
 * the request and its bytes. It is committed and revealed like a guest's trap (status `trap`, the reason as the
 * trap name, 0 instructions, no output), not skipped: a skip leaves every primary without a commit, and the
 * contract slashes primaries that never committed (withhold_share, paid to the payer), so a requester could turn
 * a request nobody can run into its workers' bonds. Q equal refusals resolve it as a failure the payer pays for
 * (base fee, no instructions), and the caller gets `trap(<reason>)`.
 */
import { resultHash, type ExecutionResult } from '../../../protocol/index.js'

/** `instrumenter` names the rule that refused, and every worker must say the same (it is in the result hash) */
export function refusalResult (trap: string, instrumenter: string): ExecutionResult {
  const hashed = { status: 'trap' as const, exit_code: null, trap, stdout: new Uint8Array(0), fuel_used: 0n, instrumenter_version: instrumenter }
  return { ...hashed, stderr: new Uint8Array(0), result_hash: resultHash(hashed), wall_ms: 0 }
}
