/**
 * NEAR view queries for preview1 commands, in the `outlayer` host module:
 *   near_view(req_ptr, req_len, out_ptr, out_cap) -> i64
 *     req = UTF-8 JSON {"method":"view_account","account_id"} or
 *           {"method":"call_function","account_id","method_name","args_base64"}, read at the request's block height.
 *     Writes the answer JSON at out_ptr and returns its length; if it is longer than out_cap nothing is written
 *     and the length is returned all the same (the call is spent). Answers: view_account
 *     {amount, locked, code_hash, storage_usage}; call_function {result_base64, logs}; or {error} (session.ts).
 *     -21 (FAULT) when a pointer is out of bounds.
 */
import type { WasiContext } from '../wasi/context.js'
import { ERRNO } from '../wasi/errno.js'
import { parseQuery } from './query.js'
import type { NearSession } from './session.js'

type HostFn = (...args: Array<number | bigint>) => number | bigint

export function nearImports (ctx: WasiContext, session: NearSession): Record<string, HostFn> {
  const n = (x: number | bigint): number => Number(x) >>> 0
  return {
    near_view: (reqPtr, reqLen, outPtr, outCap) => {
      let request: Uint8Array
      try { request = ctx.bytes(n(reqPtr), n(reqLen)).slice() } catch (err) { if (err instanceof RangeError) return -BigInt(ERRNO.FAULT); throw err }
      const query = parseQuery(request)
      const answer = new TextEncoder().encode(typeof query === 'string' ? session.malformed() : session.query(query))
      if (answer.length <= n(outCap)) {
        try { ctx.bytes(n(outPtr), answer.length).set(answer) } catch (err) { if (err instanceof RangeError) return -BigInt(ERRNO.FAULT); throw err }
      }
      return BigInt(answer.length)
    }
  }
}
