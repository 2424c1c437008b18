/**
 * The node's NEAR RPC as a provider: JSON-RPC `query` with `block_id: <height>` (never `finality`). Errors that are
 * about the query (the account, the contract, its code) are answers; everything else (transport, HTTP status,
 * unknown or garbage-collected block, timeouts) is this machine's local failure.
 */
import type { NearAnswer, NearQuery, NearRpcProvider } from './query.js'

/** nearcore `cause.name`s that the state at the height decides, the same for every honest node */
const QUERY_ERRORS: ReadonlySet<string> = new Set([
  'UNKNOWN_ACCOUNT', 'NO_CONTRACT_CODE', 'CONTRACT_EXECUTION_ERROR', 'INVALID_ACCOUNT', 'TOO_LARGE_CONTRACT_STATE'
])

interface RpcReply { result?: Record<string, unknown>, error?: { cause?: { name?: string }, message?: string, data?: unknown } }

/** the fields that depend only on the state at the height (no block hash: the height pins it) */
function project (query: NearQuery, result: Record<string, unknown>): string {
  if (query.method === 'view_account') {
    const { amount, locked, code_hash: codeHash, storage_usage: storageUsage } = result
    return JSON.stringify({ amount, locked, code_hash: codeHash, storage_usage: storageUsage })
  }
  const bytes = Array.isArray(result.result) ? Uint8Array.from(result.result as number[]) : new Uint8Array(0)
  return JSON.stringify({ result_base64: Buffer.from(bytes).toString('base64'), logs: result.logs ?? [] })
}

export function createNearRpcProvider (rpcUrl: string, timeoutMs = 10_000): NearRpcProvider {
  return {
    async query (query, blockHeight): Promise<NearAnswer> {
      const params = query.method === 'view_account'
        ? { request_type: 'view_account', account_id: query.account_id, block_id: blockHeight }
        : { request_type: 'call_function', account_id: query.account_id, method_name: query.method_name, args_base64: query.args_base64, block_id: blockHeight }
      let reply: RpcReply
      try {
        const res = await fetch(rpcUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 'outlayer', method: 'query', params }),
          signal: AbortSignal.timeout(timeoutMs)
        })
        reply = await res.json() as RpcReply
      } catch (err) {
        return { kind: 'local_failure', message: `NEAR RPC unreachable: ${String(err)}` }
      }
      const cause = reply.error?.cause?.name
      if (cause != null && QUERY_ERRORS.has(cause)) return { kind: 'error', error: cause }
      if (reply.error != null || reply.result == null) return { kind: 'local_failure', message: `NEAR RPC: ${cause ?? reply.error?.message ?? 'no result'}` }
      return { kind: 'result', json: project(query, reply.result) }
    }
  }
}
