import assert from 'node:assert/strict'
import { pino } from 'pino'
import type { TaskPayload } from '../../../protocol/index.js'
import type { MeshNode } from '../../p2p/index.js'
import { startStar, stopAll, waitFor, waitForTopicMesh } from './helpers.js'

describe('p2p gossip', function () {
  this.timeout(60_000)
  let nodes: MeshNode[] = []

  before(async () => {
    // a real pino logger (silent) checks that pino satisfies MeshLogger
    nodes = await startStar(4, i => ({ logger: pino({ level: 'silent' }).child({ module: 'p2p', node: i }) }))
    await waitForTopicMesh(nodes, 'tasks')
  })

  after(async () => { await stopAll(nodes) })

  it('a task published by a leaf reaches every other node, validated, once', async () => {
    const received = nodes.map(() => [] as Array<{ payload: TaskPayload, sender: string }>)
    const offs = nodes.map((n, i) => n.on('task', (payload, envelope) => { received[i]!.push({ payload, sender: envelope.sender }) }))
    const payload: TaskPayload = { contract_id: 'outlayer.test.near', request_id: '7', block_height: '100' }
    const sent = await nodes[1]!.publish('task', payload)
    assert.ok(sent >= 1, 'published to at least one peer')
    await waitFor(() => received.every((r, i) => i === 1 || r.length === 1), 'delivery on every other node')
    await new Promise(resolve => setTimeout(resolve, 300))
    for (const [i, r] of received.entries()) {
      if (i === 1) { assert.equal(r.length, 0, 'no self-delivery'); continue }
      assert.equal(r.length, 1, `node ${i} got the task exactly once`)
      assert.deepEqual(r[0]!.payload, payload, `node ${i} payload`)
      assert.equal(r[0]!.sender, nodes[1]!.sender, `node ${i} sender`)
    }
    offs.forEach(off => off())
    assert.equal(nodes[1]!.getStats().gossip.tasks.published, 1)
  })

  it('refuses to publish a payload that peers would reject', async () => {
    await assert.rejects(nodes[0]!.publish('task', { contract_id: 'NOT VALID', request_id: '1', block_height: '1' }),
      (err: Error & { code?: string }) => err.name === 'MeshError' && err.code === 'BAD_INPUT')
  })
})
