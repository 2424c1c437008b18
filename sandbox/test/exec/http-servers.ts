/** Real HTTP servers on 127.0.0.1 standing in for outside APIs (tests reach them only through allowLoopbackForTests). */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** `hits`: the requests it was sent */
export interface TestServer { url: string, port: number, hits: () => number, close: () => Promise<void> }

export async function serve (handler: Parameters<typeof createServer>[1]): Promise<TestServer> {
  let hits = 0
  const server: Server = createServer((req, res) => { hits++; handler?.(req, res) })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits: () => hits,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => { resolve() }))
    }
  }
}

/** A price API answering {"price": n} with `X-Api` headers, like the oracle's sources. */
export async function priceApi (price: () => number): Promise<TestServer> {
  return await serve((_req, res) => {
    res.sendDate = false // equal answers byte for byte, so replicas' outputs can be equal too
    res.writeHead(200, { 'content-type': 'application/json', 'x-api': 'price' })
    res.end(JSON.stringify({ price: price() }))
  })
}

/** The hostile ones: a redirect to a private/metadata address, a body that never ends, 100 MB, oversized headers, no answer at all. */
export async function hostileApi (): Promise<TestServer> {
  return await serve((req, res) => {
    const path = req.url ?? '/'
    if (path.startsWith('/redirect-metadata')) { res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }); res.end(); return }
    if (path.startsWith('/redirect-elsewhere')) { res.writeHead(302, { location: 'http://example.org/' }); res.end(); return }
    if (path.startsWith('/redirect-to/')) { res.writeHead(302, { location: decodeURIComponent(path.slice('/redirect-to/'.length)) }); res.end(); return }
    if (path.startsWith('/headers')) { res.writeHead(200); res.end(JSON.stringify(req.headers)); return }
    if (path.startsWith('/redirect-garbage')) { res.writeHead(302, { location: 'http://[::1' }); res.end(); return }
    if (path.startsWith('/redirect-self')) { res.writeHead(302, { location: '/ok' }); res.end(); return }
    if (path.startsWith('/forever')) {
      res.writeHead(200)
      const chunk = Buffer.alloc(64 * 1024, 120)
      const pump = (): void => { while (res.write(chunk)) { /* until the socket pushes back */ } }
      res.on('drain', pump)
      pump()
      return
    }
    if (path.startsWith('/huge')) {
      res.writeHead(200, { 'content-length': String(100 * 1024 * 1024) })
      const chunk = Buffer.alloc(1024 * 1024, 121)
      let sent = 0
      const pump = (): void => { while (sent < 100 && res.write(chunk)) sent++; if (sent >= 100) res.end() }
      res.on('drain', pump)
      pump()
      return
    }
    if (path.startsWith('/big-headers')) { res.writeHead(200, { 'x-big': 'h'.repeat(17 * 1024) }); res.end('ok'); return }
    if (path.startsWith('/many-headers')) { res.writeHead(200, Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`x-${i}`, 'v']))); res.end('ok'); return }
    if (path.startsWith('/silent')) return // never answers
    if (path.startsWith('/echo')) {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => { res.writeHead(200); res.end(Buffer.concat(chunks)) })
      return
    }
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end('ok')
  })
}

/** The URL's query parameters of a request (tests look at what a guest asked for). */
function queryOf (url: string | undefined): URLSearchParams { return new URL(url ?? '/', 'http://x').searchParams }

/** A CoinGecko-like price API: `/simple/price?ids=a,b` → {"a": {"usd": n}, ...} for the ids it knows (quoted: "n"). */
export async function coinApi (prices: () => Record<string, number>, opts: { quoted?: boolean } = {}): Promise<TestServer> {
  return await serve((req, res) => {
    res.sendDate = false
    const known = prices()
    const ids = (queryOf(req.url).get('ids') ?? '').split(',').filter(id => Object.hasOwn(known, id))
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(Object.fromEntries(ids.map(id => [id, { usd: opts.quoted === true ? String(known[id]) : known[id] }]))))
  })
}

export interface Current { temperature_2m: number, relative_humidity_2m: number, wind_speed_10m: number, wind_direction_10m: number, time: string }

/** An Open-Meteo-like API: `/v1/search?name=` (geocoding: Berlin only) and `/v1/forecast?latitude&longitude&current=`. */
export async function weatherApi (current: () => Current): Promise<TestServer & { asked: () => string[] }> {
  const asked: string[] = []
  const server = await serve((req, res) => {
    res.sendDate = false
    asked.push(req.url ?? '')
    const q = queryOf(req.url)
    res.writeHead(200, { 'content-type': 'application/json' })
    if ((req.url ?? '').startsWith('/v1/search')) {
      res.end(JSON.stringify(q.get('name') === 'Berlin' ? { results: [{ name: 'Berlin', latitude: 52.52437, longitude: 13.41053, country: 'Germany' }] } : {}))
      return
    }
    res.end(JSON.stringify({ latitude: Number(q.get('latitude')), longitude: Number(q.get('longitude')), current: { interval: 900, ...current() } }))
  })
  return { ...server, asked: () => asked }
}

/**
 * An OpenAI-compatible chat completions API: POST /v1/chat/completions with `Authorization: Bearer <key>` → the
 * usual completion object whose content is `reply(request)`; 401 for another key. `seen`: each request's
 * authorization header and JSON body.
 */
export async function chatApi (key: string, reply: (body: { model: string, messages: Array<{ content: string }>, temperature?: number, max_tokens?: number }) => string): Promise<TestServer & { seen: Array<{ authorization: string | undefined, body: unknown }> }> {
  const seen: Array<{ authorization: string | undefined, body: unknown }> = []
  const server = await serve((req, res) => {
    res.sendDate = false
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const authorization = req.headers.authorization
      let body: Parameters<typeof reply>[0]
      try { body = JSON.parse(Buffer.concat(chunks).toString()) } catch { res.writeHead(400).end('{"error":{"message":"bad JSON"}}'); return }
      seen.push({ authorization, body })
      res.setHeader('content-type', 'application/json')
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') { res.writeHead(404).end('{"error":{"message":"not found"}}'); return }
      if (authorization !== `Bearer ${key}`) { res.writeHead(401).end('{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}'); return }
      const content = reply(body)
      res.writeHead(200).end(JSON.stringify({
        id: 'chatcmpl-test', object: 'chat.completion', created: 1, model: `${body.model}-0613`,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 7, completion_tokens: content.split(' ').length, total_tokens: 7 + content.split(' ').length }
      }))
    })
  })
  return { ...server, seen }
}
