/**
 * The outside-data examples (examples/oracle, examples/weather) on the executor against real HTTP servers on
 * 127.0.0.1: their outputs for given answers, the same result hash for the same answers, and three replicas whose
 * sources differ aggregated by the rule examples/README.md recommends.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { aggregate } from '../../../protocol/aggregation.js'
import { EXAMPLE_HOSTS, ensureExamples, type ExampleName } from '../../../scripts/build-examples.js'
import { createHttpFetcher } from '../../exec/http/fetcher.js'
import { readHttpManifest } from '../../exec/http/manifest.js'
import type { ExecutionResult } from '../../../protocol/result.js'
import { createExecutor, type Executor } from '../../exec/index.js'
import { tempDir, text } from './helpers.js'
import { coinApi, weatherApi, type Current, type TestServer } from './http-servers.js'

describe('examples with outside HTTP (oracle, weather) on the executor', function () {
  this.timeout(300_000)
  const cache = tempDir('examples-http')
  let executor: Executor
  let paths: Record<ExampleName, string>
  const coins = [{ bitcoin: 100, ethereum: 10 }, { bitcoin: 102, ethereum: 11 }, { bitcoin: 98, ethereum: 13 }]
  let sources: TestServer[]
  let weather: Awaited<ReturnType<typeof weatherApi>>
  let current: Current = { temperature_2m: 3.5, relative_humidity_2m: 81, wind_speed_10m: 12.2, wind_direction_10m: 250, time: '2026-12-02T19:45' }
  before(async () => {
    paths = await ensureExamples()
    sources = await Promise.all(coins.map(async (_, i) => await coinApi(() => coins[i] as Record<string, number>, { quoted: i === 2 })))
    weather = await weatherApi(() => current)
    executor = createExecutor({ workers: 1, cacheDir: cache.path, httpFetcher: createHttpFetcher({ allowLoopbackForTests: true }) })
  })
  after(async () => {
    await executor.close()
    await Promise.all([...sources, weather].map(async s => await s.close()))
    cache.remove()
  })

  const run = async (name: ExampleName, input: unknown): Promise<ExecutionResult> =>
    await executor.execute(new Uint8Array(await readFile(paths[name])), { input: JSON.stringify(input), fuel: 10n ** 10n, http: { allowedHosts: ['127.0.0.1'], allowHttp: true } })
  const ok = (r: ExecutionResult): unknown => { assert.equal(r.status, 'ok', `${r.status} ${r.message ?? ''} ${text(r.stderr)}`); return JSON.parse(text(r.stdout)) }
  const priceSources = (): unknown[] => sources.map(s => ({ url: `${s.url}/simple/price?ids={tokens}&vs_currencies=usd`, path: '{token}.usd' }))

  it('each declares its hosts in its manifest', async () => {
    for (const name of ['oracle', 'weather'] as const) assert.deepEqual(readHttpManifest(new Uint8Array(await readFile(paths[name]))), { hosts: EXAMPLE_HOSTS[name] })
  })

  it('oracle: one token is a bare number (the median of three sources, one quoting its price); several are an object', async () => {
    const one = await run('oracle', { token: 'bitcoin', sources: priceSources() })
    assert.equal(text(one.stdout), '100')
    assert.equal(one.transcript?.length, 3, 'one request per source')
    assert.deepEqual(ok(await run('oracle', { tokens: ['bitcoin', 'ethereum'], sources: priceSources() })), { bitcoin: 100, ethereum: 11 })
    // a source that knows no such token, or is not allowed, leaves two prices: their mean
    const partial = [...priceSources().slice(0, 2), { url: 'http://example.com/?ids={tokens}', path: '{token}.usd' }]
    assert.deepEqual(ok(await run('oracle', { tokens: ['bitcoin'], sources: partial })), { bitcoin: 101 })
    const none = await run('oracle', { token: 'dogecoin', sources: priceSources() })
    assert.equal(none.status, 'exit')
    assert.match(text(none.stderr), /dogecoin: 0 of 3 sources gave a price, 2 needed/)
    const bad = await run('oracle', { tokens: Array.from({ length: 11 }, (_, i) => `t${i}`), sources: priceSources() })
    assert.equal(bad.status, 'exit')
    assert.match(text(bad.stderr), /1 to 10 names/)
  })

  it('oracle: the same answers give the same result hash; replicas whose sources differ agree by the contract\'s median', async () => {
    const input = { token: 'bitcoin', sources: priceSources() }
    const a = await run('oracle', input)
    const b = await run('oracle', input)
    assert.equal(a.result_hash, b.result_hash)
    assert.equal(a.transcript_hash, b.transcript_hash)
    const replicas = [a]
    for (const bitcoin of [130, 99]) { // the later replicas' first source moved
      coins[0] = { ...coins[0] as { bitcoin: number, ethereum: number }, bitcoin }
      replicas.push(await run('oracle', input))
    }
    coins[0] = { bitcoin: 100, ethereum: 10 }
    assert.deepEqual(replicas.map(r => text(r.stdout)), ['100', '102', '99'])
    assert.notEqual(replicas[1]?.result_hash, a.result_hash)
    const agreed = aggregate(replicas.map(r => r.stdout), 2, { mode: 'median' })
    assert.ok(agreed.ok)
    assert.equal(Buffer.from(agreed.value).toString(), '100')
  })

  it('weather: by city (geocoded) and by coordinates, flat fields', async () => {
    const byCity = ok(await run('weather', { city: 'Berlin', api: weather.url, geocoding_api: weather.url }))
    assert.deepEqual(byCity, { city: 'Berlin', country: 'Germany', latitude: 52.52437, longitude: 13.41053, temperature_c: 3.5, humidity_pct: 81, wind_speed_kmh: 12.2, wind_direction_deg: 250, observed_at: '2026-12-02T19:45' })
    assert.match(weather.asked().at(-1) ?? '', /latitude=52\.52437&longitude=13\.41053&current=temperature_2m/)
    const byPoint = ok(await run('weather', { latitude: -33.87, longitude: 151.21, api: weather.url })) as Record<string, unknown>
    assert.equal(byPoint.city, null)
    assert.equal(byPoint.latitude, -33.87)
    const nowhere = await run('weather', { city: 'Atlantis', api: weather.url, geocoding_api: weather.url })
    assert.equal(nowhere.status, 'exit')
    assert.match(text(nowhere.stderr), /no place named Atlantis/)
    const off = await run('weather', { latitude: 91, longitude: 0, api: weather.url })
    assert.match(text(off.stderr), /latitude/)
    const denied = await run('weather', { latitude: 1, longitude: 2, api: 'https://example.com' }) // not on any allowlist
    assert.equal(denied.status, 'exit')
    assert.match(text(denied.stderr), /weather: HTTP-request-denied/)
  })

  it('weather: replicas seeing different readings agree field by field (per_field median / identical / mode)', async () => {
    const input = { city: 'Berlin', api: weather.url, geocoding_api: weather.url }
    const readings = [3.5, 4.1, 3.9]
    const outputs: Uint8Array[] = []
    const hashes: Array<string | null | undefined> = []
    for (const [i, t] of readings.entries()) {
      current = { ...current, temperature_2m: t, wind_speed_10m: 10 + i }
      const r = await run('weather', input)
      ok(r)
      outputs.push(r.stdout)
      hashes.push(r.result_hash)
    }
    current = { ...current, temperature_2m: 3.5, wind_speed_10m: 10 }
    const same = await run('weather', input)
    assert.equal(same.result_hash, hashes[0], 'the same reading, the same result hash')
    const agreed = aggregate(outputs, 2, { mode: 'per_field', fields: { city: 'identical', temperature_c: 'median', humidity_pct: 'median', wind_speed_kmh: 'median', observed_at: 'mode' } })
    assert.ok(agreed.ok, agreed.ok ? '' : agreed.detail)
    assert.deepEqual(JSON.parse(Buffer.from(agreed.value).toString()), { city: 'Berlin', humidity_pct: 81, observed_at: '2026-12-02T19:45', temperature_c: 3.9, wind_speed_kmh: 11 })
  })
})
