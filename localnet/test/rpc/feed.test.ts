/** The neardata-shaped block feed: redirects, waiting for the next block, and receipt outcomes with logs and events. */
import assert from 'node:assert/strict'
import { nearToYocto } from 'near-api-js'
import { createSubAccount, notesWasm, useTestNet } from './helpers.js'

interface FeedOutcome {
  execution_outcome: { id: string, block_hash: string, outcome: { executor_id: string, logs: string[], status: Record<string, unknown> } }
  receipt: { receipt_id: string, receiver_id: string, predecessor_id: string }
}
interface FeedBlock {
  block: { author: string, header: { height: number, hash: string, prev_hash: string, timestamp_nanosec: string } }
  shards: Array<{ shard_id: number, chunk: unknown, receipt_execution_outcomes: FeedOutcome[] }>
}

async function getJson (url: string): Promise<{ status: number, body: unknown }> {
  const res = await fetch(url)
  return { status: res.status, body: await res.json() }
}

describe('localnet feed: neardata shape', function () {
  const t = useTestNet()

  it('redirects last_block/final and last_block/optimistic to a block', async () => {
    const final = await getJson(`${t.net.feedUrl}/v0/last_block/final`)
    assert.equal(final.status, 200)
    const block = final.body as FeedBlock
    assert.ok(block.block.header.height <= t.net.height(), 'final is not ahead of the head')
    assert.equal(block.shards.length, 1)
    assert.equal(block.shards[0]!.shard_id, 0)
    const optimistic = await getJson(`${t.net.feedUrl}/v0/last_block/optimistic`)
    assert.ok((optimistic.body as FeedBlock).block.header.height >= block.block.header.height)
    const byHeight = await getJson(`${t.net.feedUrl}/v0/block/${block.block.header.height}`)
    assert.deepEqual((byHeight.body as FeedBlock).block.header.hash, block.block.header.hash)
    const rpcBlock = await t.rpc.viewBlock({ blockId: block.block.header.height })
    assert.equal(rpcBlock.header.hash, block.block.header.hash, 'feed and RPC agree on the block')
  })

  it('waits for a block just ahead, refuses one far ahead, and 404s an unknown route', async () => {
    const next = t.net.height() + 3
    const waited = await getJson(`${t.net.feedUrl}/v0/block_opt/${next}`)
    assert.equal(waited.status, 200)
    assert.equal((waited.body as FeedBlock).block.header.height, next)
    const far = await getJson(`${t.net.feedUrl}/v0/block/${t.net.height() + 100_000}`)
    assert.equal(far.status, 400)
    assert.equal((far.body as { type: string }).type, 'BLOCK_HEIGHT_TOO_HIGH')
    assert.equal((await getJson(`${t.net.feedUrl}/v0/nothing`)).status, 404)
  })

  it('carries receipt outcomes with executor, status, logs and NEP-297 events', async () => {
    const notes = (await createSubAccount(t.root, t.net, 'feednotes', nearToYocto(20))).account
    await notes.deployContract(await notesWasm())
    const outcome = await t.root.callFunctionRaw({ contractId: notes.accountId, methodName: 'set', args: new TextEncoder().encode('"feed"'), waitUntil: 'FINAL' })
    const executed = outcome.receipts_outcome.find(r => r.outcome.executor_id === notes.accountId && r.outcome.logs.length > 0)
    assert.ok(executed !== undefined, 'the call ran on the contract')
    const { header } = await t.rpc.viewBlock({ blockId: executed.block_hash })

    const { status, body } = await getJson(`${t.net.feedUrl}/v0/block/${header.height}`)
    assert.equal(status, 200)
    const feed = body as FeedBlock
    assert.equal(feed.block.header.hash, executed.block_hash)
    const found = feed.shards.flatMap(s => s.receipt_execution_outcomes).find(o => o.execution_outcome.id === executed.id)
    assert.ok(found !== undefined, `receipt ${executed.id} is in the feed block ${header.height}`)
    assert.equal(found.execution_outcome.outcome.executor_id, notes.accountId)
    assert.equal(found.receipt.receiver_id, notes.accountId)
    assert.equal(found.receipt.predecessor_id, t.root.accountId)
    assert.deepEqual(found.execution_outcome.outcome.status, { SuccessValue: Buffer.from('"feed"').toString('base64') })
    assert.equal(found.execution_outcome.outcome.logs[0], `set by ${t.root.accountId}`)
    const event = found.execution_outcome.outcome.logs.find(l => l.startsWith('EVENT_JSON:'))
    assert.equal(JSON.parse(event!.slice('EVENT_JSON:'.length)).event, 'note_set')
  })
})
