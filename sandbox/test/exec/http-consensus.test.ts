import assert from 'node:assert/strict'
import { consensusFetcher, type ResponseAgreement } from '../../exec/http/consensus.js'
import type { HttpFetcher } from '../../exec/http/exchange.js'
import { createHttpFetcher } from '../../exec/http/fetcher.js'
import { createExecutor, type Executor } from '../../exec/index.js'
import { gossipRound } from './gossip-round.js'
import { tempDir, text, wabtReady } from './helpers.js'
import { fetchGuest } from './http-guest.js'
import { priceApi, type TestServer } from './http-servers.js'

describe('sandbox/exec consensus-on-responses (executor side)', function () {
  this.timeout(300_000)
  const cache = tempDir('consensus')
  const replicas = ['w1', 'w2', 'w3']
  const prices = [100, 102, 98]
  let servers: TestServer[]
  before(async () => {
    await wabtReady
    servers = await Promise.all(prices.map(async p => await priceApi(() => p)))
  })
  after(async () => { await Promise.all(servers.map(async s => await s.close())); cache.remove() })

  /** Replica i asks the same URL; its own server (standing in for its own view of the API) answers. */
  async function runAll (agreement: (replica: string) => ResponseAgreement): Promise<Array<Awaited<ReturnType<Executor['execute']>>>> {
    const url = `http://127.0.0.1:${servers[0]?.port}/price`
    const executors = replicas.map((replica, i) => {
      const real = createHttpFetcher({ allowLoopbackForTests: true })
      const own: HttpFetcher = {
        fetch: async (spec, policy) => {
          const ex = await real.fetch({ ...spec, url: spec.url.replace(`:${servers[0]?.port}/`, `:${servers[i]?.port}/`) }, policy)
          return { ...ex, hops: ex.hops.map(h => ({ ...h, request: { ...h.request, url: spec.url } })) }
        }
      }
      return createExecutor({ workers: 1, cacheDir: cache.path, httpFetcher: consensusFetcher(own, agreement(replica)) })
    })
    try {
      return await Promise.all(executors.map(async ex => await ex.execute(fetchGuest(), { http: { allowedHosts: ['127.0.0.1'], allowHttp: true }, input: JSON.stringify({ method: 'GET', url }) })))
    } finally {
      await Promise.all(executors.map(async ex => { await ex.close() }))
    }
  }

  it('replicas whose servers disagree continue with the agreed (median) response: identical outputs and result hashes', async () => {
    const results = await runAll(gossipRound(replicas, 2, { mode: 'per_field', fields: { price: 'median' } }))
    for (const r of results) assert.equal(r.status, 'ok', r.message)
    const bodies = results.map(r => Buffer.from((JSON.parse(text(r.stdout)) as { body_base64: string }).body_base64, 'base64').toString())
    assert.deepEqual(bodies, ['{"price":100}', '{"price":100}', '{"price":100}'])
    assert.equal(new Set(results.map(r => r.result_hash)).size, 1, '`identical` now holds for outside data')
    assert.equal(new Set(results.map(r => r.transcript_hash)).size, 1)
  })

  it('no agreement is a deterministic refusal every replica sees the same way', async () => {
    const results = await runAll(gossipRound(replicas, 2, { mode: 'identical' }))
    for (const r of results) assert.deepEqual((JSON.parse(text(r.stdout)) as { error: string }).error, 'internal-error')
    assert.equal(new Set(results.map(r => r.result_hash)).size, 1)
  })
})
