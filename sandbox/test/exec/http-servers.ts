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
