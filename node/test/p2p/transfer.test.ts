import assert from 'node:assert/strict'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { WASM_TRANSFER_PROTOCOL, sha256Hex } from '../../../protocol/index.js'
import { decodeHeader } from '../../p2p/transfer/wire.js'
import type { MeshNode, WasmFetchError } from '../../p2p/index.js'
import type { MeshLibp2p } from '../../p2p/libp2p.js'
import { provideFrom, serveLies, startAttacker } from './attacker.js'
import { startLine, startNode, stopAll, waitFor } from './helpers.js'

function wasmOf (size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff
  return bytes
}

const isFetchError = (code: string) => (err: WasmFetchError) => err.name === 'WasmFetchError' && err.code === code

describe('p2p wasm transfer', function () {
  this.timeout(90_000)
  const store = new Map<string, Uint8Array>()
  const big = wasmOf(300 * 1024 + 17, 1) // several chunks, odd tail
  const small = wasmOf(1000, 2)
  let nodes: MeshNode[] = []
  const attackers: MeshLibp2p[] = []

  before(async () => {
    for (const w of [big, small]) store.set(sha256Hex(w), w)
    // provider — hub — fetcher: the fetcher finds the provider through the DHT
    // the fetcher asks one provider at a time, so the order of attempts is what these tests check (parallel
    // fetches, deadlines and caps: fetch-deadline.test.ts)
    nodes = await startLine(3, i => i === 0
      ? { artifactSource: async (hash) => store.get(hash), transferLimits: { requestsPerWindow: 5 } }
      : { transferLimits: { fetchParallel: 1 } })
    await nodes[0]!.provideWasm(sha256Hex(big))
    await nodes[0]!.provideWasm(sha256Hex(small))
  })

  after(async () => {
    await stopAll(attackers)
    await stopAll(nodes)
  })

  it('finds the provider through the DHT and fetches a verified copy', async () => {
    const hash = sha256Hex(big)
    assert.deepEqual(await nodes[2]!.findWasmProviders(hash), [nodes[0]!.peerId])
    const fetched = await nodes[2]!.fetchWasm(hash)
    assert.equal(sha256Hex(fetched), hash)
    assert.equal(fetched.length, big.length)
    assert.equal(nodes[0]!.getStats().transfer.served, 1)
    assert.equal(nodes[2]!.getStats().transfer.fetched, 1)
  })

  it('refuses a wasm above the caller\'s size cap', async () => {
    await assert.rejects(nodes[2]!.fetchWasm(sha256Hex(big), { maxBytes: big.length - 1 }), isFetchError('TOO_LARGE'))
  })

  it('reports NO_PROVIDERS for a hash nobody provides', async () => {
    await assert.rejects(nodes[1]!.fetchWasm(sha256Hex('nobody has this')), isFetchError('NO_PROVIDERS'))
  })

  it('refuses a provider that serves wrong bytes, then gets it from an honest one', async () => {
    const liar = await startAttacker([nodes[1]!.multiaddrs()[0]!])
    attackers.push(liar)
    await serveLies(liar, { body: wasmOf(small.length, 99) })
    const hash = sha256Hex(small)
    // the liar is tried first (named by the caller), refused by hash; the honest provider from the DHT serves it
    const before = nodes[2]!.getStats().transfer.fetchRefusals
    const fetched = await nodes[2]!.fetchWasm(hash, { providers: [liar.peerId.toString()] })
    assert.equal(sha256Hex(fetched), hash)
    assert.ok(nodes[2]!.getStats().transfer.fetchRefusals > before, 'the liar was tried and refused')
  })

  it('fails with HASH_MISMATCH when the only provider lies', async () => {
    const liar = await startAttacker([nodes[1]!.multiaddrs()[0]!])
    attackers.push(liar)
    const claimed = sha256Hex('a wasm only the liar claims to have')
    await serveLies(liar, { body: wasmOf(500, 7) })
    await waitFor(() => (liar.services.dht as unknown as { routingTable: { size: number } }).routingTable.size > 0, 'the liar in the DHT')
    await provideFrom(liar, claimed)
    await assert.rejects(nodes[2]!.fetchWasm(claimed), isFetchError('HASH_MISMATCH'))
  })

  it('refuses a provider announcing more than the cap, without reading the body', async () => {
    const liar = await startAttacker([nodes[1]!.multiaddrs()[0]!])
    attackers.push(liar)
    await serveLies(liar, { body: wasmOf(10, 3), announcedSize: 10 * 1024 * 1024 })
    // dial first: on a loaded machine the liar's address may not have spread yet, which would fail the fetch for
    // another reason than the one this test is about
    await nodes[2]!.dial(liar.getMultiaddrs()[0]!.toString())
    await assert.rejects(nodes[2]!.fetchWasm(sha256Hex('x'), { providers: [liar.peerId.toString()], maxBytes: 1024 * 1024 }), isFetchError('TOO_LARGE'))
  })

  it('moves on when a provider has gone away', async () => {
    const gone = await startNode({ bootstrap: nodes[1]!.multiaddrs() })
    nodes.push(gone) // stopped by the after hook too, if this test fails early
    await waitFor(() => nodes[1]!.peers().includes(gone.peerId), 'the short-lived node connected')
    await gone.stop()
    const fetched = await nodes[1]!.fetchWasm(sha256Hex(small), { providers: [gone.peerId] })
    assert.equal(sha256Hex(fetched), sha256Hex(small))
  })

  it('answers a garbage request with bad_request and keeps serving', async () => {
    const client = await startAttacker([nodes[0]!.multiaddrs()[0]!])
    attackers.push(client)
    const stream = await client.dialProtocol(peerIdFromString(nodes[0]!.peerId), WASM_TRANSFER_PROTOCOL)
    const lp = lpStream(stream)
    await lp.write(new TextEncoder().encode('{"hash": 12'))
    assert.deepEqual(decodeHeader((await lp.read()).subarray()), { status: 'bad_request' })
    assert.equal(sha256Hex(await nodes[2]!.fetchWasm(sha256Hex(small))), sha256Hex(small))
  })

  it('rate-limits one peer\'s requests per window', async () => {
    // the provider allows 5 requests per window; node 1 used one of them above
    const hash = sha256Hex(small)
    const outcomes: string[] = []
    for (let i = 0; i < 5; i++) {
      try {
        await nodes[1]!.fetchWasm(hash, { providers: [nodes[0]!.peerId] })
        outcomes.push('ok')
      } catch (err) {
        outcomes.push((err as WasmFetchError).code)
      }
    }
    assert.deepEqual(outcomes, ['ok', 'ok', 'ok', 'ok', 'RATE_LIMITED'])
  })
})
