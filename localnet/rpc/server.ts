/**
 * One HTTP server on 127.0.0.1 for JSON-RPC (POST /) and the block feed (GET /v0/...). A bad request of any kind
 * gets an error answer; nothing a client sends can stop the server.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Chain } from '../chain/index.js'
import { type FeedOptions, handleFeed } from '../feed/routes.js'
import type { RpcContext } from './context.js'
import { parseError, toWireError } from './errors.js'
import { handleJsonRpc } from './jsonrpc.js'
import { METHODS } from './methods/index.js'
import { status } from './methods/status.js'

export interface RpcServerOptions {
  chain: Chain
  /** 0 picks a free port */
  port: number
  host?: string
  /** nearcore's json_payload_max_size: 10 MiB */
  maxBodyBytes?: number
  /** how long send_tx / tx wait before TIMEOUT_ERROR. Default 20 s */
  txTimeoutMs?: number
  nodePublicKey: string
  feed?: FeedOptions
}

export interface RpcServer {
  readonly url: string
  readonly port: number
  close (): Promise<void>
}

export const MAX_BODY_BYTES = 10 * 1024 * 1024
const CORS = { 'access-control-allow-origin': '*' }

class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError'
  readonly code = 'BODY_TOO_LARGE'
}

export async function startRpcServer (opts: RpcServerOptions): Promise<RpcServer> {
  const host = opts.host ?? '127.0.0.1'
  const maxBody = opts.maxBodyBytes ?? MAX_BODY_BYTES
  const closing = new AbortController()
  const ctx: { -readonly [K in keyof RpcContext]: RpcContext[K] } = {
    chain: opts.chain,
    nodePublicKey: opts.nodePublicKey,
    rpcAddr: '',
    startedAtMs: Date.now(),
    txTimeoutMs: opts.txTimeoutMs ?? 20_000
  }

  const server = createServer((req, res) => {
    route(req, res).catch(err => { sendJson(res, 500, { error: String(err) }) })
  })

  async function route (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (req.method === 'OPTIONS') {
      // CORS preflight: nearcore allows any origin, so a browser page (the dashboard) can call the RPC
      res.writeHead(204, { ...CORS, 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type' }).end()
      return
    }
    if (req.method === 'POST' && path === '/') return await serveJsonRpc(req, res)
    if (req.method === 'GET' && path.startsWith('/v0/')) {
      const reply = await handleFeed(path, opts.chain, opts.feed ?? {}, closing.signal)
      if (reply.location !== undefined) {
        res.writeHead(reply.status, { ...CORS, location: reply.location, 'content-length': 0 }).end()
        return
      }
      return sendJson(res, reply.status, reply.body)
    }
    if (req.method === 'GET' && path === '/status') return sendJson(res, 200, status(undefined, ctx))
    if (req.method === 'GET' && path === '/health') return sendJson(res, 200, null)
    req.resume()
    sendJson(res, 404, { error: `no route for ${req.method ?? '?'} ${path}` })
  }

  async function serveJsonRpc (req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text: string
    try {
      text = await readBody(req, res, maxBody)
    } catch (err) {
      const message = err instanceof BodyTooLargeError ? err.message : `could not read the request body: ${String(err)}`
      const { error } = toWireError(parseError(message))
      return sendJson(res, err instanceof BodyTooLargeError ? 413 : 400, { jsonrpc: '2.0', id: null, error })
    }
    const reply = await handleJsonRpc(text, METHODS, ctx)
    try {
      sendJson(res, reply.status, reply.body)
    } catch (err) {
      // a view the JSON encoder cannot write (a bigint left in it) is our bug: answer INTERNAL_ERROR, keep serving
      sendJson(res, 500, { jsonrpc: '2.0', id: reply.body.id ?? null, error: toWireError(err).error })
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, host, () => { server.off('error', reject); resolve() })
  })
  const { port } = server.address() as AddressInfo
  const url = `http://${host}:${port}`
  ctx.rpcAddr = `${host}:${port}`

  let closed: Promise<void> | undefined
  return {
    url,
    port,
    close: async () => {
      closed ??= new Promise<void>(resolve => {
        closing.abort()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await closed
    }
  }
}

function sendJson (res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return
  const text = JSON.stringify(body)
  res.writeHead(status, { ...CORS, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/**
 * Reads the body as utf-8 up to `max` bytes. Past the cap it keeps draining (so the client sees our answer
 * rather than a reset) up to 4× the cap, then rejects with BodyTooLargeError; beyond that it answers at once
 * and the connection is closed after the answer.
 */
async function readBody (req: IncomingMessage, res: ServerResponse, max: number): Promise<string> {
  return await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const tooLarge = (): BodyTooLargeError => new BodyTooLargeError(`request body of ${size} bytes is over the ${max} byte limit`)
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= max) chunks.push(chunk)
      else chunks.length = 0
      if (size > 4 * max) {
        req.removeAllListeners('data')
        res.once('finish', () => req.destroy())
        res.setHeader('connection', 'close')
        reject(tooLarge())
      }
    })
    req.on('error', reject)
    req.on('end', () => {
      if (size > max) reject(tooLarge())
      else resolve(Buffer.concat(chunks).toString('utf8'))
    })
  })
}
