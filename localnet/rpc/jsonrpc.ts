/** One JSON-RPC 2.0 request body in, one response body and HTTP status out; never throws. */
import type { RpcContext, RpcMethod } from './context.js'
import { parseError, RpcRequestError, toWireError } from './errors.js'

export interface RpcReply { status: number, body: Record<string, unknown> }

type RequestId = string | number | null

function reply (id: RequestId, result: unknown): RpcReply {
  return { status: 200, body: { jsonrpc: '2.0', id, result } }
}

function replyError (id: RequestId, err: unknown): RpcReply {
  const { status, error } = toWireError(err)
  return { status, body: { jsonrpc: '2.0', id, error } }
}

function requestId (value: unknown): RequestId {
  return typeof value === 'string' || typeof value === 'number' ? value : null
}

export async function handleJsonRpc (text: string, methods: Readonly<Record<string, RpcMethod>>, ctx: RpcContext): Promise<RpcReply> {
  let request: unknown
  try {
    request = JSON.parse(text)
  } catch (err) {
    return replyError(null, parseError(`Invalid JSON: ${err instanceof Error ? err.message : String(err)}`))
  }
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    return replyError(null, new RpcRequestError('INVALID_REQUEST', 'expected one JSON-RPC request object (batches are not supported)', { error_message: 'not a request object' }))
  }
  const { id: rawId, method: name, params } = request as Record<string, unknown>
  const id = requestId(rawId)
  if (typeof name !== 'string') {
    return replyError(id, new RpcRequestError('INVALID_REQUEST', '`method` must be a string', { error_message: '`method` must be a string' }))
  }
  const method = Object.hasOwn(methods, name) ? methods[name] : undefined
  if (method === undefined) return replyError(id, new RpcRequestError('METHOD_NOT_FOUND', name, { method_name: name }))
  try {
    return reply(id, await method(params, ctx))
  } catch (err) {
    return replyError(id, err)
  }
}
