/**
 * The `outlayer` host module for preview1 commands: the same HTTP as wasi:http, in two calls.
 *   http_fetch(req_ptr, req_len, resp_len_ptr) -> errno
 *     req = UTF-8 JSON {method, url, headers?: [[name, value]], body?: string (UTF-8) | body_base64?: string}.
 *     Performs it and keeps the answer; writes the answer's length at resp_len_ptr. INVAL for a malformed request.
 *   http_response(buf_ptr) -> errno
 *     copies the kept answer: JSON {status, headers: [[name, value]], body_base64} or {error, detail}. BADF if none.
 */
import type { WasiContext } from '../wasi/context.js'
import { ERRNO } from '../wasi/errno.js'
import type { HttpRequestSpec } from './exchange.js'
import type { HttpSession } from './session.js'

type HostFn = (...args: Array<number | bigint>) => number

function parseRequest (bytes: Uint8Array): HttpRequestSpec | null {
  try {
    const r = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Record<string, unknown>
    const headers = r.headers ?? []
    if (typeof r.method !== 'string' || typeof r.url !== 'string' || !Array.isArray(headers)) return null
    if (!headers.every(h => Array.isArray(h) && h.length === 2 && typeof h[0] === 'string' && typeof h[1] === 'string')) return null
    const body = typeof r.body_base64 === 'string' ? Buffer.from(r.body_base64, 'base64') : typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : Buffer.alloc(0)
    return { method: r.method.toUpperCase(), url: r.url, headers: headers as Array<[string, string]>, body: new Uint8Array(body) }
  } catch {
    return null
  }
}

export function hostImports (ctx: WasiContext, session: HttpSession): Record<string, HostFn> {
  let answer: Uint8Array | null = null
  const n = (x: number | bigint): number => Number(x) >>> 0
  const guarded = (fn: HostFn): HostFn => (...args) => {
    try { return fn(...args) } catch (err) { if (err instanceof RangeError && !/call stack/i.test(err.message)) return ERRNO.FAULT; throw err }
  }
  return {
    http_fetch: guarded((reqPtr, reqLen, lenPtr) => {
      const spec = parseRequest(ctx.bytes(n(reqPtr), n(reqLen)).slice())
      if (spec == null) return ERRNO.INVAL
      const r = session.fetch(spec)
      const json = r.kind === 'refused'
        ? { error: r.error, detail: r.detail }
        : { status: r.status, headers: r.headers, body_base64: Buffer.from(r.body).toString('base64') }
      answer = new TextEncoder().encode(JSON.stringify(json))
      ctx.view().setUint32(n(lenPtr), answer.length, true)
      return ERRNO.SUCCESS
    }),
    http_response: guarded(bufPtr => {
      if (answer == null) return ERRNO.BADF
      ctx.bytes(n(bufPtr), answer.length).set(answer)
      return ERRNO.SUCCESS
    })
  }
}
