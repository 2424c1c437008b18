import assert from 'node:assert/strict'
import { createMetrics } from '../../metrics.js'
import type { MeshNode } from '../../p2p/index.js'
import { startNode, stopAll, waitFor } from './helpers.js'

const hasCode = (name: string, code: string) => (err: Error & { code?: string }) => err.name === name && err.code === code

describe('p2p mesh node lifecycle', function () {
  this.timeout(30_000)
  const nodes: MeshNode[] = []
  after(async () => { await stopAll(nodes) })

  it('start and stop are idempotent, and a stopped node refuses work with NOT_STARTED', async () => {
    const node = await startNode({ start: false })
    nodes.push(node)
    await assert.rejects(node.publish('task', { contract_id: 'a.near', request_id: '1', block_height: '1' }), hasCode('MeshError', 'NOT_STARTED'))
    await node.start()
    await node.start()
    assert.ok(node.multiaddrs().every(a => a.startsWith('/ip4/127.0.0.1/tcp/') && a.includes(`/p2p/${node.peerId}`)), 'listens on loopback with its peer id')
    await node.stop()
    await node.stop()
    await assert.rejects(node.findBuildRecords('00'.repeat(32)), hasCode('MeshError', 'NOT_STARTED'))
  })

  it('refuses a malformed multiaddr or hash with BAD_INPUT', async () => {
    const node = await startNode()
    nodes.push(node)
    await assert.rejects(node.dial('not a multiaddr'), hasCode('MeshError', 'BAD_INPUT'))
    await assert.rejects(node.fetchWasm('xyz'), hasCode('MeshError', 'BAD_INPUT'))
    await assert.rejects(node.findBuildRecords('XYZ'), hasCode('MeshError', 'BAD_INPUT'))
  })

  it('sets the peers gauge as peers connect and leave', async () => {
    const metrics = createMetrics()
    const a = await startNode({ metrics })
    const b = await startNode({ bootstrap: a.multiaddrs() })
    nodes.push(a, b)
    const gauge = async (): Promise<number> => (await metrics.peers.get()).values[0]?.value ?? 0
    await waitFor(async () => await gauge() === 1, 'peers gauge at 1')
    await b.stop()
    await waitFor(async () => await gauge() === 0, 'peers gauge back to 0')
  })
})
