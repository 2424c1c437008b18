import assert from 'node:assert/strict'
import { generateKeyPair, sha256Hex, signBuildAttestation, type BuildAttestation, type BuildInput, type KeyPair } from '../../../protocol/index.js'
import type { MeshNode } from '../../p2p/index.js'
import { encodeBuildRecord, recordKeyBytes } from '../../p2p/dht/build-record.js'
import type { MeshLibp2p } from '../../p2p/libp2p.js'
import { startAttacker } from './attacker.js'
import { randomHex, startLine, stopAll, waitFor } from './helpers.js'

function attest (input: BuildInput, wasm: Uint8Array, key: KeyPair): BuildAttestation {
  return signBuildAttestation({ ...input, wasm_hash: sha256Hex(wasm), size: wasm.length }, key)
}

describe('p2p kad-dht build records', function () {
  this.timeout(90_000)
  let nodes: MeshNode[] = []
  let attacker: MeshLibp2p | undefined
  const wasm = new TextEncoder().encode('pretend this is a wasm module')
  const input: BuildInput = { repo: 'https://github.com/outlayer/examples', commit: randomHex(20), build_target: 'wasm32-wasip1', builder_image: 'outlayer/builder:1' }
  const builders = [generateKeyPair(), generateKeyPair()]

  before(async () => {
    nodes = await startLine(3)
    assert.ok(!nodes[0]!.peers().includes(nodes[2]!.peerId), 'the two ends start unconnected')
  })

  after(async () => {
    await stopAll([attacker])
    await stopAll(nodes)
  })

  it('a record put on one end is found from the other end, through the middle node', async () => {
    const a = attest(input, wasm, builders[0]!)
    await nodes[0]!.putBuildRecord(a)
    const found = await nodes[2]!.findBuildRecords(a.build_key)
    assert.deepEqual(found, [a])
  })

  it('keeps every builder: a second builder\'s put merges with the first', async () => {
    const a = attest(input, wasm, builders[0]!)
    const b = attest(input, wasm, builders[1]!)
    await nodes[2]!.putBuildRecord(b)
    for (const [i, node] of nodes.entries()) {
      const found = await node.findBuildRecords(a.build_key)
      assert.deepEqual(new Set(found.map(f => f.builder)), new Set([a.builder, b.builder]), `node ${i} sees both builders`)
    }
  })

  it('refuses to put a tampered attestation', async () => {
    const a = attest(input, wasm, builders[0]!)
    await assert.rejects(nodes[1]!.putBuildRecord({ ...a, wasm_hash: sha256Hex('other bytes') }),
      (err: Error & { code?: string }) => err.name === 'MeshError' && err.code === 'BAD_INPUT')
  })

  it('peers refuse a forged record put over the wire, and lookups still return only verified attestations', async () => {
    attacker = await startAttacker([nodes[1]!.multiaddrs()[0]!])
    const dht = attacker.services.dht as unknown as { routingTable: { size: number } }
    await waitFor(() => dht.routingTable.size > 0, 'the attacker in the DHT')
    const real = attest(input, wasm, builders[0]!)
    const forged = { ...attest(input, wasm, generateKeyPair()), wasm_hash: sha256Hex('malware') }
    const events = []
    for await (const e of attacker.services.dht.put(recordKeyBytes(real.build_key), encodeBuildRecord([forged]))) events.push(e)
    assert.ok(events.some(e => e.name === 'QUERY_ERROR'), 'peers answered the forged put with errors')
    const found = await nodes[0]!.findBuildRecords(real.build_key)
    assert.ok(found.length >= 2 && found.every(f => f.wasm_hash === sha256Hex(wasm)), 'only the honest builders are returned')
  })

  it('returns [] for a build key nobody recorded', async () => {
    assert.deepEqual(await nodes[1]!.findBuildRecords(randomHex(32)), [])
  })
})
