import assert from 'node:assert/strict'
import { generateKeyPair, publicKeyToString, sha256Hex, type AttestationPayload } from '../../../protocol/index.js'
import { DEFAULT_LOOKUP_GUARD, type MeshNode } from '../../p2p/index.js'
import { startNode, startStar, stopAll, waitFor, waitForTopicMesh } from './helpers.js'

const CONTRACT = 'outlayer.test.near'

function attestation (requestId: string): AttestationPayload {
  return {
    contract_id: CONTRACT, request_id: requestId, worker_id: 'worker0.test.near', success: true,
    output: Buffer.from('x').toString('base64'), output_hash: sha256Hex('x'), error: '', instructions: '1',
    time_ms: 1, result_hash: sha256Hex(`r${requestId}`), code_hash: undefined, transcript_hash: undefined, salt: undefined,
    signature: Buffer.alloc(64, 1).toString('base64')
  }
}

describe('p2p gossip costs the sender (issue 17 §4): a hint flood from a bonded worker', function () {
  this.timeout(120_000)
  const honestKeys = [generateKeyPair(), generateKeyPair(), generateKeyPair()]
  // the attacker paid one bond: its envelopes pass the registered-key check, so only the look-up guard stands
  const attackerKey = generateKeyPair()
  const registered = new Set([...honestKeys, attackerKey].map(k => publicKeyToString(k.publicKey)))
  const isRegisteredKey = (k: string): boolean => registered.has(k)
  /** the chain: requests 1..3 exist; the look-up is what a get_request RPC answers */
  const existing = new Set(['1', '2', '3'])
  const lookups = [0, 0, 0]
  const delivered = [[] as string[], [] as string[], [] as string[]]
  let nodes: MeshNode[] = []
  let attacker: MeshNode | undefined
  let stranger: MeshNode | undefined

  before(async () => {
    nodes = await startStar(3, i => ({
      signingKey: honestKeys[i]!,
      isRegisteredKey,
      lookUpRequest: async (_type, payload) => { lookups[i]!++; return existing.has(payload.request_id) }
    }))
    nodes.forEach((n, i) => {
      n.on('task', p => { delivered[i]!.push(`task ${p.request_id}`) })
      n.on('attestation', p => { delivered[i]!.push(`attestation ${p.request_id}`) })
      n.lookupGuard.seen('3') // what the chain watcher reports
    })
    await waitForTopicMesh(nodes, 'tasks')
    await waitForTopicMesh(nodes, 'attestations')
  })
  after(async () => { await stopAll([...nodes, attacker, stranger]) })

  it('300 bogus task hints + 300 bogus attestation hints cost each node at most missesToBan look-ups, and the flooder is disconnected', async () => {
    attacker = await startNode({ signingKey: attackerKey, bootstrap: nodes.flatMap(n => n.multiaddrs()) })
    await waitFor(() => nodes.every(n => n.peers().includes(attacker!.peerId)), 'the attacker connected to every node')
    await waitForTopicMesh([attacker], 'tasks', 3)
    await waitForTopicMesh([attacker], 'attestations', 3)
    const sends: Array<Promise<unknown>> = []
    for (let i = 0; i < 300; i++) {
      // ids just above the highest known one (inside the window) and far above it: both kinds of made-up ids
      sends.push(attacker.publish('task', { contract_id: CONTRACT, request_id: String(4 + i), block_height: '10' }).catch(() => 0))
      sends.push(attacker.publish('attestation', attestation(String(1_000 + i))).catch(() => 0))
    }
    await Promise.all(sends)
    await waitFor(() => nodes.every(n => !n.peers().includes(attacker!.peerId)), 'the flooder disconnected from every node')

    const bound = DEFAULT_LOOKUP_GUARD.missesToBan
    lookups.forEach((n, i) => assert.ok(n <= bound, `node ${i} made ${n} look-ups for the flood, the bound is ${bound}`))
    assert.ok(lookups.reduce((a, b) => a + b) <= nodes.length * bound, `${lookups.join('+')} look-ups in all`)
    assert.deepEqual(delivered, [[], [], []], 'no made-up hint reached a handler')
    for (const n of nodes) assert.ok(n.peerScore(attacker.peerId) < -80 || !n.peers().includes(attacker.peerId), 'the flooder is below the graylist')
    // banned: dialling back in gets it nowhere (the honest side's connection gater refuses it)
    await attacker.dial(nodes[0]!.multiaddrs()[0]!).catch(() => {})
    await waitFor(() => !attacker!.peers().includes(nodes[0]!.peerId), 'the redial refused')
    assert.ok(!nodes[0]!.peers().includes(attacker.peerId))
  })

  it('after the flood, a real hint from an honest node still reaches the others (one look-up each)', async () => {
    const before = [...lookups]
    await nodes[1]!.publish('task', { contract_id: CONTRACT, request_id: '2', block_height: '10' })
    await waitFor(() => delivered[0]!.includes('task 2') && delivered[2]!.includes('task 2'), 'the real hint on nodes 0 and 2')
    assert.deepEqual(delivered[1], [], 'a node does not receive its own hint')
    assert.ok(lookups[0]! - before[0]! === 1 && lookups[2]! - before[2]! === 1, `look-ups ${before.join(',')} → ${lookups.join(',')}`)
  })

  it('a task from a key no worker registered is rejected before any look-up', async () => {
    stranger = await startNode({ bootstrap: [nodes[0]!.multiaddrs()[0]!] })
    await waitForTopicMesh([stranger], 'tasks', 1)
    const before = [...lookups]
    const rejectedBefore = nodes[0]!.getStats().gossip.tasks.refused.UNREGISTERED_SENDER ?? 0
    await stranger.publish('task', { contract_id: CONTRACT, request_id: '1', block_height: '10' })
    await waitFor(() => (nodes[0]!.getStats().gossip.tasks.refused.UNREGISTERED_SENDER ?? 0) > rejectedBefore, 'the stranger\'s task refused')
    assert.deepEqual(lookups, before)
    assert.ok(!delivered[0]!.includes('task 1'))
  })
})
