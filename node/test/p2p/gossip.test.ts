import assert from 'node:assert/strict'
import { pino } from 'pino'
import { generateKeyPair, sha256Hex, signBuildAttestation, type AttestationPayload, type BuildPayload, type TaskPayload } from '../../../protocol/index.js'
import type { MeshNode } from '../../p2p/index.js'
import { startLine, startStar, stopAll, waitFor, waitForTopicMesh } from './helpers.js'

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

describe('p2p gossip over a 5-node line (multi-hop)', function () {
  this.timeout(60_000)
  let nodes: MeshNode[] = []

  before(async () => {
    nodes = await startLine(5)
    await waitForTopicMesh(nodes, 'attestations')
    await waitForTopicMesh(nodes, 'builds')
  })

  after(async () => { await stopAll(nodes) })

  it('an attestation from one end of the line reaches every node (the DHT may add shortcuts)', async () => {
    const got = nodes.map(() => 0)
    nodes.forEach((n, i) => n.on('attestation', () => { got[i]!++ }))
    const payload: AttestationPayload = {
      contract_id: 'outlayer.test.near', request_id: '9', worker_id: 'worker0.test.near', success: true,
      output: Buffer.from('heads').toString('base64'), output_hash: sha256Hex('heads'), error: '', instructions: '12345',
      time_ms: 3, result_hash: sha256Hex('result'), signature: Buffer.alloc(64, 1).toString('base64')
    }
    await nodes[0]!.publish('attestation', payload)
    await waitFor(() => got.slice(1).every(n => n === 1), 'the attestation on every other node')
    assert.equal(got[0], 0)
  })

  it('a build announcement from the far end reaches the first node', async () => {
    const attestation = signBuildAttestation({ repo: 'outlayer/examples', commit: 'ab'.repeat(20), build_target: 'wasm32-wasip1', builder_image: 'outlayer/builder:1', wasm_hash: sha256Hex('w'), size: 1 }, generateKeyPair())
    let got: BuildPayload | undefined
    nodes[0]!.on('build', (p) => { got = p })
    await nodes[4]!.publish('build', { ...attestation, peer_id: nodes[4]!.peerId })
    await waitFor(() => got != null, 'the build announcement at the first node')
    assert.equal(got!.peer_id, nodes[4]!.peerId)
    assert.equal(got!.wasm_hash, attestation.wasm_hash)
  })
})
