import assert from 'node:assert/strict'
import { SimNetwork, createRng, drawLatency, startBareMesh } from '../../net/index.js'
import { LinkDirection as Direction } from '../../net/link.js'

describe('sim/net', function () {
  this.timeout(180_000)

  it('the PRNG is reproducible per seed and label, and labels are independent', () => {
    const a = createRng(7).derive('x'); const b = createRng(7).derive('x'); const c = createRng(7).derive('y')
    const xs = Array.from({ length: 5 }, () => a.next())
    assert.deepEqual(Array.from({ length: 5 }, () => b.next()), xs)
    assert.notDeepEqual(Array.from({ length: 5 }, () => c.next()), xs)
    assert.notEqual(createRng(8).derive('x').next(), xs[0])
  })

  it('a link keeps order, serialises at its bandwidth and charges a retransmission per lost segment', () => {
    const slow = new Direction({ latency: { kind: 'fixed', ms: 10 }, jitterMs: 0, bandwidthBps: 8_000_000, loss: 0 }, createRng(1))
    // 1 MB at 8 Mbit/s = 1000 ms of serialisation, then 10 ms of latency
    assert.equal(slow.delayFor(1_000_000, 0), 1010)
    // written at the same instant: queued behind the first
    assert.equal(slow.delayFor(1000, 0), 1011)
    const lossy = new Direction({ latency: { kind: 'fixed', ms: 10 }, jitterMs: 0, bandwidthBps: 0, loss: 1 }, createRng(1))
    assert.equal(lossy.delayFor(2920, 0), 10 + 2 * 200)
    const jittery = new Direction({ latency: { kind: 'uniform', minMs: 5, maxMs: 50 }, jitterMs: 5, bandwidthBps: 0, loss: 0 }, createRng(3))
    let last = 0
    for (let t = 0; t < 200; t++) {
      const at = t + jittery.delayFor(100, t)
      assert.ok(at >= last)
      last = at
    }
    assert.ok(drawLatency({ kind: 'lognormal', medianMs: 20, sigma: 0.5 }, createRng(2)) > 0)
  })

  it('50 real gossipsub nodes over simulated 5 ms links deliver every message; a partition cuts, a heal restores', async () => {
    const network = new SimNetwork({ seed: 42, link: { latency: { kind: 'fixed', ms: 5 }, jitterMs: 1 } })
    const mesh = await startBareMesh({ network, nodes: 50, degree: 4, heartbeatMs: 100, rng: createRng(42) })
    try {
      assert.equal(await mesh.ready(), true)
      const before = await mesh.run({ count: 10, bytes: 2048, intervalMs: 50, settleMs: 1500 })
      assert.equal(before.deliveryRatio, 1)
      // every hop costs at least 5 ms of latency
      assert.ok(before.p50Ms >= 5)
      assert.ok(before.p99Ms >= before.p50Ms)
      assert.ok(network.countersOf(mesh.hosts[0]!).bytesOut > 0)

      // split off the first 10 hosts: no connection survives across, and no message crosses
      const left = mesh.hosts.slice(0, 10)
      network.partition([left, mesh.hosts.slice(10)])
      const leftIds = new Set(mesh.nodes.slice(0, 10).map(n => n.peerId.toString()))
      for (const node of mesh.nodes.slice(10)) {
        assert.equal(node.getConnections().filter(c => leftIds.has(c.remotePeer.toString()) && c.status === 'open').length, 0)
      }
      const got: number[] = []
      const topic = '/outlayer/sim/baseline'
      const listener = (): void => { got.push(1) }
      mesh.nodes[0]!.services.pubsub.addEventListener('message', listener)
      await mesh.nodes[20]!.services.pubsub.publish(topic, new TextEncoder().encode('across-the-partition')).catch(() => {})
      await new Promise(resolve => setTimeout(resolve, 500))
      assert.equal(got.length, 0)
      let refused: Error | undefined
      await mesh.nodes[20]!.dial(mesh.nodes[0]!.getMultiaddrs()[0]!).catch((err: Error) => { refused = err })
      assert.notEqual(refused, undefined)

      network.heal()
      // reconnect across the former cut, the way the runner does on a heal
      for (let i = 0; i < 10; i++) await mesh.nodes[i]!.dial(mesh.nodes[10 + i]!.getMultiaddrs()[0]!)
      await mesh.ready()
      await new Promise(resolve => setTimeout(resolve, 1000))
      await mesh.nodes[20]!.services.pubsub.publish(topic, new TextEncoder().encode('after-the-heal')).catch(() => {})
      const deadline = Date.now() + 10_000
      while (got.length === 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50))
      mesh.nodes[0]!.services.pubsub.removeEventListener('message', listener)
      assert.equal(got.length, 1)
    } finally {
      await mesh.stop()
    }
  })
})
