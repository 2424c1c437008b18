/**
 * The runner's chain scan over a real block feed (createBlockFeed against a real HTTP server on 127.0.0.1): a feed
 * that fails is recorded, never thrown, the range is read again once the feed answers, and a feed failing scan
 * after scan counts as lost, so runScenario stops and writes a partial report with the errors in it.
 */
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createBlockFeed } from '../../../node/chain/index.js'
import { chainEvents, type ChainEvent } from '../../adapter/chain-events.js'
import { ChainScan, MAX_CONSECUTIVE_FAILURES } from '../../runner/chain-scan.js'

const CONTRACT = 'outlayer.test.near'
const block = (h: number): unknown => ({
  block: { header: { height: h } },
  shards: [{ receipt_execution_outcomes: [{ execution_outcome: { outcome: { executor_id: CONTRACT, logs: [`EVENT_JSON:${JSON.stringify({ event: 'execution_completed', data: [{ request_id: String(h) }] })}`] } } }] }]
})

describe('sim runner: the chain scan survives a failing block feed', () => {
  let server: Server
  let url: string
  let failing = true
  before(async () => {
    server = createServer((req, res) => {
      const h = Number(/^\/v0\/block\/([0-9]+)$/.exec(req.url ?? '')?.[1])
      if (failing) { res.writeHead(500).end('boom'); return }
      if (!Number.isInteger(h)) { res.writeHead(404).end(); return }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(block(h)))
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(async () => { await new Promise(resolve => server.close(resolve)) })

  it('records feed errors, keeps its place, reads the range again once the feed answers, and is lost after repeated failures', async () => {
    const seen: ChainEvent[] = []
    const scan = new ChainScan(chainEvents(createBlockFeed(url), CONTRACT), e => { seen.push(e) }, { from: 1, t0: Date.now() })
    assert.equal(await scan.scan(3), false, 'a failing feed is a false scan, not a throw')
    assert.equal(scan.scanned, 0, 'nothing was read: the next scan starts at block 1 again')
    assert.equal(scan.errors.length, 1)
    assert.equal(scan.errors[0]!.where, 'block feed')
    assert.match(scan.errors[0]!.message, /blocks 1\.\.3: feed \/v0\/block\/1: HTTP 500/)
    assert.equal(scan.lost, false)

    failing = false
    assert.equal(await scan.scan(3), true)
    assert.deepEqual(seen.map(e => [e.height, e.event, e.data.request_id]), [[1, 'execution_completed', '1'], [2, 'execution_completed', '2'], [3, 'execution_completed', '3']])
    assert.equal(scan.scanned, 3)

    failing = true
    for (let i = 0; i < MAX_CONSECUTIVE_FAILURES - 1; i++) assert.equal(await scan.scan(5), false)
    assert.equal(scan.lost, false, 'one success reset the count')
    assert.equal(await scan.scan(5), false)
    assert.equal(scan.lost, true, `${MAX_CONSECUTIVE_FAILURES} failed scans in a row: the runner stops and reports what it has`)
    assert.equal(scan.failures, MAX_CONSECUTIVE_FAILURES + 1)
    assert.equal(scan.errors.length, 20, 'the report keeps the first errors only')
    assert.equal(seen.length, 3, 'no event delivered twice or from a failed range')
  })

  it('a feed that refuses connections is an error like any other', async () => {
    const closed = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise(resolve => closed.close(resolve))
    const scan = new ChainScan(chainEvents(createBlockFeed(`http://127.0.0.1:${port}`), CONTRACT), () => {}, { from: 10, t0: Date.now() })
    assert.equal(await scan.scan(10), false)
    assert.match(scan.errors[0]!.message, /blocks 10\.\.10: feed \/v0\/block\/10: /)
  })
})
