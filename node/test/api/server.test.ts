import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { Registry } from 'prom-client'
import { createMetrics } from '../../metrics.js'
import { createApiServer, type ApiServer } from '../../api/index.js'
import type { NodeStatus } from '../../api/types.js'
import { sampleStatus } from './fixtures.js'

describe('node/api server', () => {
  let server: ApiServer
  let current: NodeStatus | Error = sampleStatus()
  const registry = new Registry()
  const metrics = createMetrics(registry)

  before(async () => {
    server = await createApiServer({
      port: 0,
      registry,
      status: () => {
        if (current instanceof Error) throw current
        return current
      }
    })
  })
  after(async () => { await server.close() })

  it('GET /health answers ok with an uptime', async () => {
    const res = await fetch(`${server.url}/health`)
    assert.equal(res.status, 200)
    const body = await res.json() as { ok: boolean, uptime: number }
    assert.equal(body.ok, true)
    assert.equal(typeof body.uptime, 'number')
    assert.ok(body.uptime >= 0)
  })

  it('GET /metrics serves the registry in Prometheus text format', async () => {
    metrics.peers.set(3)
    metrics.jobs.inc({ status: 'claimed' })
    const res = await fetch(`${server.url}/metrics`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/)
    const text = await res.text()
    assert.match(text, /^outlayer_p2p_peers 3$/m)
    assert.match(text, /^outlayer_jobs_total\{status="claimed"\} 1$/m)
  })

  it('GET /status returns what the status source reports', async () => {
    current = sampleStatus({ chain: { height: 99 } })
    const res = await fetch(`${server.url}/status?verbose=1`)
    assert.equal(res.status, 200)
    const body = await res.json() as NodeStatus
    assert.equal(body.peerId, '12D3KooWSamplePeer')
    assert.equal(body.chain.height, 99)
    assert.deepEqual(body.roles, ['worker', 'resolver'])
    assert.equal(body.leases[0]?.requestId, '7')
  })

  it('GET / serves the self-contained dashboard with a strict CSP', async () => {
    const res = await fetch(`${server.url}/`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/)
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/)
    const html = await res.text()
    assert.match(html, /id="chain-height"/)
    assert.doesNotMatch(html, /(src|href)="https?:/, 'no external assets')
  })

  it('HEAD gets headers without a body', async () => {
    const res = await fetch(`${server.url}/status`, { method: 'HEAD' })
    assert.equal(res.status, 200)
    assert.equal(await res.text(), '')
  })

  it('unknown paths get a JSON 404 naming the routes', async () => {
    const res = await fetch(`${server.url}/nope`)
    assert.equal(res.status, 404)
    const body = await res.json() as { error: { code: string, message: string } }
    assert.equal(body.error.code, 'NOT_FOUND')
    assert.match(body.error.message, /\/status/)
  })

  it('writes are refused with a JSON 405 and an Allow header', async () => {
    const res = await fetch(`${server.url}/status`, { method: 'POST', body: '{"x":1}' })
    assert.equal(res.status, 405)
    assert.equal(res.headers.get('allow'), 'GET, HEAD')
    const body = await res.json() as { error: { code: string } }
    assert.equal(body.error.code, 'METHOD_NOT_ALLOWED')
  })

  it('an over-long or non-path request target gets a JSON 400', async () => {
    const long = await fetch(`${server.url}/status?${'a'.repeat(5000)}`)
    assert.equal(long.status, 400)
    assert.equal((await long.json() as { error: { code: string } }).error.code, 'BAD_REQUEST')
    const absolute = await rawRequest(`GET http://elsewhere.example/status HTTP/1.1\r\nHost: ${new URL(server.url).host}\r\nConnection: close\r\n\r\n`)
    assert.match(absolute, /^HTTP\/1\.1 400/)
    assert.match(absolute, /"code":"BAD_REQUEST"/)
  })

  it('answers only its own Host names: a DNS-rebinding page gets 421 and no status or metrics', async () => {
    const { port } = new URL(server.url)
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      assert.match(await rawRequest(`GET /status HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`), /^HTTP\/1\.1 200/, host)
    }
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${Number(port) + 1}`, `localhost.evil.example:${port}`, '127.0.0.1', '']) {
      for (const path of ['/status', '/metrics', '/', '/health']) {
        const reply = await rawRequest(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)
        assert.match(reply, /^HTTP\/1\.1 421/, `${host} ${path}`)
        assert.match(reply, /"code":"MISDIRECTED"/, `${host} ${path}`)
        assert.doesNotMatch(reply, /12D3KooWSamplePeer|outlayer_/, `${host} ${path} leaked the node's data`)
      }
    }
    const noHost = await rawRequest('GET /status HTTP/1.0\r\n\r\n')
    assert.match(noHost, /^HTTP\/1\.1 421/)
  })

  it('answers a configured host name, and [::1] with its port', async () => {
    const named = await createApiServer({ port: 0, status: () => sampleStatus(), allowedHosts: ['node7.example.org:7700'] })
    try {
      const { port } = new URL(named.url)
      for (const [host, status] of [['node7.example.org:7700', 200], ['NODE7.example.org:7700', 200], [`[::1]:${port}`, 200], ['node8.example.org:7700', 421]] as const) {
        const reply = await rawRequest(`GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, named)
        assert.match(reply, new RegExp(`^HTTP/1\\.1 ${status}`), host)
      }
    } finally {
      await named.close()
    }
  })

  it('a malformed HTTP request gets a 400 and the server keeps serving', async () => {
    const reply = await rawRequest('THIS IS NOT HTTP\r\n\r\n')
    assert.match(reply, /^HTTP\/1\.1 400/)
    assert.equal((await fetch(`${server.url}/health`)).status, 200)
  })

  it('a failing status source gives a 503 and the server keeps serving', async () => {
    current = new Error('store is closed')
    const res = await fetch(`${server.url}/status`)
    assert.equal(res.status, 503)
    const body = await res.json() as { error: { code: string, message: string } }
    assert.equal(body.error.code, 'STATUS_UNAVAILABLE')
    assert.doesNotMatch(body.error.message, /store is closed/, 'internal error text is not exposed')
    current = sampleStatus()
    assert.equal((await fetch(`${server.url}/status`)).status, 200)
  })

  it('bigints in the status are served as decimal strings', async () => {
    current = { ...sampleStatus(), leases: [{ requestId: 18446744073709551615n as unknown as string, expiresAtBlock: 5 }] }
    const body = await (await fetch(`${server.url}/status`)).json() as NodeStatus
    assert.equal(body.leases[0]?.requestId, '18446744073709551615')
    current = sampleStatus()
  })

  it('close() is idempotent and frees the port', async () => {
    const other = await createApiServer({ port: 0, status: () => sampleStatus() })
    await Promise.all([other.close(), other.close()])
    await assert.rejects(fetch(`${other.url}/health`))
  })

  function rawRequest (text: string, to: ApiServer = server): Promise<string> {
    const { port } = new URL(to.url)
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(text))
      let data = ''
      socket.on('data', chunk => { data += chunk.toString() })
      socket.on('end', () => resolve(data))
      socket.on('error', reject)
    })
  }
})
