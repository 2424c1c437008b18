/**
 * The node's HTTP API: GET /health, /metrics (Prometheus text from the registry passed in), /status (JSON),
 * /node (the one-node status page), and with an explorer the dashboard (/ and /ui/*) and its JSON routes
 * (explorer/routes.ts: /api/*, /public/*, /attestations/:id, /openapi.json). GET and HEAD only, except POST
 * /api/tx (a relay of transactions signed in the browser); only for its own Host names (421 otherwise, against
 * DNS rebinding). Any bad request gets a JSON 4xx and a failing status
 * source a 503; nothing a client sends can crash the node.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'
import type { Logger } from '../log.js'
import { ApiError, BadRequestError, MethodNotAllowedError, MisdirectedRequestError, NotFoundError, StatusUnavailableError, UnavailableError, sendError } from './errors.js'
import { DASHBOARD_CSP, DASHBOARD_HTML } from './dashboard.js'
import type { Explorer } from './explorer/explorer.js'
import { explorerRoute } from './explorer/routes.js'
import { APP_CSP, DEFAULT_DASHBOARD_DIR, loadStatic, type StaticFile } from './static.js'
import { hostMatcher } from './host-check.js'
import type { StatusSource } from './types.js'

export interface ApiServerInit {
  /** interface to bind; default 127.0.0.1 (the status names peers and jobs, so it is not public by default) */
  host?: string
  /** 0 picks a free port */
  port?: number
  /** the node's prom-client registry (shared with libp2p's metrics) */
  registry?: Registry
  status: StatusSource
  logger?: Logger
  /**
   * Host header values answered besides `127.0.0.1:<port>`, `localhost:<port>` and `[::1]:<port>`, e.g.
   * `['node7.example.org:7700']` when the API is reached by name; any other Host gets 421 @default []
   */
  allowedHosts?: readonly string[]
  /** the chain/mesh explorer behind /api/*, /public/*, /attestations/*; without it those answer 503 */
  explorer?: Explorer
  /** built dashboard files @default dashboard/dist of this checkout */
  dashboardDir?: string
}

export interface ApiServer {
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string
  close: () => Promise<void>
}

const ROUTES = ['/', '/node', '/health', '/metrics', '/status', '/openapi.json', '/api/…', '/public/…', '/attestations/…', '/ui/…'] as const
const METHODS = ['GET', 'HEAD'] as const
const MAX_URL_LENGTH = 2048

export async function createApiServer (init: ApiServerInit): Promise<ApiServer> {
  const startedAt = Date.now()
  const log = init.logger?.child({ module: 'api' })

  let isOurHost: (host: string | undefined) => boolean = () => false

  let staticFiles: Promise<Map<string, StaticFile> | undefined> | undefined
  async function app (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (!(METHODS as readonly string[]).includes(req.method ?? '')) throw new MethodNotAllowedError(req.method ?? '?', METHODS)
    const files = await (staticFiles ??= loadStatic(init.dashboardDir ?? DEFAULT_DASHBOARD_DIR))
    if (files == null) throw new UnavailableError('the dashboard is not built here: run npm run build:dashboard')
    const file = files.get(path === '/' ? '/ui/index.html' : path)
    if (file == null) throw new NotFoundError(path, ROUTES)
    res.setHeader('content-security-policy', APP_CSP)
    send(req, res, 200, file.type, file.body)
  }

  async function route (req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isOurHost(req.headers.host)) throw new MisdirectedRequestError(req.headers.host)
    const { path, query } = parseTarget(req.url)
    if ((path === '/' && init.explorer != null) || path.startsWith('/ui/')) return await app(req, res, path)
    if (path.startsWith('/api/') || path.startsWith('/public/') || path.startsWith('/attestations/') || path === '/openapi.json') {
      if (init.explorer == null) throw new UnavailableError('this node serves no explorer')
      const reply = await explorerRoute(init.explorer, req, path, query)
      if (reply != null) return sendJson(req, res, reply.body)
    }
    if (!(ROUTES as readonly string[]).includes(path)) throw new NotFoundError(path, ROUTES)
    if (!(METHODS as readonly string[]).includes(req.method ?? '')) throw new MethodNotAllowedError(req.method ?? '?', METHODS)
    switch (path) {
      case '/health':
        return sendJson(req, res, { ok: true, uptime: (Date.now() - startedAt) / 1000 })
      case '/metrics': {
        if (init.registry == null) throw new NotFoundError(path, ROUTES.filter(r => r !== '/metrics'))
        return send(req, res, 200, init.registry.contentType, await init.registry.metrics())
      }
      case '/status':
        return sendJson(req, res, await readStatus())
      case '/':
      case '/node':
        res.setHeader('content-security-policy', DASHBOARD_CSP)
        return send(req, res, 200, 'text/html; charset=utf-8', DASHBOARD_HTML)
    }
  }

  async function readStatus (): Promise<unknown> {
    try {
      return await init.status()
    } catch (err) {
      log?.warn({ err }, 'status source failed')
      throw new StatusUnavailableError('node status is unavailable right now; retry shortly')
    }
  }

  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    route(req, res).catch((err: unknown) => {
      if (!(err instanceof ApiError)) {
        log?.error({ err, url: req.url?.slice(0, 200) }, 'api handler failed')
      }
      sendError(res, err)
    })
  })
  // A malformed request line never reaches the handler: answer it here instead of dropping the socket silently.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return socket.destroy()
    const body = JSON.stringify({ error: { code: 'BAD_REQUEST', message: 'malformed HTTP request' } })
    socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(init.port ?? 0, init.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${host}:${address.port}`
  // the address we are bound to is our name too (a page cannot make a browser send it for another origin);
  // a wildcard bind is no name at all
  const bound = address.address === '0.0.0.0' || address.address === '::' ? [] : [`${host}:${address.port}`]
  isOurHost = hostMatcher(address.port, [...bound, ...(init.allowedHosts ?? [])])
  log?.info({ url }, 'api listening')

  let closing: Promise<void> | undefined
  return {
    url,
    close: async () => {
      closing ??= new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections() // keep-alive sockets would otherwise hold the process open
      })
      await closing
    }
  }
}

function parseTarget (rawUrl: string | undefined): { path: string, query: URLSearchParams } {
  if (rawUrl == null || rawUrl.length === 0) throw new BadRequestError('missing request target')
  if (rawUrl.length > MAX_URL_LENGTH) throw new BadRequestError(`request target longer than ${MAX_URL_LENGTH} characters`)
  if (!rawUrl.startsWith('/')) throw new BadRequestError('request target must be a path starting with "/"')
  try {
    const url = new URL(rawUrl, 'http://node.invalid')
    return { path: url.pathname, query: url.searchParams }
  } catch {
    throw new BadRequestError('request target is not a valid URL path')
  }
}

function sendJson (req: IncomingMessage, res: ServerResponse, value: unknown): void {
  send(req, res, 200, 'application/json; charset=utf-8', JSON.stringify(value, bigintAsString))
}

function send (req: IncomingMessage, res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff'
  })
  res.end(req.method === 'HEAD' ? undefined : body)
}

/** A status source may hand us bigints (request ids, heights); JSON carries them as decimal strings. */
function bigintAsString (_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}
