import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { EMPTY_TRANSCRIPT_HASH } from '../../../protocol/transcript.js'
import { addressClass } from '../../net/index.js'
import { createHttpFetcher } from '../../exec/http/fetcher.js'
import { addHttpManifest } from '../../exec/http/manifest.js'
import { HTTP_FUEL } from '../../exec/http/policy.js'
import { AdmissionError, createExecutor, type ExecuteOptions, type Executor } from '../../exec/index.js'
import { seedProbe } from './components.js'
import { tempDir, text, wabtReady } from './helpers.js'
import { fetchGuest } from './http-guest.js'
import { hostileApi, priceApi, type TestServer } from './http-servers.js'

interface Answer { status?: number, headers?: Array<[string, string]>, body_base64?: string, error?: string, detail?: string }

describe('sandbox/exec outside HTTP (policy, SSRF guard, caps, transcript)', function () {
  this.timeout(300_000)
  const cache = tempDir('http')
  let executor: Executor
  let strict: Executor
  let prices: TestServer[]
  let hostile: TestServer
  const priceOf = [100, 102, 98]
  const guest = (): Uint8Array => fetchGuest()
  before(async () => {
    await wabtReady
    prices = await Promise.all(priceOf.map(async (_, i) => await priceApi(() => priceOf[i] as number)))
    hostile = await hostileApi()
    // the test-only allowance lets the guard pass loopback; `strict` is what a node runs
    executor = createExecutor({ workers: 1, cacheDir: cache.path, httpFetcher: createHttpFetcher({ allowLoopbackForTests: true }) })
    strict = createExecutor({ workers: 1, cacheDir: cache.path })
  })
  after(async () => {
    await executor.close()
    await strict.close()
    await Promise.all([...prices, hostile].map(async s => await s.close()))
    cache.remove()
  })

  const local: ExecuteOptions['http'] = { allowedHosts: ['127.0.0.1'], allowHttp: true }
  const ask = async (url: string, opts: ExecuteOptions = {}, on = executor): Promise<{ answer: Answer, r: Awaited<ReturnType<Executor['execute']>> }> => {
    const r = await on.execute(guest(), { http: local, ...opts, input: JSON.stringify({ method: 'GET', url, headers: [['accept', 'application/json']] }) })
    assert.equal(r.status, 'ok', r.message)
    return { answer: JSON.parse(text(r.stdout)) as Answer, r }
  }
  const body = (a: Answer): string => a.body_base64 != null ? Buffer.from(a.body_base64, 'base64').toString() : `error ${a.error ?? '?'}`

  it('fetches an allowlisted host; the transcript hash is in the result and equal across replicas', async () => {
    const { answer, r } = await ask(`${prices[0]?.url}/price`)
    assert.equal(body(answer), '{"price":100}')
    assert.notEqual(r.transcript_hash, EMPTY_TRANSCRIPT_HASH)
    const replica = createExecutor({ workers: 1, cacheDir: cache.path, httpFetcher: createHttpFetcher({ allowLoopbackForTests: true }) })
    try {
      const again = await replica.execute(guest(), { http: local, input: JSON.stringify({ method: 'GET', url: `${prices[0]?.url}/price`, headers: [['accept', 'application/json']] }) })
      assert.deepEqual(again.transcript, r.transcript)
      assert.equal(again.transcript_hash, r.transcript_hash)
      assert.equal(again.result_hash, r.result_hash)
    } finally {
      await replica.close()
    }
    priceOf[0] = 101
    const changed = await ask(`${prices[0]?.url}/price`)
    assert.notEqual(changed.r.transcript_hash, r.transcript_hash, 'another response body, another transcript')
    assert.notEqual(changed.r.result_hash, r.result_hash)
    priceOf[0] = 100
  })

  it('refuses what the policy does not allow, deterministically, and records it', async () => {
    assert.deepEqual((await ask(`${prices[0]?.url}/price`, { http: { allowedHosts: ['127.0.0.1'] } })).answer.error, 'HTTP-request-denied', 'https only by default')
    assert.equal((await ask('http://example.com/', {})).answer.error, 'HTTP-request-denied', 'not on the allowlist')
    const none = await ask(`${prices[0]?.url}/price`, { http: undefined })
    assert.equal(none.answer.error, 'HTTP-request-denied', 'no allowlist at all')
    assert.notEqual(none.r.transcript_hash, EMPTY_TRANSCRIPT_HASH, 'a refused attempt is in the transcript')
    assert.equal((await ask(`http://user:pw@127.0.0.1:${prices[0]?.port}/`, {})).answer.error, 'HTTP-request-URI-invalid')
  })

  it('the SSRF guard refuses private, loopback and metadata addresses, also after a redirect', async () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', 'fc00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'ff02::1']) {
      assert.notEqual(addressClass(address), undefined, `${address} is refused`)
    }
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111']) assert.equal(addressClass(address), undefined, `${address} may be reached`)
    // what a node runs (no test allowance): loopback by IP and by name is refused after resolution
    assert.equal((await ask(`${prices[0]?.url}/price`, {}, strict)).answer.error, 'destination-IP-prohibited')
    assert.equal((await ask(`http://localhost:${prices[0]?.port}/price`, { http: { allowedHosts: ['localhost'], allowHttp: true } }, strict)).answer.error, 'destination-IP-prohibited')
    // a redirect is checked like a first request: to a metadata address (allowlisted!) and to a host not on the list
    const metadata = await ask(`${hostile.url}/redirect-metadata`, { http: { allowedHosts: ['127.0.0.1', '169.254.169.254'], allowHttp: true } })
    assert.equal(metadata.answer.error, 'destination-IP-prohibited')
    assert.equal((await ask(`${hostile.url}/redirect-elsewhere`)).answer.error, 'HTTP-request-denied')
    assert.equal(body((await ask(`${hostile.url}/redirect-self`)).answer), 'ok', 'a redirect within the allowlist is followed')
  })

  it('refuses a method, header or Location node:http would not send or follow, the same on every replica (never a local failure)', async () => {
    const send = async (request: Record<string, unknown>): Promise<{ answer: Answer, hits: number }> => {
      const before = hostile.hits()
      const r = await executor.execute(guest(), { http: local, input: JSON.stringify({ url: `${hostile.url}/echo`, method: 'GET', ...request }) })
      assert.equal(r.status, 'ok', r.message)
      assert.notEqual(r.result_hash, null, 'a deterministic result, attested like any other')
      return { answer: JSON.parse(text(r.stdout)) as Answer, hits: hostile.hits() - before }
    }
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ method: 'GET /admin HTTP/1.1\r\nx:' }, 'HTTP-request-method-invalid'],
      [{ method: 'CONNECT' }, 'HTTP-request-method-invalid'],
      [{ headers: [['x-a', 'v\r\nx-injected: 1']] }, 'HTTP-request-denied'],
      [{ headers: [['x-a', 'nul\u0000']] }, 'HTTP-request-denied'],
      [{ headers: [['x-a', '\u20ac']] }, 'HTTP-request-denied'],
      [{ headers: [['bad name', 'v']] }, 'HTTP-request-denied'],
      [{ headers: Array.from({ length: 65 }, (_, i) => [`x-${i}`, 'v']) }, 'HTTP-request-header-section-size'],
      [{ headers: [['x-big', 'v'.repeat(17 * 1024)]] }, 'HTTP-request-header-section-size']
    ]
    for (const [request, error] of refusals) {
      const { answer, hits } = await send(request)
      assert.equal(answer.error, error, JSON.stringify(request).slice(0, 80))
      assert.equal(hits, 0, 'refused before anything left the worker')
    }
    assert.equal(body((await send({ method: 'POST', body: 'fine', headers: [['x-latin1', 'caf\u00e9\tok']] })).answer), 'fine', 'latin-1 octets and tabs are a valid value')
    // credentials stay within the origin: kept on a redirect to the same one, dropped on one to another port
    const secret: Array<[string, string]> = [['authorization', 'Bearer s3cret'], ['cookie', 'k=v'], ['x-keep', '1']]
    const other = await hostileApi()
    try {
      const seen = async (to: string): Promise<Record<string, string>> => JSON.parse(body((await send({ url: `${hostile.url}/redirect-to/${encodeURIComponent(to)}`, headers: secret })).answer)) as Record<string, string>
      const same = await seen(`${hostile.url}/headers`)
      assert.deepEqual([same.authorization, same.cookie, same['x-keep']], ['Bearer s3cret', 'k=v', '1'])
      const moved = await seen(`${other.url}/headers`)
      assert.deepEqual([moved.authorization, moved.cookie, moved['x-keep']], [undefined, undefined, '1'])
    } finally { await other.close() }
    assert.equal((await send({ url: `${hostile.url}/redirect-garbage` })).answer.error, 'HTTP-request-URI-invalid', 'a Location that is not a URL')
  })

  it('caps: a body that never ends, a 100 MB body and oversized headers are refused at the cap; silence is a local failure, never attested', async () => {
    assert.equal((await ask(`${hostile.url}/forever`, { http: { ...local, maxResponseBodyBytes: 256 * 1024 } })).answer.error, 'HTTP-response-body-size')
    assert.equal((await ask(`${hostile.url}/huge`)).answer.error, 'HTTP-response-body-size')
    // a refusal, the same on every replica (not node's --max-http-header-size, not a truncated header list)
    for (const path of ['/big-headers', '/many-headers']) {
      const { answer, r } = await ask(`${hostile.url}${path}`)
      assert.equal(answer.error, 'HTTP-response-header-section-size', path)
      assert.deepEqual(r.transcript?.at(-1)?.response, { error: 'HTTP-response-header-section-size' })
    }
    const silent = await executor.execute(guest(), { http: { ...local, timeoutMs: 300 }, input: JSON.stringify({ method: 'GET', url: `${hostile.url}/silent` }) })
    assert.equal(silent.status, 'timeout')
    assert.equal(silent.result_hash, null)
    const big = await executor.execute(guest(), { http: { ...local, maxRequestBodyBytes: 100 }, input: JSON.stringify({ method: 'POST', url: `${hostile.url}/echo`, body: 'x'.repeat(200) }) })
    assert.equal((JSON.parse(text(big.stdout)) as Answer).error, 'HTTP-request-body-size')
  })

  it('caps the requests per run and charges fuel per byte', async () => {
    const small = await ask(`${hostile.url}/echo`, { input: undefined })
    const r1 = await executor.execute(guest(), { http: local, input: JSON.stringify({ method: 'POST', url: `${hostile.url}/echo`, body: 'a' }) })
    const r2 = await executor.execute(guest(), { http: local, input: JSON.stringify({ method: 'POST', url: `${hostile.url}/echo`, body: 'a'.repeat(1001) }) })
    assert.equal(r2.fuel_used - r1.fuel_used, HTTP_FUEL.perByte * 1000n * 2n, 'request and response bytes both pay')
    assert.ok(small.r.fuel_used >= HTTP_FUEL.perRequest)
    const capped = await executor.execute(guest(), { http: { ...local, maxRequests: 0 }, input: JSON.stringify({ method: 'GET', url: `${prices[0]?.url}/price` }) })
    assert.equal((JSON.parse(text(capped.stdout)) as Answer).error, 'HTTP-request-denied')
    const broke = await executor.execute(guest(), { http: local, fuel: HTTP_FUEL.perRequest / 2n, input: JSON.stringify({ method: 'GET', url: `${prices[0]?.url}/price` }) })
    assert.equal(broke.status, 'out_of_fuel', 'a request costs fuel the guest must have')
  })

  it('the program\'s manifest section declares its hosts (covered by the wasm hash); a malformed one is refused', async () => {
    const declared = addHttpManifest(guest(), { hosts: ['127.0.0.1'] })
    const r = await executor.execute(declared, { http: { allowHttp: true }, input: JSON.stringify({ method: 'GET', url: `${prices[1]?.url}/price` }) })
    assert.equal(body(JSON.parse(text(r.stdout)) as Answer), '{"price":102}')
    const bad = addHttpManifest(guest(), { hosts: ['*.example.com'] })
    await assert.rejects(executor.execute(bad), (err: unknown) => err instanceof AdmissionError && err.code === 'bad_manifest')
    const notJson = addHttpManifest(guest(), { hosts: [] })
    notJson[notJson.length - 1] = 0x7b // the JSON's closing brace → '{'
    await assert.rejects(executor.execute(notJson), (err: unknown) => err instanceof AdmissionError && err.code === 'bad_manifest')
  })

  it('a JS component\'s wasi:http requests go through the same policy, caps and transcript as a P1 module\'s', async () => {
    const component = new Uint8Array(await readFile(await seedProbe(cache.path)))
    const asks = [{ url: `${prices[2]?.url}/price` }, { url: 'http://example.com/' }, { url: `${hostile.url}/huge` }, { url: `${hostile.url}/redirect-metadata` }]
    const input = JSON.stringify({ mode: 'http', asks })
    const run = async (): Promise<Awaited<ReturnType<Executor['execute']>>> => await executor.execute(component, { http: local, input, fuel: 5_000_000_000n })
    const r = await run()
    assert.equal(r.status, 'ok', r.message)
    assert.deepEqual(JSON.parse(text(r.stdout)), [
      { status: 200, body: '{"price":98}' },
      { error: 'HTTP-request-denied' },
      { error: 'HTTP-response-body-size' },
      { error: 'HTTP-request-denied' }
    ])
    assert.equal(r.transcript?.length, 5, 'four requests; the redirect is a hop of its own')
    assert.deepEqual(r.transcript?.[4]?.response, { error: 'HTTP-request-denied' })
    const p1 = await executor.execute(guest(), { http: local, input: JSON.stringify({ method: 'GET', url: `${prices[2]?.url}/price` }) })
    assert.deepEqual(r.transcript?.[0], p1.transcript?.[0], 'the same exchange is the same transcript entry, module or component')
    const again = await run()
    assert.equal(again.result_hash, r.result_hash, 'same responses, same result hash')
    assert.equal(again.transcript_hash, r.transcript_hash)
  })
})
