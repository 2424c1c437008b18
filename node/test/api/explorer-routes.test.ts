/** The explorer's JSON routes: pagination and caps on every list, search, OutLayer's shapes, JSON errors. */
import assert from 'node:assert/strict'
import { createApiServer, type ApiServer } from '../../api/index.js'
import { fixtureExplorer, TRANSCRIPT } from './explorer-fixture.js'
import { sampleStatus } from './fixtures.js'

describe('node/api explorer routes', () => {
  let server: ApiServer
  const get = async (path: string, init?: RequestInit): Promise<{ status: number, body: any }> => {
    const res = await fetch(`${server.url}${path}`, init)
    return { status: res.status, body: await res.json() }
  }
  before(async () => { server = await createApiServer({ port: 0, status: () => sampleStatus(), explorer: fixtureExplorer() }) })
  after(async () => { await server.close() })

  it('pages the executions list, newest first, 20 by default and at most 100', async () => {
    const first = await get('/api/executions')
    assert.equal(first.status, 200)
    assert.equal(first.body.total, 150)
    assert.equal(first.body.items.length, 20)
    assert.equal(first.body.items[0].request_id, '150')
    const last = await get('/api/executions?limit=100&offset=100')
    assert.deepEqual([last.body.items.length, last.body.items[0].request_id, last.body.items.at(-1).request_id], [50, '50', '1'])
    const past = await get('/api/executions?offset=1000')
    assert.deepEqual([past.status, past.body.items.length, past.body.total], [200, 0, 150])
  })

  it('refuses limits and offsets out of range with a JSON 400 naming the parameter', async () => {
    for (const q of ['limit=101', 'limit=0', 'limit=-1', 'limit=ten', 'offset=1000001', 'offset=1e3']) {
      const r = await get(`/api/executions?${q}`)
      assert.equal(r.status, 400, q)
      assert.equal(r.body.error.code, 'BAD_REQUEST')
      assert.match(r.body.error.message, new RegExp(q.split('=')[0]!))
    }
    assert.equal((await get('/public/jobs?limit=500')).status, 400)
    assert.equal((await get('/api/workers?limit=500')).status, 400)
    assert.equal((await get('/api/network?limit=500')).status, 400)
  })

  it('searches by id, caller and status; a bad status or caller is a 400', async () => {
    assert.deepEqual((await get('/api/executions?q=150')).body.items.map((r: any) => r.request_id), ['150'])
    const bob = await get('/api/executions?caller=bob.test.near&limit=100')
    assert.equal(bob.body.total, 75)
    assert.ok(bob.body.items.every((r: any) => r.caller === 'bob.test.near'))
    assert.equal((await get('/api/executions?status=pending')).body.total, 0)
    assert.equal((await get('/api/executions?status=nope')).status, 400)
    assert.equal((await get('/api/executions?caller=%3Cscript%3E')).status, 400)
    assert.equal((await get(`/api/executions?q=${'a'.repeat(200)}`)).status, 400)
  })

  it('one execution: its record, 404 when unknown, 400 when the id is not a u64', async () => {
    const one = await get('/api/executions/7')
    assert.equal(one.body.request_id, '7')
    assert.equal(one.body.steps.callback.block, 14)
    assert.equal(one.body.slashes[0].worker_id, 'w2.test.near')
    assert.equal((await get('/api/executions/99999')).status, 404)
    for (const bad of ['abc', '-1', '01', '1'.repeat(25)]) assert.equal((await get(`/api/executions/${bad}`)).status, 400, bad)
    assert.equal((await get('/api/executions?tx=Tx1111111111111111111111111111111')).body.request_id, '150')
    assert.equal((await get('/api/executions?tx=not-a-hash')).status, 400)
  })

  it('one execution carries the node\'s I/O transcript only when it hashes to the agreed transcript_hash', async () => {
    assert.deepEqual((await get('/api/executions/150')).body.transcript, TRANSCRIPT)
    // the node holds a transcript for 149 too, but the quorum agreed on another: a dissenter's run is not shown as it
    assert.equal((await get('/api/executions/149')).body.transcript, undefined)
    assert.equal((await get('/api/executions/7')).body.transcript, undefined, 'no transcript held')
  })

  it('serves OutLayer\'s public shapes and the attestations of a request', async () => {
    const jobs = await get('/public/jobs?limit=2')
    assert.deepEqual(Object.keys(jobs.body).sort(), ['jobs', 'limit', 'offset', 'total'])
    assert.equal(jobs.body.jobs[0].job_id, '150')
    const workers = await get('/public/workers')
    assert.equal(workers.body.workers.length, 2)
    const stats = await get('/public/stats')
    assert.deepEqual([stats.body.total_executions, stats.body.completed, stats.body.slashes, stats.body.median_blocks_to_callback], [150, 150, 150, 4])
    const att = await get('/attestations/7')
    assert.equal(att.body.job_id, '7')
    assert.equal(att.body.contract_id, 'outlayer.test.near')
    assert.equal((await get('/attestations/x')).status, 400)
    assert.equal((await get('/attestations/99999')).status, 404)
  })

  it('pages the network\'s peers and keeps the rest of the view', async () => {
    const net = await get('/api/network?limit=100')
    assert.deepEqual([net.body.peers.length, net.body.peers_total, net.body.chain.lag], [100, 130, 2])
  })

  it('secrets: an owner\'s records paged, one record through get_secrets, the keystore group; bad owners are a 400', async () => {
    const alice = await get('/api/secrets?owner=alice.test.near&limit=1')
    assert.deepEqual([alice.status, alice.body.total, alice.body.items.length, alice.body.items[0].stored.block], [200, 2, 1, 12])
    assert.equal((await get('/api/secrets?owner=bob.test.near')).body.total, 0)
    assert.equal((await get('/api/secrets?owner=alice.test.near&limit=101')).status, 400)
    assert.equal((await get('/api/secrets')).status, 400)
    assert.equal((await get('/api/secrets?owner=%3Cscript%3E')).status, 400)
    const one = await get(`/api/secrets?owner=alice.test.near&accessor=${encodeURIComponent('{"WasmHash":{"hash":"ab"}}')}`)
    assert.deepEqual([one.status, one.body.record], [200, null])
    assert.equal((await get('/api/secrets?owner=alice.test.near&accessor=%7Bnot')).status, 400)
    const group = await get('/api/keystore-group')
    assert.deepEqual([group.body.group.threshold, group.body.group.group_key.length], [2, 64])
  })

  it('serves an OpenAPI document naming every route', async () => {
    const doc = await get('/openapi.json')
    assert.equal(doc.body.openapi, '3.1.0')
    for (const p of ['/api/executions', '/api/executions/{id}', '/api/workers', '/api/network', '/public/jobs', '/public/workers', '/public/stats', '/attestations/{id}', '/api/tx', '/api/secrets', '/api/keystore-group']) assert.ok(doc.body.paths[p] != null, p)
  })

  it('errors are JSON: unknown route 404, wrong method 405, RPC failure 502 without its text', async () => {
    const unknown = await get('/api/nope')
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'NOT_FOUND'])
    const post = await get('/api/executions', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
    assert.deepEqual([post.status, post.body.error.code], [405, 'METHOD_NOT_ALLOWED'])
    const getTx = await get('/api/tx')
    assert.equal(getTx.status, 405)
    const ctx = await get('/api/tx-context?account_id=alice.test.near&public_key=ed25519:11111111111111111111111111111111')
    assert.deepEqual([ctx.status, ctx.body.error.code], [502, 'UPSTREAM_FAILED'])
    assert.doesNotMatch(ctx.body.error.message, /rpc down/)
    assert.equal((await get('/api/tx-context?account_id=alice.test.near')).status, 400)
  })

  it('the relay takes only a JSON body with base64, at most 64 KiB', async () => {
    const post = async (body: string, type = 'application/json'): Promise<{ status: number, body: any }> => await get('/api/tx', { method: 'POST', body, headers: { 'content-type': type } })
    assert.equal((await post('{"signed_tx_base64":"AAAA"}', 'text/plain')).status, 400)
    assert.equal((await post('not json')).status, 400)
    assert.equal((await post('{"signed_tx_base64":"<>"}')).status, 400)
    assert.equal((await post(JSON.stringify({ signed_tx_base64: 'A'.repeat(70_000) }))).status, 400)
    const relayed = await post('{"signed_tx_base64":"AAAA"}')
    assert.deepEqual([relayed.status, relayed.body.error.code], [502, 'UPSTREAM_FAILED'])
    assert.equal((await fetch(`${server.url}/health`)).status, 200, 'still serving')
  })

  it('without an explorer the explorer routes answer 503 and / stays the status page', async () => {
    const plain = await createApiServer({ port: 0, status: () => sampleStatus() })
    try {
      const r = await fetch(`${plain.url}/api/executions`)
      assert.equal(r.status, 503)
      assert.match(await (await fetch(`${plain.url}/`)).text(), /id="chain-height"/)
    } finally { await plain.close() }
  })
})
