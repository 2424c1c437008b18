import assert from 'node:assert/strict'
import {
  createEnvelope, encodeEnvelope, generateKeyPair, toBytes, ENVELOPE_LIMITS,
  type Envelope, type GossipTopicName, type TaskPayload
} from '../../../protocol/index.js'
import { createMetrics, type Metrics } from '../../metrics.js'
import type { GossipValidationCode, MeshNode } from '../../p2p/index.js'
import type { MeshLibp2p } from '../../p2p/libp2p.js'
import { publishRaw, startAttacker } from './attacker.js'
import { startStar, stopAll, waitFor, waitForTopicMesh } from './helpers.js'

const TASK: TaskPayload = { contract_id: 'outlayer.test.near', request_id: '42', block_height: '1000' }

function refused (nodes: MeshNode[], topic: GossipTopicName, code: GossipValidationCode): number {
  return nodes.reduce((n, node) => n + (node.getStats().gossip[topic].refused[code] ?? 0), 0)
}

describe('p2p gossip refusals (forged, replayed, stale, oversized, malformed)', function () {
  this.timeout(90_000)
  let nodes: MeshNode[] = []
  let metrics: Metrics
  const attackers: MeshLibp2p[] = []
  let delivered: Array<Array<Envelope<'task'>>> = []

  before(async () => {
    metrics = createMetrics()
    nodes = await startStar(3, i => i === 0 ? { metrics } : {})
    await waitForTopicMesh(nodes, 'tasks')
    delivered = nodes.map(() => [])
    nodes.forEach((n, i) => n.on('task', (_p, envelope) => { delivered[i]!.push(envelope) }))
  })

  after(async () => {
    await stopAll(attackers)
    await stopAll(nodes)
  })

  /** a fresh attacker per case, so one case's score penalty (graylisting) cannot hide the next case */
  async function attack (topic: GossipTopicName, data: Uint8Array, code: GossipValidationCode): Promise<MeshLibp2p> {
    const before = refused(nodes, topic, code)
    const attacker = await startAttacker(nodes[0]!.multiaddrs())
    attackers.push(attacker)
    await publishRaw(attacker, topic, data, nodes[0]!.peerId)
    await waitFor(() => refused(nodes, topic, code) > before, `a ${code} refusal`)
    return attacker
  }

  function assertNothingDelivered (what: string): void {
    for (const [i, d] of delivered.entries()) assert.equal(d.length, 0, `node ${i} delivered nothing (${what})`)
  }

  it('refuses an envelope whose payload was changed after signing, and lowers the sender\'s score', async () => {
    const envelope = createEnvelope('task', TASK, generateKeyPair())
    const forged = { ...envelope, payload: { ...envelope.payload, request_id: '43' } }
    const attacker = await attack('tasks', encodeEnvelope(forged), 'BAD_SIGNATURE')
    // gossipsub caches scores briefly, so poll rather than read once
    await waitFor(() => nodes[0]!.peerScore(attacker.peerId.toString()) < 0, 'the hub scoring the forger below zero')
    assertNothingDelivered('forged')
  })

  it('refuses a replayed envelope, even re-encoded so gossipsub sees new bytes', async () => {
    const envelope = createEnvelope('task', TASK, generateKeyPair())
    const relay = await startAttacker(nodes[0]!.multiaddrs())
    attackers.push(relay)
    await publishRaw(relay, 'tasks', encodeEnvelope(envelope), nodes[0]!.peerId)
    // the first copy is a fresh envelope: delivered once everywhere
    await waitFor(() => delivered.every(d => d.length === 1), 'first copy delivered')
    const reordered = toBytes(JSON.stringify({ signature: envelope.signature, payload: envelope.payload, timestamp_ms: envelope.timestamp_ms, sender: envelope.sender, type: envelope.type, v: envelope.v }))
    await attack('tasks', reordered, 'DUPLICATE')
    await new Promise(resolve => setTimeout(resolve, 300))
    for (const [i, d] of delivered.entries()) assert.equal(d.length, 1, `node ${i} delivered the envelope once`)
    delivered.forEach(d => d.splice(0))
  })

  it('refuses a correctly signed envelope with a stale timestamp', async () => {
    const stale = createEnvelope('task', TASK, generateKeyPair(), Date.now() - 10 * 60_000)
    await attack('tasks', encodeEnvelope(stale), 'STALE')
    assertNothingDelivered('stale')
  })

  it('refuses an oversized message before parsing it', async () => {
    const valid = encodeEnvelope(createEnvelope('task', TASK, generateKeyPair()))
    const padded = new Uint8Array(ENVELOPE_LIMITS.maxBytes + 1024).fill(0x20)
    padded.set(valid, 0)
    await attack('tasks', padded, 'TOO_LARGE')
    assertNothingDelivered('oversized')
  })

  it('refuses unsigned bytes and an envelope on the wrong topic', async () => {
    await attack('tasks', toBytes('{"hello":"world"}'), 'INVALID')
    await attack('attestations', encodeEnvelope(createEnvelope('task', TASK, generateKeyPair())), 'WRONG_TOPIC')
    assertNothingDelivered('malformed')
  })

  it('counted every refusal in the metrics, and the mesh still works', async () => {
    const text = await metrics.registry.metrics()
    for (const reason of ['BAD_SIGNATURE', 'STALE', 'TOO_LARGE', 'INVALID', 'DUPLICATE']) {
      assert.match(text, new RegExp(`outlayer_gossip_rejected_total\\{topic="tasks",action="(reject|ignore)",reason="${reason}"\\} [1-9]`), `metric for ${reason}`)
    }
    await nodes[2]!.publish('task', { ...TASK, request_id: '99' })
    await waitFor(() => delivered[0]!.length === 1 && delivered[1]!.length === 1, 'an honest task after the attacks')
    // one count per fact, two sinks: the plain stats and the Prometheus series of node 0 never disagree
    const stats = nodes[0]!.getStats().gossip.tasks
    const series = async (counter: { get: () => Promise<{ values: Array<{ value: number, labels: Record<string, unknown> }> }> }, topic = 'tasks'): Promise<Array<{ value: number, labels: Record<string, unknown> }>> =>
      (await counter.get()).values.filter(v => v.labels.topic === topic)
    const byReason = Object.fromEntries((await series(metrics.gossipRejected)).map(v => [v.labels.reason, v.value]))
    assert.deepEqual(byReason, stats.refused)
    assert.equal((await series(metrics.gossipIn))[0]?.value, stats.received)
    assert.equal((await series(metrics.gossipAccepted))[0]?.value, stats.accepted)
  })
})
